/** The one logging seam. Logic modules take a Logger; the extension passes its output channel. */
export interface Logger {
  trace(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
}

/** For tests and the command line: silent unless asked. */
export const silentLogger: Logger = { trace() {}, info() {}, warn() {}, error() {} };

export function consoleLogger(stream: NodeJS.WritableStream = process.stderr): Logger {
  const write = (level: string) => (message: string | Error) =>
    stream.write(`[${level}] ${message instanceof Error ? message.stack ?? message.message : message}\n`);
  return { trace: () => {}, info: write('info'), warn: write('warn'), error: write('error') };
}

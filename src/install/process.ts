/**
 * Runs a program with an argument array (never a shell), streams its output line by line, and
 * cancels by killing its whole process group (istioctl may start helpers).
 */
import { spawn } from 'node:child_process';

export interface RunOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly signal?: AbortSignal;
  /** Each complete output line (ANSI sequences kept: the parser strips them), tagged with its stream. */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Grace period between SIGTERM and SIGKILL on cancel. */
  readonly killGraceMs?: number;
}

export interface RunResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly cancelled: boolean;
}

export class ProcessStartError extends Error {
  readonly name = 'ProcessStartError';
  constructor(
    readonly executable: string,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    // A negative pid addresses the process group the child leads (it was spawned detached).
    process.kill(process.platform === 'win32' ? pid : -pid, signal);
  } catch {
    // Already gone.
  }
}

export function runProcess(executable: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      resolve({ exitCode: null, signal: null, stdout: '', stderr: '', cancelled: true });
      return;
    }
    const child = spawn(executable, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      if (child.pid === undefined) return;
      cancelled = true;
      killGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => child.pid !== undefined && killGroup(child.pid, 'SIGKILL'), options.killGraceMs ?? 3000);
      killTimer.unref();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const collected = { stdout: [] as string[], stderr: [] as string[] };
    for (const stream of ['stdout', 'stderr'] as const) {
      let partial = '';
      const source = child[stream];
      source.setEncoding('utf8');
      source.on('data', (text: string) => {
        collected[stream].push(text);
        const lines = (partial + text).split(/\r?\n|\r/);
        partial = lines.pop() ?? '';
        for (const line of lines) options.onLine?.(line, stream);
      });
      source.on('end', () => {
        if (partial !== '') options.onLine?.(partial, stream);
        partial = '';
      });
    }

    child.on('error', (err: NodeJS.ErrnoException) => {
      options.signal?.removeEventListener('abort', onAbort);
      reject(new ProcessStartError(executable, err.code, `Cannot run ${executable}: ${err.message}`));
    });
    child.on('close', (exitCode, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      resolve({
        exitCode,
        signal,
        stdout: collected.stdout.join(''),
        stderr: collected.stderr.join(''),
        cancelled,
      });
    });
  });
}

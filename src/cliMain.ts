/**
 * The command line (`node dist/cli.js lint|explain|analyze [options] <files or dirs>`), loaded by its entry
 * (src/cli.ts) once that has started the worker threads a large `lint` run wants early; those run their share from
 * this bundle too (`runShard`), so that one code cache serves every thread.
 */
import { runCommandLine } from './commandLine';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import type { ParallelOptions } from './yaml/parallel/run';
import { nodeFileSystem, type FileSystem } from './yaml/files';
import { bundledSchemaValidation } from './yaml/schema/bundledValidation';
import { errorMessage } from './util/errors';

// The YAML parser makes an Error for each problem it meets: a Helm template makes hundreds, and capturing their
// stacks took half of the time spent on templates. This command line prints messages, never stacks.
Error.stackTraceLimit = 0;

// V8's optimizing compiler is off for `lint` and `analyze` (src/cli.ts says why), until a run has read more than Istio's
// corpus: over much more YAML it pays off again. Only `lint` and `analyze` read through the counting file system below.
const OPTIMIZE_AFTER_CHARS = 3_000_000;
let charsRead = 0;
const fs: FileSystem = {
  ...nodeFileSystem,
  readText: async (path) => {
    const text = await nodeFileSystem.readText(path);
    if (charsRead < OPTIMIZE_AFTER_CHARS && (charsRead += text.length) >= OPTIMIZE_AFTER_CHARS) setFlagsFromString('--opt');
    return text;
  },
};

const schemas = bundledSchemaValidation(__dirname);

export { runShard } from './yaml/parallel/worker';

/**
 * Runs the command line's arguments (after the script). A large `lint` run is shared with the workers the entry
 * started (`spare`) and more, as the CPU time other work took since the entry's reading (`since`) allows.
 */
export function main(argv: readonly string[], early: Pick<ParallelOptions, 'spare' | 'since'>): void {
  // A reader that goes away (`| head`) ends the run quietly.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  const run = runCommandLine(argv, { stdout: process.stdout, stderr: process.stderr }, schemas.load, { fs, workerScript: join(__dirname, 'lintWorker.js'), ...early });
  // The exit status is set, not forced: output still buffered for a pipe is written before the process ends
  // (exiting at once cut piped reports at 64 KiB).
  run.then(
    (code) => {
      schemas.dispose();
      process.exitCode = code;
    },
    (err: unknown) => {
      schemas.dispose();
      process.stderr.write(`istio-mesh: ${errorMessage(err)}\n`);
      process.exitCode = 2;
    },
  );
}

/**
 * The command line (`node dist/cli.js lint|explain|analyze [options] <files or dirs>`), loaded by its entry
 * (src/cli.ts) once that has started the worker threads a large `lint` run wants early.
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

// A run over a repository takes a second or two, most of it in code that runs hot for a fraction of that: V8's
// optimizing compiler (TurboFan) spent more CPU compiling it than the compiled code saved, on threads that compete
// with the run for the cores (Istio's samples, manifests and analyzer testdata, 2.2 MB: 25-35% less CPU without it).
// Over much more YAML it pays off again, so it is turned back on once the run has read more than that corpus. (Measured
// again on 2026-12-07: that corpus 1.8 s CPU without it, 2.5 s with it; the file of 1,000 documents and 10,000 lines
// of bench/yaml.mjs 1.0 s without it, 1.55 s with it; again once that file's documents were read as plain values and
// no longer parsed twice: 0.42 s CPU without it, 0.62 s with it.)
// `analyze` is the same (Istio's samples and analyzer testdata: 1.6 s CPU with it, 1.0-1.2 s without). Only `lint`
// and `analyze` read through the counting file system below, so only they start with it off.
const OPTIMIZE_AFTER_CHARS = 3_000_000;
if (process.argv[2] === 'lint' || process.argv[2] === 'analyze') setFlagsFromString('--no-opt');
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

// A reader that goes away (`| head`) ends the run quietly.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

/**
 * Runs the command line's arguments (after the script). A large `lint` run is shared with the workers the entry
 * started (`spare`) and more, as the CPU time other work took since the entry's reading (`since`) allows.
 */
export function main(argv: readonly string[], early: Pick<ParallelOptions, 'spare' | 'since'>): void {
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

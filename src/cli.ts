#!/usr/bin/env node
/** Command-line entry: `node dist/cli.js lint [--format json|text] [--no-schema] [--fix | --fix-dry-run] [--ignore-code IST0xxx]... <files or dirs>` and `node dist/cli.js explain [--format json|text] [--ignore-code IST0xxx]... <files or dirs>`. */
import { main } from './yaml/cli';
import { explainMain } from './yaml/explainCli';
import { join } from 'node:path';
import { createCompiledSchemaValidation } from './yaml/schema/compiledService';
import type { YamlLanguageService } from './yaml/schema/languageService';
import { readBundledSchema } from './yaml/schema/location';
import { createWorkerYamlLanguageService } from './yaml/schema/workerService';
import { errorMessage } from './util/errors';

// The YAML parser makes an Error for each problem it meets: a Helm template makes hundreds, and capturing their
// stacks took half of the time spent on templates. This command line prints messages, never stacks.
Error.stackTraceLimit = 0;

// Schema validation compiled from the bundled schema; yaml-language-server (in its worker thread) is started only
// for the rare text the compiled validation leaves to it (anchors, aliases, tags, merge keys).
let fallback: YamlLanguageService | undefined;
const schemas = async () => {
  const json = await readBundledSchema(__dirname);
  return createCompiledSchemaValidation(json, async () => (fallback ??= createWorkerYamlLanguageService(json, join(__dirname, 'yamlWorker.js'))));
};

// A reader that goes away (`| head`) ends the run quietly.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const [command, ...rest] = process.argv.slice(2);
const run = command === 'explain' ? explainMain(rest) : main(process.argv.slice(2), undefined, schemas);

// The exit status is set, not forced: output still buffered for a pipe is written before the process ends
// (exiting at once cut piped reports at 64 KiB).
run.then(
  (code) => {
    fallback?.dispose();
    process.exitCode = code;
  },
  (err: unknown) => {
    fallback?.dispose();
    process.stderr.write(`istio-mesh: ${errorMessage(err)}\n`);
    process.exitCode = 2;
  },
);

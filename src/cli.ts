#!/usr/bin/env node
/** Command-line entry: `node dist/cli.js lint|explain [--format json|text] <files or dirs>`. */
import { main } from './yaml/cli';
import { explainMain } from './yaml/explainCli';
import { join } from 'node:path';
import { readBundledSchema } from './yaml/schema/location';
import { createWorkerYamlLanguageService } from './yaml/schema/workerService';
import { errorMessage } from './util/errors';

const [command, ...rest] = process.argv.slice(2);
const run = command === 'explain' ? explainMain(rest) : main(process.argv.slice(2), undefined, async () => createWorkerYamlLanguageService(await readBundledSchema(__dirname), join(__dirname, 'yamlWorker.js')));
run.then(
  // Exit once stdout has taken everything: into a pipe it writes asynchronously, and exiting at once cut reports at 64 KiB.
  (code) => process.stdout.write('', () => process.exit(code)),
  (err: unknown) => {
    process.stderr.write(`istio-mesh: ${errorMessage(err)}\n`);
    process.exit(2);
  },
);

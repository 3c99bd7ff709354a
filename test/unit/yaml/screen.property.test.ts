import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { splitDocuments } from '../../../src/yaml/chunks';
import { YamlChecker } from '../../../src/yaml/checker';
import { mayReportPlain } from '../../../src/yaml/lint';
import { plainManifests } from '../../../src/yaml/plain';
import { createCompiledSchemaValidation } from '../../../src/yaml/schema/compiledService';
import { createYamlLanguageService, type SchemaValidation, type YamlLanguageService } from '../../../src/yaml/schema/languageService';
import { findBundledSchema } from '../../../src/yaml/schema/location';
import type { Finding } from '../../../src/yaml/types';
import { manifestFile, renderFile } from './manifestArbitraries';
import { fixedPropertySeed } from '../property';

fixedPropertySeed();

/**
 * The command line reads each document as plain values and parses it with ranges only where a rule or analyzer may
 * report (`mayReport`, src/yaml/plain.ts). A screen that says "nothing to report" wrongly loses a finding: here the
 * checker with the screen must report exactly what it reports without it (every finding, its fixes included), with
 * and without schema validation, on documents whose labels, annotations and fields are the ones the rules and
 * analyzers read, in every style js-yaml is trusted with (and, from manifestArbitraries.ts, in every other style).
 */

type Scalar = string;
const str = (...values: string[]) => fc.constantFrom(...values);
/** A value as written: bare, single- or double-quoted (some bare ones are not strings: `true`, `1`, `~`, `yes`). */
const written = (...values: string[]): fc.Arbitrary<Scalar> =>
  fc.tuple(fc.constantFrom(...values), fc.constantFrom<'plain' | 'single' | 'double'>('plain', 'plain', 'single', 'double')).map(([v, style]) =>
    style === 'single' ? `'${v}'` : style === 'double' ? JSON.stringify(v) : v,
  );

const LABELS: Record<string, fc.Arbitrary<Scalar>> = {
  'istio-injection': written('enabled', 'disabled', 'true', 'yes', 'Enabled', ''),
  'istio.io/rev': written('canary', 'default', '1-29-0'),
  'istio.io/dataplane-mode': written('ambient', 'none', 'Ambient'),
  'sidecar.istio.io/inject': written('true', 'false', 'yes', 'on', '1', 'maybe', '~'),
  app: written('web'),
};
const ANNOTATIONS: Record<string, fc.Arbitrary<Scalar>> = {
  'sidecar.istio.io/inject': written('true', 'false', 'yes'),
  'sidecar.istio.io/proxyCPU': written('100m', 'lots'),
  'networking.istio.io/exportTo': written('.', '*'),
  'istio.io/rev': written('canary'),
  'example.istio.io/unknown': written('x'),
  'kubernetes.io/ingress.class': written('istio'),
  'sidecar.istio.io/status': written('{}'),
  team: written('a'),
};

/** A map of some of `keys`, as a block mapping (at `indent`) or a flow mapping. */
function map(entries: Record<string, fc.Arbitrary<Scalar>>): fc.Arbitrary<(indent: number) => string> {
  const keys = Object.keys(entries);
  return fc
    .tuple(fc.uniqueArray(fc.constantFrom(...keys), { maxLength: 3 }).chain((ks): fc.Arbitrary<(readonly [string, string])[]> => (ks.length ? fc.tuple(...ks.map((k) => entries[k].map((v) => [k, v] as const))) : fc.constant([]))), fc.boolean())
    .map(([pairs, flow]) => (indent: number) => {
      if (pairs.length === 0) return flow ? ' {}' : ' null';
      if (flow) return ` {${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')}}`;
      return pairs.map(([k, v]) => `\n${' '.repeat(indent)}${k}: ${v}`).join('');
    });
}

/** `metadata:` with some of name, namespace, labels and annotations, at `indent`. */
const metadata = fc
  .record({ name: fc.option(str('shop', 'other', 'kube-system', 'istio-system'), { nil: undefined }), namespace: fc.option(str('shop', 'other', 'kube-system'), { nil: undefined }), labels: fc.option(map(LABELS), { nil: undefined }), annotations: fc.option(map(ANNOTATIONS), { nil: undefined }) })
  .map((m) => (indent: number) => {
    const pad = ' '.repeat(indent);
    return [
      `${pad}metadata:`,
      ...(m.name ? [`${pad}  name: ${m.name}`] : []),
      ...(m.namespace ? [`${pad}  namespace: ${m.namespace}`] : []),
      ...(m.labels ? [`${pad}  labels:${m.labels(indent + 4)}`] : []),
      ...(m.annotations ? [`${pad}  annotations:${m.annotations(indent + 4)}`] : []),
    ].join('\n');
  });

const podSpec = fc.record({ hostNetwork: fc.option(written('true', 'false'), { nil: undefined }), runAsUser: fc.option(str('1337', '1000'), { nil: undefined }), inContainer: fc.boolean() }).map((s) => (indent: number) => {
  const pad = ' '.repeat(indent);
  const uid = s.runAsUser ? `securityContext: {runAsUser: ${s.runAsUser}}` : undefined;
  return [
    `${pad}spec:`,
    ...(s.hostNetwork ? [`${pad}  hostNetwork: ${s.hostNetwork}`] : []),
    ...(uid && !s.inContainer ? [`${pad}  ${uid}`] : []),
    `${pad}  containers:`,
    `${pad}  - name: app`,
    `${pad}    image: app:1`,
    ...(uid && s.inContainer ? [`${pad}    ${uid}`] : []),
  ].join('\n');
});

/** One document of a kind some rule or analyzer reads, or of another kind. */
const documentText: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(metadata).map(([m]) => `apiVersion: v1\nkind: Namespace\n${m(0)}`),
  fc.tuple(metadata, metadata, podSpec, str('apps/v1', 'extensions/v1beta1'), str('Deployment', 'StatefulSet', 'Job')).map(([own, template, spec, api, kind]) => `apiVersion: ${api}\nkind: ${kind}\n${own(0)}\nspec:\n  template:\n${template(4)}\n${spec(4)}`),
  fc.tuple(metadata, podSpec).map(([m, spec]) => `apiVersion: v1\nkind: Pod\n${m(0)}\n${spec(0)}`),
  fc.tuple(metadata, str('http', 'tcp', 'web', 'grpc-x', 'mysql'), str('80', '3306', '9080'), fc.boolean()).map(([m, name, port, external]) =>
    `apiVersion: v1\nkind: Service\n${m(0)}\nspec:${external ? '\n  type: ExternalName' : ''}\n  ports:\n  - name: ${name}\n    port: ${port}`),
  fc.tuple(metadata, str('SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL', 'DISABLE'), fc.boolean()).map(([m, mode, perPort]) =>
    `apiVersion: networking.istio.io/v1\nkind: DestinationRule\n${m(0)}\nspec:\n  host: web\n  trafficPolicy:\n${perPort ? `    portLevelSettings:\n    - port: {number: 443}\n      tls: {mode: ${mode}}` : `    tls:\n      mode: ${mode}`}`),
  fc.tuple(metadata, str('percent: 5', 'percentage: {value: 5}')).map(([m, delay]) =>
    `apiVersion: networking.istio.io/v1\nkind: VirtualService\n${m(0)}\nspec:\n  hosts: [web]\n  http:\n  - fault: {delay: {${delay}, fixedDelay: 1s}}\n    route: [{destination: {host: web}}]`),
  fc.tuple(metadata, fc.boolean()).map(([m, proxy]) => `apiVersion: networking.istio.io/v1\nkind: Sidecar\n${m(0)}\nspec:\n  outboundTrafficPolicy:\n    mode: REGISTRY_ONLY${proxy ? '\n    egressProxy: {host: egress}' : ''}`),
  fc.tuple(metadata, str('rbac.istio.io', 'example.com')).map(([m, group]) => `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n${m(0)}\nspec:\n  group: ${group}\n  names: {kind: ServiceRole}`),
  fc.tuple(metadata, str('rbac.istio.io/v1alpha1', 'security.istio.io/v1', 'config.istio.io/v1alpha2')).map(([m, api]) => `apiVersion: ${api}\nkind: AuthorizationPolicy\n${m(0)}\nspec: {}`),
  fc.tuple(metadata).map(([m]) => `apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\n${m(0)}\nspec:\n  values:\n    global: {mtls: {enabled: true}}`),
  fc.tuple(metadata).map(([m]) => `apiVersion: v1\nkind: ConfigMap\n${m(0)}\ndata: {a: b}`),
);

/**
 * Such a document as a Helm chart's template: actions in place of values (`{{ .Values.x }}`, quoted or not), whole
 * lines of actions (`{{- if }}` … `{{- end }}`, `{{- include … | nindent 4 }}`) and actions beside keys. The screen
 * reads templates with their actions masked, as the ranged parse reads them, and the rules and analyzers run on those
 * values (`mayFindPlain`) find more than on the parse, never less: their findings on masked actions are dropped only
 * after the parse.
 */
const templatedText: fc.Arbitrary<string> = fc
  .tuple(documentText, fc.array(fc.tuple(fc.nat(), fc.constantFrom('value', 'quoted', 'if', 'include', 'key')), { minLength: 1, maxLength: 4 }))
  .map(([text, edits]) => {
    const lines = text.split('\n');
    for (const [at, how] of edits) {
      const i = 1 + (at % Math.max(1, lines.length - 1));
      const line = lines[i];
      const indent = /^ */.exec(line)![0];
      const value = /^(\s*(?:- )?[\w./-]+:) (.+)$/.exec(line);
      if (how === 'value' && value) lines[i] = `${value[1]} {{ .Values.v${i} }}`;
      else if (how === 'quoted' && value) lines[i] = `${value[1]} {{ .Values.v${i} | quote }}`;
      else if (how === 'if') lines.splice(i, 1, '{{- if .Values.on }}', line, '{{- end }}');
      else if (how === 'include') lines.splice(i + 1, 0, `${indent}{{- include "chart.labels" . | nindent ${indent.length} }}`);
      else if (how === 'key') lines[i] = `${line} {{/* note */}}`;
    }
    return lines.join('\n');
  });

/** Files of such documents, or (less often) of manifestArbitraries.ts's documents in every YAML style. */
const fileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.array(documentText, { minLength: 1, maxLength: 4 }).map((docs) => docs.join('\n---\n') + '\n') },
  { weight: 2, arbitrary: fc.array(fc.oneof(documentText, templatedText), { minLength: 1, maxLength: 3 }).map((docs) => docs.join('\n---\n') + '\n') },
  { weight: 1, arbitrary: manifestFile.map(renderFile) },
);

const shown = (list: readonly Finding[]) => list.map((f) => JSON.stringify(f));

describe('the plain-value screen of the command line (property)', function () {
  this.timeout(300_000);
  let schema: SchemaValidation;
  let yls: YamlLanguageService | undefined;

  before(() => {
    const json = readFileSync(findBundledSchema(__dirname)!, 'utf8');
    // Texts with anchors, aliases or tags go to yaml-language-server, as in the command line.
    schema = createCompiledSchemaValidation(json, async () => (yls ??= await createYamlLanguageService(json)));
  });

  after(() => yls?.dispose());

  // Found by this property: with schema validation, the word screen left IstioOperator documents unparsed, so the
  // command line never reported removed-field on them (without it, it did).
  it('with schema validation, the word screen too gives an IstioOperator to removed-field', async () => {
    const text = 'apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nmetadata: {name: x}\nspec:\n  values:\n    global: {mtls: {enabled: true}}\n';
    const found = await new YamlChecker(async () => schema, { offline: true }).check('file:///operator.yaml', text, { schema: true });
    assert.deepEqual(found.map((f) => f.code), ['removed-field']);
  });

  // Without schema validation the reference parses every document; with it, the reference is the word screen
  // (`leftToSchema`), which leaves documents to the schema validation unparsed.
  for (const withSchema of [false, true]) {
    it(`reports what ${withSchema ? 'the word screen reports, with schema validation' : "every document's ranged parse reports"}`, async () => {
      const counts = { files: 0, screenedOut: 0, screenedIn: 0, findings: 0, templates: 0 };
      await fc.assert(
        fc.asyncProperty(fileText, async (text) => {
          const uri = 'file:///screen.yaml';
          const service = async () => schema;
          const fast = await new YamlChecker(service, { offline: true, screen: true }).check(uri, text, { schema: withSchema });
          const full = await new YamlChecker(service, { offline: true }).check(uri, text, { schema: withSchema });
          assert.deepEqual(shown(fast), shown(full), `in:\n${text}`);
          counts.files++;
          counts.findings += full.filter((f) => f.code !== 'schema').length;
          for (const chunk of splitDocuments(text)) {
            if (chunk.text.includes('{{')) counts.templates++;
            const docs = plainManifests(chunk.text);
            if (!docs) continue;
            const ctx = { cluster: {}, namespacesAskingForSidecars: new Set<string>(), namespaceLabels: new Map() };
            if (mayReportPlain(docs, ctx)) counts.screenedIn++;
            else counts.screenedOut++;
          }
        }),
        { numRuns: Number(process.env.SCREEN_PROPERTY_RUNS ?? 400) },
      );
      // The comparison means something: documents left unparsed, documents parsed, and findings among them.
      assert.ok(counts.screenedOut >= 100 && counts.screenedIn >= 200 && counts.findings >= 200 && counts.templates >= 50, JSON.stringify(counts));
    });
  }
});

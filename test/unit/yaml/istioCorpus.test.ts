import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { lintFiles, type CliFinding } from '../../../src/yaml/lintPaths';
import { parseManifests } from '../../../src/yaml/parse';
import { createYamlLanguageService, type YamlLanguageService } from '../../../src/yaml/schema/languageService';
import { findBundledSchema } from '../../../src/yaml/schema/location';
import { istioFiles, istioRelative } from '../../oracles/istioSource';

/**
 * Istio's own files, read from the Go module cache (never copied here), through the command line's checker with
 * schema validation on. samples/ and manifests/ are valid: everything reported on them is listed below.
 */
const SAMPLES_AND_MANIFESTS = [
  // Right: Istio still reads the annotation, but the label is the documented form.
  'samples/addons/extras/skywalking.yaml:88 info inject-annotation-deprecated',
];

const TESTDATA = 'pkg/config/analysis/analyzers/testdata';

/**
 * The analyzer testdata is written to trip Istio's analyzers (semantic checks), mostly with schema-valid objects.
 * These are the objects that are schema-invalid as well: the API server would refuse them, so the schema errors
 * are right.
 */
const TESTDATA_SCHEMA_ERRORS: Record<string, string> = {
  'condition-analyzer.yaml:20 error schema Missing property "spec".': 'a ServiceEntry without spec (the file is about status conditions); its CRD requires spec',
  'conflicting-gateways-invalid-port.yaml:9 error schema Missing property "port".': 'a Gateway server without port, the point of the file; its CRD requires port',
  'conflicting-gateways-invalid-port.yaml:20 error schema Missing property "port".': 'the same, in the second Gateway',
  'deprecation.yaml:8 error schema Property workloadLabels is not allowed.': 'an EnvoyFilter field removed from the API (the file tests deprecations); unknown to the CRD',
  'deprecation.yaml:11 error schema Property filters is not allowed.': 'the same, another removed field',
  'envoy-filter-add-operation.yaml:89 error schema Property app is not allowed.': 'a stray `app:` inside an EnvoyFilter match (not a field of it)',
  'envoy-filter-add-operation.yaml:115 error schema Property app is not allowed.': 'the same, in another patch',
  'virtualservice_destinationhosts.yaml:97 error schema Missing property "destination".': 'a route `- {}` without destination ("test destination null"); its CRD requires destination',
};

/**
 * What the Istio rules say on the analyzer testdata (linted together, as `lint <testdata>` does). Each agrees with the
 * file, and with Istio's analyzers where one covers it (test/unit/istio/analyzer.test.ts compares case by case).
 */
const TESTDATA_RULE_FINDINGS = [
  'deployment-multi-service.yaml:309 info inject-annotation-deprecated',
  // The pods ask with the annotation, which the object-selector webhook does not read: in a namespace without
  // injection label they get no sidecar.
  'deployment-multi-service.yaml:323 info namespace-not-injected',
  'deployment-multi-service.yaml:346 info inject-annotation-deprecated',
  // A Mixer QuotaSpec (config.istio.io, removed in 1.8): kept there as an object Istio's analyzers must skip.
  'deprecation.yaml:49 error removed-api',
  // IST0123, as Istio's istioInjection case expects for busted, multi-ns-1, multi-ns-2 and multi-ns-3.
  'injection.yaml:57 warning injection-labels-conflict',
  'injection.yaml:90 info inject-annotation-deprecated',
  'injection.yaml:156 warning injection-labels-conflict',
  'injection.yaml:164 warning injection-labels-conflict',
  'injection.yaml:172 warning injection-labels-conflict',
  // IST0123 too (ambient beside istio-injection=enabled, and beside istio.io/rev): the file's case runs only the
  // Sidecar analyzer, and its namespace names (ns-not-ambient, ns-not-ambient-rev) say these are not ambient.
  'sidecar-default-selector.yaml:105 warning injection-labels-conflict',
  'sidecar-default-selector.yaml:113 warning injection-labels-conflict',
];

interface Counts {
  files: number;
  documents: number;
  objects: number;
  covered: number;
  templated: number;
}

describe("Istio's own files (samples, manifests, analyzer testdata)", function () {
  this.timeout(120_000);
  let service: YamlLanguageService;

  before(async () => {
    service = await createYamlLanguageService(readFileSync(findBundledSchema(__dirname)!, 'utf8'));
  });

  /** Lints the files as `istio-mesh lint` does; prints how many files, documents and findings it saw. */
  async function lint(what: string, files: string[]): Promise<string[]> {
    const started = Date.now();
    const findings = await lintFiles(files, async () => service);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const counts = count(files);
    console.log(
      `      ${what}: ${counts.files} files, ${counts.documents} documents, ${counts.objects} Kubernetes objects (${counts.covered} of kinds the schema knows), ` +
      `${counts.templated} Helm templates (Istio rules only); ${findings.length} findings in ${seconds} s`,
    );
    // The analyzers' IST findings are compared with Istio's own in test/unit/analyzers/analyzersTest.test.ts and test/cluster/istioctlAnalyze.test.ts.
    return findings.filter((f) => !f.code.startsWith('IST')).map(summary);
  }

  function count(files: string[]): Counts {
    const counts: Counts = { files: files.length, documents: 0, objects: 0, covered: 0, templated: 0 };
    for (const file of files) {
      const parsed = parseManifests(readFileSync(file, 'utf8'));
      counts.documents += parsed.manifests.length;
      if (parsed.templated) counts.templated++;
      for (const m of parsed.manifests) {
        if (m.kind === undefined) continue;
        counts.objects++;
        if (service.covers(m.apiVersion!, m.kind)) counts.covered++;
      }
    }
    return counts;
  }

  const summary = (f: CliFinding) => `${istioRelative(f.file)}:${f.startLine} ${f.severity} ${f.code}${f.code === 'schema' || f.code === 'yaml-syntax' ? ` ${f.message}` : ''}`;

  it('samples/ and manifests/ (charts and their Helm templates included): no schema error, no warning', async () => {
    const files = [...istioFiles('samples'), ...istioFiles('manifests')];
    assert.ok(files.length > 300, `only ${files.length} files: is the Istio module complete?`);
    assert.deepEqual(await lint('samples/ and manifests/', files), SAMPLES_AND_MANIFESTS);
  });

  it('analyzer testdata: schema errors only on objects the API server would refuse', async () => {
    const files = istioFiles(TESTDATA);
    assert.ok(files.length > 80, `only ${files.length} files: is the Istio module complete?`);
    const found = (await lint('analyzer testdata', files)).map((f) => f.slice(TESTDATA.length + 1));
    assert.deepEqual(found.filter((f) => / (schema|yaml-syntax) /.test(f)), Object.keys(TESTDATA_SCHEMA_ERRORS));
    assert.deepEqual(found.filter((f) => !/ (schema|yaml-syntax) /.test(f)), TESTDATA_RULE_FINDINGS);
  });
});

import { withSafeFixes } from '../yaml/helmEdits';
import { IgnoredNamespaces } from '../istio/names';
import { rootOf } from '../yaml/kube';
import { rangeOf, type ParsedFile, type ParsedManifest } from '../yaml/parse';
import type { Finding } from '../yaml/types';
import { resourceType, type Analyzer, type Resource } from './analyzer';
import { annotationsAnalyzer } from './annotations';
import { applicationUidAnalyzer } from './applicationUid';
import { caCertificatesAnalyzer } from './caCertificates';
import { deprecationAnalyzer } from './deprecation';
import { envoyFilterAnalyzer } from './envoyFilter';
import { MESSAGES, messageText, severityOf } from './messages';
import { portNameAnalyzer } from './portName';
import { serviceEntryAddressesAnalyzer } from './serviceEntryAddresses';
import { suppressed, suppressFix } from './suppress';
import { telemetryProvidersAnalyzer } from './telemetryProviders';

/** Every analyzer. Add one: a file, one line here, its codes in messages.ts, a test, a README row. */
export const analyzers: readonly Analyzer[] = [
  annotationsAnalyzer,
  portNameAnalyzer,
  applicationUidAnalyzer,
  caCertificatesAnalyzer,
  envoyFilterAnalyzer,
  serviceEntryAddressesAnalyzer,
  telemetryProvidersAnalyzer,
  deprecationAnalyzer,
];

const byType = new Map<string, Analyzer[]>();
for (const a of analyzers) for (const t of a.types) byType.set(t, [...(byType.get(t) ?? []), a]);

/**
 * What a document of an analyzed kind starts a line with: `kind: Service|Pod|Deployment` or an Istio `apiVersion`,
 * as root keys (at the start of a line). A document without it is left to the schema validation unparsed (see
 * ISTIO_WORDS in src/yaml/checker.ts); a list of objects still goes there, as before.
 */
export const ANALYZED_WORDS = /^(?:kind:[ \t]*["']?(?:Service|Pod|Deployment|CustomResourceDefinition)\b|apiVersion:[ \t]*["']?[a-z0-9.-]*istio\.io\/)/m;

/**
 * Istio reads no resource of the namespaces its injector ignores (kube-system, kube-public, ...): they are filtered
 * out where files are read (pkg/config/analysis/local/istiod_analyze.go:277-287), so no analyzer sees them.
 */
function ignoredNamespace(m: ParsedManifest): boolean {
  const namespace = m.kind === 'Namespace' ? m.name : m.namespace;
  return namespace !== undefined && IgnoredNamespaces.has(namespace);
}

/**
 * The findings of every analyzer for one document, with Istio's code, message and level, less those its
 * `galley.istio.io/analyze-suppress` annotation suppresses; each offers to suppress its code on the resource.
 */
export function analyzeManifest(file: ParsedFile, manifest: ParsedManifest): Finding[] {
  const type = resourceType(manifest);
  const list = type === undefined ? undefined : byType.get(type);
  const root = rootOf(manifest);
  if (!list || !root || type === undefined || ignoredNamespace(manifest)) return [];
  const resource: Resource = { file, manifest, root, type };
  const start = manifest.root?.range?.[0] ?? manifest.span[0];
  const out: Finding[] = [];
  for (const analyzer of list) {
    for (const report of analyzer.analyze(resource)) {
      if (suppressed(root, report.code)) continue;
      const suppress = suppressFix(file, root, report.code);
      const finding: Finding = {
        range: rangeOf(file, report.span[0], report.span[1]),
        code: report.code,
        severity: severityOf(MESSAGES[report.code].level),
        message: messageText(report.code, ...report.args),
        ...(suppress ? { fixes: [suppress] } : {}),
      };
      out.push(withSafeFixes(file, finding, start));
    }
  }
  return out;
}

import { withSafeFixes } from '../yaml/helmEdits';
import { IgnoredNamespaces } from '../istio/names';
import { rootOf } from '../yaml/kube';
import { rangeOf, type ParsedFile, type ParsedManifest } from '../yaml/parse';
import type { PlainManifest } from '../yaml/plain';
import type { Finding } from '../yaml/types';
import { resourceType, type Analyzer, type Resource } from './analyzer';
import { annotationsAnalyzer } from './annotations';
import { applicationUidAnalyzer } from './applicationUid';
import { caCertificatesAnalyzer } from './caCertificates';
import { deprecationAnalyzer } from './deprecation';
import { envoyFilterAnalyzer } from './envoyFilter';
import { MESSAGES, messageText, severityOf } from './messages';
import { loadFast } from '../yaml/schema/fastYaml';
import { portNameAnalyzer, portsMayBeReported } from './portName';
import { serviceEntryAddressesAnalyzer } from './serviceEntryAddresses';
import { withSuppression } from './suppress';
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

const ISTIO_API = /^apiVersion:[ \t]*["']?[a-z0-9.-]*istio\.io\//m;
const ANALYZED_KIND = /^kind:[ \t]*["']?(Service|Namespace|Pod|Deployment|CustomResourceDefinition)\b/gm;

/**
 * By kind, what a document's text holds whenever an analyzer of that kind can report on it: Istio annotations
 * (a first segment ending in `istio.io`, or `kubernetes.io/ingress.class`) on Namespaces, those or `runAsUser` on Pods
 * and Deployments, the `rbac.istio.io` group on a CustomResourceDefinition; on a Service those, or a port whose protocol
 * Istio cannot tell (see `serviceMayBeAnalyzed`).
 */
const ANALYZED_WORDS: Readonly<Record<string, RegExp | undefined>> = {
  Service: /istio\.io|ingress\.class/,
  Namespace: /istio\.io|ingress\.class/,
  Pod: /istio\.io|ingress\.class|runAsUser/,
  Deployment: /istio\.io|ingress\.class|runAsUser/,
  CustomResourceDefinition: /rbac\.istio\.io/,
};

/**
 * The same for Istio's own APIs: the kinds an analyzer reads (by the name of the kind, a word of any document of it),
 * each with the words without which it reports nothing. A DestinationRule's TLS mode SIMPLE or MUTUAL, a
 * VirtualService's `fault.delay.percent`, a Sidecar's `egressProxy`; EnvoyFilters, ServiceEntries and Telemetry
 * whatever they hold. Gateways, AuthorizationPolicies and the other kinds no analyzer reads are left unparsed.
 */
const ISTIO_ANALYZED: readonly (readonly [string, RegExp | undefined])[] = [
  ['EnvoyFilter', undefined],
  ['ServiceEntry', undefined],
  ['Telemetry', undefined],
  ['DestinationRule', /SIMPLE|MUTUAL/],
  ['VirtualService', /percent/],
  ['Sidecar', /egressProxy/],
];

/** A double-quoted escape that can spell any character (`\x69`, `\u0069`), or a line break escaped away. */
const HIDDEN_WORDS = /\\(?:[xuU]|\r?\n)/;

/**
 * Whether an analyzer may report on the documents of a text, told without parsing it: a document that starts a
 * line with an Istio `apiVersion` and names a kind an analyzer reads with its words (see `ISTIO_ANALYZED`) or holds
 * an escape, or with `kind:` of an analyzed kind holding that kind's words (see
 * `ANALYZED_WORDS`) or an escape that could hide one. A text for which this is false is left to the schema
 * validation unparsed (see src/yaml/checker.ts); test/unit/analyzers/analyzedWords.test.ts checks it against the
 * analyzers themselves.
 */
export function mayBeAnalyzed(text: string): boolean {
  if (ISTIO_API.test(text) && (HIDDEN_WORDS.test(text) || ISTIO_ANALYZED.some(([kind, words]) => text.includes(kind) && (!words || words.test(text))))) return true;
  for (const [, kind] of text.matchAll(ANALYZED_KIND)) {
    const words = ANALYZED_WORDS[kind];
    if (!words || words.test(text) || HIDDEN_WORDS.test(text)) return true;
    if (kind === 'Service' && serviceMayBeAnalyzed(text)) return true;
  }
  return false;
}

/**
 * The port-name analyzer reads every Service, but reports only on a port whose protocol Istio cannot tell: a Service
 * js-yaml reads with certainty (one document, plain enough, see src/yaml/schema/fastYaml.ts) and whose ports all name
 * their protocol is not parsed again. Most Services of Istio's manifests are such.
 */
function serviceMayBeAnalyzed(text: string): boolean {
  const docs = loadFast(text);
  return docs?.length !== 1 || portsMayBeReported(docs[0]);
}

/**
 * Whether an analyzer may report on a document read as plain values (see src/yaml/plain.ts): one of its type, in a
 * namespace Istio reads, whose analyzers' `mayReport` says so. False means `analyzeManifest` reports nothing on it.
 */
export function mayBeAnalyzedPlain(m: PlainManifest): boolean {
  const type = resourceType(m);
  const list = type === undefined ? undefined : byType.get(type);
  return list !== undefined && m.root !== undefined && !ignoredNamespace(m) && list.some((a) => a.mayReport(m));
}

/**
 * Istio reads no resource of the namespaces its injector ignores (kube-system, kube-public, ...): they are filtered
 * out where files are read (pkg/config/analysis/local/istiod_analyze.go:277-287), so no analyzer sees them.
 */
function ignoredNamespace(m: Pick<ParsedManifest, 'kind' | 'name' | 'namespace'>): boolean {
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
      const finding = withSuppression(file, root, report.code, {
        range: rangeOf(file, report.span[0], report.span[1]),
        code: report.code,
        severity: severityOf(MESSAGES[report.code].level),
        message: messageText(report.code, ...report.args),
      });
      if (finding) out.push(withSafeFixes(file, finding, start));
    }
  }
  return out;
}

import { SidecarInjectAnnotation } from '../istio/names';
import { annotationsOf } from '../yaml/kube';
import { entries } from '../yaml/nodes';
import type { ParsedManifest } from '../yaml/parse';
import { resourceType, type Analyzer, type Report, type Resource } from './analyzer';
import { ANNOTATIONS } from './annotations.gen';
import { ANNOTATION_CHECKS } from './annotationValues';
import { text } from './values';
import { plainMapAt } from '../yaml/plain';

/**
 * Istio's annotations.K8sAnalyzer (pkg/config/analysis/analyzers/annotations/annotations.go:52-130): the
 * annotations of Namespaces, Services, Pods and Deployments (their own metadata, not a pod template's) that are
 * unknown (IST0108), deprecated (IST0135), on a kind they do not apply to (IST0107) or of an invalid value (IST0125).
 */
const KINDS: Readonly<Record<string, string>> = { Namespace: 'Namespace', Service: 'Service', Pod: 'Pod', 'apps/Deployment': 'Deployment' };

/** Set by Istio itself, never reported (maturity.go:51-60, AlwaysIgnoredAnnotations). */
const ALWAYS_IGNORED = new Set(['sidecar.istio.io/status', 'gateway.istio.io/controller-version', 'istio.io/rev']);

/** The kind Istio's analyzer names a document's own annotations after, when it reads them at all. */
export function annotatedKind(m: Pick<ParsedManifest, 'apiVersion' | 'kind'>): string | undefined {
  const type = resourceType(m);
  return type === undefined ? undefined : KINDS[type];
}

/** annotations.go:139-157: Istio's namespace is any first path segment ending in istio.io, plus one Kubernetes annotation. */
function isIstioAnnotation(name: string): boolean {
  return name === 'kubernetes.io/ingress.class' || name.split('/')[0].endsWith('istio.io');
}

export const annotationsAnalyzer: Analyzer = {
  name: 'annotations.K8sAnalyzer',
  codes: ['IST0107', 'IST0108', 'IST0125', 'IST0135'],
  types: Object.keys(KINDS),
  mayReport(m) {
    const annotations = plainMapAt(m.root, ['metadata', 'annotations']);
    return annotations !== undefined && Object.keys(annotations).some((name) => isIstioAnnotation(name) && !ALWAYS_IGNORED.has(name) && name !== SidecarInjectAnnotation);
  },
  analyze(r: Resource): Report[] {
    const kind = KINDS[r.type];
    const reports: Report[] = [];
    for (const e of entries(annotationsOf(r.root))) {
      const name = e.key;
      // The YAML rules own sidecar.istio.io/inject (IST0135 in inject-annotation-deprecated, IST0107 in
      // inject-misplaced): they offer the fix that moves it to the label, and one finding per place is enough.
      if (!isIstioAnnotation(name) || ALWAYS_IGNORED.has(name) || name === SidecarInjectAnnotation) continue;
      const span = [e.keyNode.range?.[0] ?? 0, e.keyNode.range?.[1] ?? 0] as const;
      const info = ANNOTATIONS.get(name);
      if (!info) {
        reports.push({ code: 'IST0108', args: [name], span });
        continue;
      }
      if (info.deprecated) reports.push({ code: 'IST0135', args: [name, ''], span });
      if (info.resources.includes('Any')) continue;
      if (!info.resources.includes(kind)) {
        reports.push({ code: 'IST0107', args: [name, info.resources.join(', ')], span });
        continue;
      }
      const problem = ANNOTATION_CHECKS.get(name)?.(text(e.value) ?? '');
      if (problem) reports.push({ code: 'IST0125', args: [name, problem], span });
    }
    return reports;
  },
};

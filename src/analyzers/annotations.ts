import { annotationsOf, labelsOf } from '../yaml/kube';
import { entries, entry } from '../yaml/nodes';
import type { Analyzer, Report, Resource } from './analyzer';
import { ANNOTATIONS } from './annotations.gen';
import { ANNOTATION_CHECKS } from './annotationValues';
import { text } from './values';

/**
 * Istio's annotations.K8sAnalyzer (pkg/config/analysis/analyzers/annotations/annotations.go:52-130): the
 * annotations of Namespaces, Services, Pods and Deployments (their own metadata, not a pod template's) that are
 * unknown (IST0108), deprecated (IST0135), on a kind they do not apply to (IST0107) or of an invalid value (IST0125).
 */
const KINDS: Readonly<Record<string, string>> = { Namespace: 'Namespace', Service: 'Service', Pod: 'Pod', 'apps/Deployment': 'Deployment' };

/** Set by Istio itself, never reported (maturity.go:51-60, AlwaysIgnoredAnnotations). */
const ALWAYS_IGNORED = new Set(['sidecar.istio.io/status', 'gateway.istio.io/controller-version', 'istio.io/rev']);

const DEPRECATION_EXTRA: Readonly<Record<string, string>> = { 'sidecar.istio.io/inject': ' in favor of the "sidecar.istio.io/inject" label' };

/** annotations.go:139-157: Istio's namespace is any first path segment ending in istio.io, plus one Kubernetes annotation. */
function isIstioAnnotation(name: string): boolean {
  return name === 'kubernetes.io/ingress.class' || name.split('/')[0].endsWith('istio.io');
}

export const annotationsAnalyzer: Analyzer = {
  name: 'annotations.K8sAnalyzer',
  codes: ['IST0107', 'IST0108', 'IST0125', 'IST0135'],
  types: Object.keys(KINDS),
  analyze(r: Resource): Report[] {
    const kind = KINDS[r.type];
    const reports: Report[] = [];
    for (const e of entries(annotationsOf(r.root))) {
      const name = e.key;
      if (!isIstioAnnotation(name) || ALWAYS_IGNORED.has(name)) continue;
      const span = [e.keyNode.range?.[0] ?? 0, e.keyNode.range?.[1] ?? 0] as const;
      const info = ANNOTATIONS.get(name);
      if (!info) {
        reports.push({ code: 'IST0108', args: [name], span });
        continue;
      }
      // Both the deprecated annotation and its label: the user keeps both on purpose (annotations.go:96-100).
      if (info.deprecated && !(name === 'sidecar.istio.io/inject' && entry(labelsOf(r.root), name))) {
        reports.push({ code: 'IST0135', args: [name, DEPRECATION_EXTRA[name] ?? ''], span });
      }
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

import { annotatedKind } from '../../analyzers/annotations';
import { SidecarInjectLabel } from '../../istio/names';
import { annotationsOf, isWorkload, labelsOf, podHolder, rootOf } from '../kube';
import { entry, entrySpan } from '../nodes';
import type { ParsedManifest } from '../parse';
import { moveInjectToLabels } from './moveInject';
import { finding, fix, type Rule } from './rule';
import { plainAnnotation, plainLabel } from '../plain';

/**
 * On a workload's own metadata the injector never sees it: only the pod template reaches the pods. On a Namespace or
 * a Service it does nothing either. For the annotation on a Deployment, Namespace or Service this is Istio's IST0107
 * MisplacedAnnotation (analyzers/annotations/annotations.go:121-127, which reads the own annotations of those kinds
 * and Pods, not other workloads, and no labels); this rule is its only owner for this annotation (the analyzer skips it).
 */
export const injectMisplaced: Rule = {
  code: 'inject-misplaced',
  severity: 'warning',
  summary: "sidecar.istio.io/inject on a workload's own metadata instead of its pod template, or on a Namespace or Service",
  mayReport(m) {
    return plainLabel(m.root, SidecarInjectLabel) !== undefined || plainAnnotation(m.root, SidecarInjectLabel) !== undefined;
  },
  check(m, ctx) {
    const root = rootOf(m);
    if (!root) return [];
    if (!isWorkload(m)) {
      const e = (m.kind === 'Namespace' || m.kind === 'Service') && annotatedKind(m) ? entry(annotationsOf(root), SidecarInjectLabel) : undefined;
      return e ? [finding(ctx, this, entrySpan(e), misplacedElsewhere(m), [], 'IST0107')] : [];
    }
    const template = podHolder(m, root);
    const where = m.kind === 'CronJob' ? 'spec.jobTemplate.spec.template.metadata.labels' : 'spec.template.metadata.labels';
    const out = [];
    for (const [map, mapKey] of [[labelsOf(root), 'labels'], [annotationsOf(root), 'annotations']] as const) {
      const e = entry(map, SidecarInjectLabel);
      if (!e) continue;
      out.push(
        finding(ctx, this, entrySpan(e), `sidecar.istio.io/inject on the ${m.kind}'s own metadata is ignored: the injector reads the pod's labels. Put it under ${where}.`, [
          template ? fix("Move it into the pod template's labels", moveInjectToLabels(ctx.file, root, mapKey, e, template), true) : undefined,
        ], mapKey === 'annotations' && annotatedKind(m) ? 'IST0107' : undefined),
      );
    }
    return out;
  },
};

function misplacedElsewhere(m: ParsedManifest): string {
  const instead = m.kind === 'Namespace' ? "label the namespace istio-injection=enabled (or istio.io/rev=<revision>)" : "put the label on the pod template of the Service's workloads";
  return `sidecar.istio.io/inject on a ${m.kind} is ignored: the injector reads the pod's labels. To inject, ${instead}.`;
}

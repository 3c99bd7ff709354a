import { SidecarInjectLabel } from '../../istio/names';
import { annotationsOf, isWorkload, labelsOf, podHolder, rootOf } from '../kube';
import { entry, entrySpan } from '../nodes';
import { moveInjectToLabels } from './moveInject';
import { finding, fix, type Rule } from './rule';

/**
 * On a workload's own metadata the injector never sees it: only the pod template reaches the pods. For the annotation
 * on a Deployment this is Istio's IST0107 MisplacedAnnotation (analyzers/annotations/annotations.go:121-127, which
 * checks the own annotations of Deployments, not other workloads, and no labels).
 */
export const injectMisplaced: Rule = {
  code: 'inject-misplaced',
  severity: 'warning',
  summary: "sidecar.istio.io/inject on a workload's own metadata instead of its pod template",
  check(m, ctx) {
    const root = rootOf(m);
    if (!isWorkload(m) || !root) return [];
    const template = podHolder(m, root);
    const where = m.kind === 'CronJob' ? 'spec.jobTemplate.spec.template.metadata.labels' : 'spec.template.metadata.labels';
    const out = [];
    for (const [map, mapKey] of [[labelsOf(root), 'labels'], [annotationsOf(root), 'annotations']] as const) {
      const e = entry(map, SidecarInjectLabel);
      if (!e) continue;
      out.push(
        finding(ctx, this, entrySpan(e), `sidecar.istio.io/inject on the ${m.kind}'s own metadata is ignored: the injector reads the pod's labels. Put it under ${where}.`, [
          template ? fix("Move it into the pod template's labels", moveInjectToLabels(ctx.file, root, mapKey, e, template), true) : undefined,
        ], mapKey === 'annotations' && m.kind === 'Deployment' ? 'IST0107' : undefined),
      );
    }
    return out;
  },
};

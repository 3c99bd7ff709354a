import { annotatedKind } from '../../analyzers/annotations';
import { SidecarInjectAnnotation, SidecarInjectLabel } from '../../istio/names';
import { annotationsOf, isWorkload, labelsOf, podHolder, rootOf } from '../kube';
import { entry, entrySpan, type MapRef } from '../nodes';
import type { ParsedManifest } from '../parse';
import { moveInjectToLabels } from './moveInject';
import { finding, fix, type Rule } from './rule';
import { plainAnnotation, plainPodHolder } from '../plain';

/**
 * The annotation still works in many setups but is deprecated for the label: Istio's IST0135 DeprecatedAnnotation,
 * which is silent when the label is set too (the user keeps both on purpose: analyzers/annotations/annotations.go:101-105).
 * This rule is IST0135's only owner for this annotation (the analyzer skips it): on the own metadata of the kinds
 * Istio's analyzer reads (Namespace, Service, Pod, apps Deployment) and on a workload's pod template, which Istio
 * reports on every Pod the template creates.
 */
export const injectAnnotationDeprecated: Rule = {
  code: 'inject-annotation-deprecated',
  severity: 'info',
  summary: 'The sidecar.istio.io/inject annotation is deprecated: use the label',
  istio: 'IST0135',
  mayReport(m) {
    return plainAnnotation(m.root, SidecarInjectAnnotation) !== undefined || plainAnnotation(plainPodHolder(m), SidecarInjectAnnotation) !== undefined;
  },
  check(m, ctx) {
    const root = rootOf(m);
    const out = [];
    for (const { holder, target } of placesOf(m, root)) {
      const annotation = entry(annotationsOf(holder), SidecarInjectAnnotation);
      if (!annotation || entry(labelsOf(holder), SidecarInjectLabel)) continue;
      out.push(finding(ctx, this, entrySpan(annotation), 'The sidecar.istio.io/inject annotation is deprecated: use the label of the same name.', [
        target ? fix('Move sidecar.istio.io/inject to a label', moveInjectToLabels(ctx.file, holder, 'annotations', annotation, target), true) : undefined,
      ]));
    }
    return out;
  },
};

/**
 * Each map whose annotations are read, with where its annotation's label belongs: the pod (or the pod template, for
 * a workload's own metadata); none for a Namespace or Service, where the label does nothing either.
 */
function placesOf(m: ParsedManifest, root: MapRef | undefined): { holder: MapRef; target?: MapRef }[] {
  if (!root) return [];
  const template = podHolder(m, root);
  const places: { holder: MapRef; target?: MapRef }[] = [];
  if (annotatedKind(m) !== undefined) places.push({ holder: root, ...(template ? { target: template } : {}) });
  if (isWorkload(m) && template) places.push({ holder: template, target: template });
  return places;
}

import { SidecarInjectAnnotation, SidecarInjectLabel } from '../../istio/names';
import { annotationsOf, labelsOf, podHolder } from '../kube';
import { entry, entrySpan } from '../nodes';
import { moveInjectToLabels } from './moveInject';
import { finding, fix, type Rule } from './rule';

/**
 * The annotation still works in many setups but is deprecated for the label: Istio's IST0135 DeprecatedAnnotation,
 * which is silent when the label is set too (the user keeps both on purpose: analyzers/annotations/annotations.go:101-105).
 */
export const injectAnnotationDeprecated: Rule = {
  code: 'inject-annotation-deprecated',
  severity: 'info',
  summary: 'The sidecar.istio.io/inject annotation is deprecated: use the label',
  istio: 'IST0135',
  check(m, ctx) {
    const holder = podHolder(m);
    const annotation = entry(annotationsOf(holder), SidecarInjectAnnotation);
    if (!holder || !annotation || entry(labelsOf(holder), SidecarInjectLabel)) return [];
    return [
      finding(ctx, this, entrySpan(annotation), 'The sidecar.istio.io/inject annotation is deprecated: use the label of the same name.', [
        fix('Move sidecar.istio.io/inject to a label', moveInjectToLabels(ctx.file, holder, 'annotations', annotation, holder), true),
      ]),
    ];
  },
};

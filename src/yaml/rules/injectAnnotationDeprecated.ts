import { annotationsOf, LABEL, podHolder } from '../kube';
import { entry, entrySpan } from '../nodes';
import { moveInjectToLabels } from './moveInject';
import { finding, fix, type Rule } from './rule';

/** The annotation still works in many setups but is deprecated for the label (istioctl IST0135). */
export const injectAnnotationDeprecated: Rule = {
  code: 'inject-annotation-deprecated',
  severity: 'info',
  summary: 'The sidecar.istio.io/inject annotation is deprecated: use the label',
  check(m, ctx) {
    const holder = podHolder(m);
    const annotation = entry(annotationsOf(holder), LABEL.inject);
    if (!holder || !annotation) return [];
    return [
      finding(ctx, this, entrySpan(annotation), 'The sidecar.istio.io/inject annotation is deprecated: use the label of the same name (the label wins when both are set).', [
        fix('Move sidecar.istio.io/inject to a label', moveInjectToLabels(ctx.file, holder, 'annotations', annotation, holder), true),
      ]),
    ];
  },
};

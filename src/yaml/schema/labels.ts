import type { JsonSchema } from './convert';

/**
 * Istio's labels as schema properties: descriptions for hovers and `examples` for completion.
 * Deliberately no `enum`: wrong values are the Istio rules' findings (with a fix), not a second
 * schema error on the same spot.
 */
const injection: JsonSchema = {
  type: 'string',
  examples: ['enabled', 'disabled'],
  markdownDescription: 'Istio sidecar injection for new pods of this namespace. Only `enabled` turns it on and `disabled` turns it off; `"true"` or `yes` do nothing. If `istio.io/rev` is also set, this label wins.',
  description: 'Istio sidecar injection for new pods of this namespace: "enabled" or "disabled".',
};
const revision: JsonSchema = {
  type: 'string',
  markdownDescription: 'The Istio revision (or revision tag) whose injector handles this namespace or pod, e.g. `default`, `stable` or `1-29-0`. Ignored on a namespace that also has `istio-injection`.',
  description: 'The Istio revision or revision tag whose injector handles these pods.',
};
const dataplaneMode: JsonSchema = {
  type: 'string',
  examples: ['ambient', 'none'],
  markdownDescription: 'Istio ambient mode: `ambient` adds the pods to the ambient mesh (no restart needed), `none` keeps them out.',
  description: 'Istio ambient mode: "ambient" or "none".',
};
const inject: JsonSchema = {
  type: 'string',
  examples: ['true', 'false'],
  markdownDescription: 'Whether this pod gets an Istio sidecar: the string `"true"` or `"false"` (quoted: label values are strings). Must be on the pod (template) labels, not the workload\'s own metadata.',
  description: 'Whether this pod gets an Istio sidecar: "true" or "false" (quoted).',
};

export const ISTIO_LABEL_SCHEMAS = {
  namespace: { 'istio-injection': injection, 'istio.io/rev': revision, 'istio.io/dataplane-mode': dataplaneMode },
  pod: { 'sidecar.istio.io/inject': inject, 'istio.io/rev': revision, 'istio.io/dataplane-mode': dataplaneMode },
  podAnnotations: {
    'sidecar.istio.io/inject': { ...inject, markdownDescription: 'Deprecated: use the label `sidecar.istio.io/inject` instead (the label wins when both are set).' },
  },
} as const;

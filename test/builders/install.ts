import type { UnstructuredObject } from '../../src/cluster/types';

/** An istiod Deployment as istioctl creates it; `ready: false` leaves it mid-rollout. */
export function istiodDeployment(o: { revision?: string; image?: string; ready?: boolean; namespace?: string }): UnstructuredObject {
  const ready = o.ready ?? true;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: o.revision ? `istiod-${o.revision}` : 'istiod',
      namespace: o.namespace ?? 'istio-system',
      generation: 2,
      labels: { app: 'istiod', ...(o.revision ? { 'istio.io/rev': o.revision } : {}) },
    },
    spec: { replicas: 1, template: { spec: { containers: [{ name: 'discovery', image: o.image ?? 'docker.io/istio/pilot:1.29.0' }] } } },
    status: ready
      ? { observedGeneration: 2, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 }
      : { observedGeneration: 2, replicas: 1, updatedReplicas: 1, readyReplicas: 0, availableReplicas: 0 },
  };
}

/** The sidecar-injector webhook istiod's chart installs for a revision, with the chart's labels. */
export function webhook(revision?: string): UnstructuredObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: revision ? `istio-sidecar-injector-${revision}` : 'istio-sidecar-injector', labels: { app: 'sidecar-injector', 'istio.io/rev': revision ?? 'default' } },
  };
}

/** A revision tag's webhook as `istioctl tag set <tag> --revision <revision>` creates it. */
export function tagWebhook(tag: string, revision: string): UnstructuredObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: `istio-revision-tag-${tag}`, labels: { app: 'sidecar-injector', 'istio.io/rev': revision, 'istio.io/tag': tag } },
  };
}

import type { ConfigMap, Container, ContainerStatus, KubeObject, ObjectMeta, Pod, Service, Workload } from '../cluster/types';
import { injectorConfigMapRevision } from '../istio/injectorConfig';

/**
 * The store keeps only what the model reads. Dropping managedFields, env, volumes and the like divides the
 * memory of a 5,000-pod cluster several times over.
 */
function slimMeta(m: ObjectMeta, keepAnnotations: (key: string) => boolean = () => false): ObjectMeta {
  const annotations = m.annotations ? Object.fromEntries(Object.entries(m.annotations).filter(([k]) => keepAnnotations(k))) : undefined;
  return {
    name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, generation: m.generation,
    creationTimestamp: m.creationTimestamp, deletionTimestamp: m.deletionTimestamp, labels: m.labels,
    annotations: annotations && Object.keys(annotations).length ? annotations : undefined,
    ownerReferences: m.ownerReferences?.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.name, uid: o.uid, controller: o.controller })),
  };
}

const istioAnnotation = (key: string) => key.includes('istio.io/');

function slimContainer(c: Container): Container {
  return { name: c.name, image: c.image, restartPolicy: c.restartPolicy };
}

function slimStatus(s: ContainerStatus): ContainerStatus {
  const state = s.state?.running !== undefined ? { running: {} }
    : s.state?.terminated ? { terminated: { exitCode: s.state.terminated.exitCode } }
      : s.state?.waiting ? { waiting: { reason: s.state.waiting.reason } } : undefined;
  return { name: s.name, ready: s.ready, started: s.started, image: s.image, restartCount: s.restartCount, ...(state ? { state } : {}) };
}

export function slimPod(o: KubeObject): Pod {
  const p = o as Pod;
  return {
    apiVersion: p.apiVersion, kind: 'Pod', metadata: slimMeta(p.metadata, istioAnnotation),
    spec: { containers: (p.spec?.containers ?? []).map(slimContainer), initContainers: p.spec?.initContainers?.map(slimContainer), hostNetwork: p.spec?.hostNetwork, nodeName: p.spec?.nodeName },
    status: p.status && {
      phase: p.status.phase,
      // What kubectl's READY column reads: the Initialized condition, and each container's ready, started and state.
      conditions: p.status.conditions?.filter((c) => c.type === 'Initialized').map((c) => ({ type: c.type, status: c.status })),
      containerStatuses: p.status.containerStatuses?.map(slimStatus),
      initContainerStatuses: p.status.initContainerStatuses?.map(slimStatus),
    },
  };
}

export function slimWorkload(kind: string) {
  return (o: KubeObject): Workload => {
    const w = o as Workload;
    const t = w.spec?.template;
    return {
      apiVersion: w.apiVersion, kind, metadata: slimMeta(w.metadata, istioAnnotation),
      spec: {
        replicas: w.spec?.replicas, paused: w.spec?.paused, selector: w.spec?.selector,
        template: {
          metadata: { labels: t?.metadata?.labels, annotations: t?.metadata?.annotations },
          spec: { containers: (t?.spec?.containers ?? []).map(slimContainer), initContainers: t?.spec?.initContainers?.map(slimContainer), hostNetwork: t?.spec?.hostNetwork },
        },
      },
      status: w.status,
    };
  };
}

export function slimService(o: KubeObject): Service {
  const s = o as Service;
  return {
    apiVersion: 'v1', kind: 'Service', metadata: slimMeta(s.metadata),
    spec: { type: s.spec?.type, ports: s.spec?.ports, selector: s.spec?.selector },
    status: s.status,
  };
}

export function slimMetadataOnly(o: KubeObject): KubeObject {
  return { apiVersion: o.apiVersion, kind: o.kind, metadata: slimMeta(o.metadata) };
}

export function slimNamespace(o: KubeObject): KubeObject & { status?: { phase?: string } } {
  const n = o as KubeObject & { status?: { phase?: string } };
  return { apiVersion: 'v1', kind: 'Namespace', metadata: slimMeta(n.metadata), status: n.status && { phase: n.status.phase } };
}

/** The control plane's ConfigMaps: only istiod's injector config keeps its two keys, the others their metadata. */
export function slimInjectorConfigMap(o: KubeObject): ConfigMap {
  const c = o as ConfigMap;
  const data = injectorConfigMapRevision(c.metadata.name) !== undefined && c.data
    ? Object.fromEntries(Object.entries(c.data).filter(([k]) => k === 'config' || k === 'values'))
    : undefined;
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: slimMeta(c.metadata), ...(data ? { data } : {}) };
}

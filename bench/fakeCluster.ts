// An API server in the benchmark's own process (test/unit/cluster/fakeApiServer.ts) holding a whole cluster in memory:
// lists and watches of what the Mesh view reads, an Istio control plane, and a `kubectl rollout restart` played as
// the Deployment controller and the kubelet would answer it (new pod with its sidecar, Ready, old pod gone, each step
// a watch event). For `npm run bench -- view -- --fake`: the view's own costs at scale where the testbed cannot run;
// the times are the fake's, not a real control plane's.
import type * as http from 'node:http';
import type { KubeObject, Pod } from '../src/cluster/types';
import { injectorConfigMap, injectorWebhookConfiguration } from '../test/builders/injection';
import { crd, deployment, istiod, namespace, pod } from '../test/builders/kube';
import { FakeApiServer, json, startWatch, type RecordedRequest } from '../test/unit/cluster/fakeApiServer';

type Listener = (type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject) => void;
type Status = Record<string, number>;
type Dep = KubeObject & { spec: { replicas?: number; template: { metadata?: { annotations?: Record<string, string> } } }; status?: Status };

/** The resource of a request path and the namespace it is scoped to. */
function resourceOf(path: string): { resource: string; namespace?: string } | undefined {
  const m = /^\/(?:api\/v1|apis\/apps\/v1|apis\/admissionregistration\.k8s\.io\/v1|apis\/apiextensions\.k8s\.io\/v1)(?:\/namespaces\/([^/]+))?\/([a-z]+)$/.exec(path);
  return m ? { resource: m[2]!, namespace: m[1] } : undefined;
}

const resources: Record<string, string> = {
  Namespace: 'namespaces', Pod: 'pods', Deployment: 'deployments', Service: 'services', ConfigMap: 'configmaps',
  MutatingWebhookConfiguration: 'mutatingwebhookconfigurations', PartialObjectMetadata: 'customresourcedefinitions',
};

export class FakeCluster {
  private readonly server = new FakeApiServer();
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly listeners = new Map<string, Set<{ namespace?: string; send: Listener }>>();
  private version = 1;

  async start(): Promise<{ kubeconfig: string; context: string }> {
    await this.server.start();
    this.server.route = (req, res) => this.answer(req, res);
    this.put(namespace('istio-system'));
    this.put(istiod());
    this.put(injectorWebhookConfiguration() as KubeObject);
    this.put(injectorConfigMap() as KubeObject);
    for (const name of ['virtualservices.networking.istio.io', 'destinationrules.networking.istio.io', 'gateways.networking.istio.io']) this.put(crd(name) as KubeObject);
    return { kubeconfig: this.server.writeKubeconfig(), context: 'fake' };
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** A namespace with Deployments of `replicas` Running pods each (with the sidecar when `sidecar`). */
  addNamespace(name: string, labels: Record<string, string>, deployments: { name: string; replicas: number }[], sidecar = false): void {
    this.put(namespace(name, labels));
    for (const d of deployments) {
      this.put(deployment(d.name, { namespace: name, replicas: d.replicas }));
      for (let i = 0; i < d.replicas; i++) this.put(pod(`${d.name}-5d4f8b7c9-${i.toString(36).padStart(5, '0')}`, { namespace: name, owner: { kind: 'Deployment', name: d.name }, labels: { app: d.name }, sidecar }));
    }
  }

  /**
   * `kubectl rollout restart deployment -n <namespace>`, played out: Deployment `i` starts `gapMs × i` after the
   * call. Resolves when the last step was sent, with the Deployment status changes, when the last new pod turned
   * Ready and when the last old pod left (the namespace's final state).
   */
  restart(ns: string, { gapMs = 300, stepMs = 60 } = {}): Promise<{ changes: number; lastReadyAt: number; finalAt: number }> {
    const deployments = [...(this.objects.get('deployments')?.values() ?? [])].filter((d) => d.metadata.namespace === ns) as Dep[];
    const result = { changes: 0, lastReadyAt: 0, finalAt: 0 };
    const at = (ms: number, step: () => void) => new Promise<void>((resolve) => setTimeout(() => { step(); resolve(); }, ms));
    return Promise.all(deployments.map(async (d, i) => {
      const old = [...(this.objects.get('pods')?.values() ?? [])].filter((p) => p.metadata.namespace === ns && p.metadata.ownerReferences?.[0]?.name === `${d.metadata.name}-5d4f8b7c9`) as Pod[];
      const replicas = d.spec.replicas ?? 1;
      const status = (s: Status) => {
        d = { ...d, status: { ...d.status, ...s } };
        this.put(d);
        result.changes++;
      };
      const start = gapMs * i;
      await at(start, () => {
        d = { ...d, metadata: { ...d.metadata, generation: 2 }, spec: { ...d.spec, template: { ...d.spec.template, metadata: { ...d.spec.template.metadata, annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } } };
        this.put(d);
      });
      await at(stepMs, () => status({ observedGeneration: 2, updatedReplicas: 0, replicas: replicas * 2, unavailableReplicas: replicas }));
      const fresh = old.map((_, k) => {
        const p = pod(`${d.metadata.name}-7c9d8e6f5-${k.toString(36).padStart(5, '0')}`, { namespace: ns, owner: { kind: 'Deployment', name: d.metadata.name }, labels: { app: d.metadata.name }, sidecar: true, phase: 'Pending' });
        p.metadata.labels = { ...p.metadata.labels, 'pod-template-hash': '7c9d8e6f5' };
        p.metadata.ownerReferences = [{ ...p.metadata.ownerReferences![0]!, name: `${d.metadata.name}-7c9d8e6f5` }];
        return p;
      });
      await at(stepMs, () => fresh.forEach((p) => this.put(p)));
      await at(stepMs * 2, () => {
        for (const p of fresh) this.put({ ...p, status: pod(p.metadata.name, { sidecar: true }).status } as Pod);
        result.lastReadyAt = Date.now();
      });
      await at(stepMs, () => status({ updatedReplicas: replicas, readyReplicas: replicas * 2, availableReplicas: replicas * 2, unavailableReplicas: 0 }));
      await at(stepMs, () => {
        for (const p of old) this.put({ ...p, metadata: { ...p.metadata, deletionTimestamp: new Date().toISOString() } });
        result.finalAt = Date.now();
      });
      await at(stepMs, () => old.forEach((p) => this.remove(p)));
      await at(stepMs, () => status({ replicas, readyReplicas: replicas, availableReplicas: replicas }));
    })).then(() => result);
  }

  private put(object: KubeObject): void {
    const resource = resources[object.kind ?? ''];
    if (!resource) throw new Error(`the fake cluster does not serve ${object.kind}`);
    let byKey = this.objects.get(resource);
    if (!byKey) this.objects.set(resource, (byKey = new Map()));
    const key = `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    const existed = byKey.has(key);
    const stored = { ...object, metadata: { ...object.metadata, resourceVersion: String(++this.version) } };
    byKey.set(key, stored);
    this.send(resource, existed ? 'MODIFIED' : 'ADDED', stored);
  }

  private remove(object: KubeObject): void {
    const resource = resources[object.kind ?? '']!;
    this.objects.get(resource)?.delete(`${object.metadata.namespace ?? ''}/${object.metadata.name}`);
    this.send(resource, 'DELETED', { ...object, metadata: { ...object.metadata, resourceVersion: String(++this.version) } });
  }

  private send(resource: string, type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject): void {
    for (const l of this.listeners.get(resource) ?? []) if (!l.namespace || l.namespace === object.metadata.namespace) l.send(type, object);
  }

  private answer(req: RecordedRequest, res: http.ServerResponse): void {
    const target = resourceOf(req.path);
    if (!target) {
      const named = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(req.path);
      const ns = named && this.objects.get('namespaces')?.get(`/${named[1]}`);
      return ns ? json(res, 200, ns) : json(res, 404, { kind: 'Status', code: 404, reason: 'NotFound', message: `${req.path} not found` });
    }
    const { resource, namespace: ns } = target;
    if (req.query.get('watch') === 'true') {
      const watch = startWatch(res);
      const listener = { namespace: ns, send: (type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject) => watch.event(type, object) };
      let set = this.listeners.get(resource);
      if (!set) this.listeners.set(resource, (set = new Set()));
      set.add(listener);
      res.on('close', () => set.delete(listener));
      return;
    }
    const items = [...(this.objects.get(resource)?.values() ?? [])].filter((o) => !ns || o.metadata.namespace === ns);
    json(res, 200, { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: String(this.version) }, items });
  }
}

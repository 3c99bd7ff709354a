/**
 * An in-memory mesh for the upgrade machine: revisions, tags, namespaces with their injection labels, and pods
 * that take the proxy of whatever istiod their namespace resolves to when they are restarted (as the webhook does
 * on re-creation). Every mutation is recorded in `calls`, so tests prove what changed and what did not.
 */
import type { InjectionChange } from '../../../src/injection/labels';
import type { ControlPlaneRevision } from '../../../src/install/controlPlane';
import type { PrecheckFinding } from '../../../src/install/precheck';
import type { RevisionUsers } from '../../../src/install/usage';
import type { RestartResult, UpgradeOps } from '../../../src/upgrade/ops';
import type { PodRevision } from '../../../src/upgrade/verify';

interface FakePod {
  name: string;
  revision?: string;
  optedOut?: boolean;
}

export class FakeMesh implements UpgradeOps {
  readonly context = 'kind-test';
  readonly revs = new Map<string, { version: string; ready: boolean }>();
  readonly tagMap = new Map<string, string>();
  readonly namespaces = new Map<string, InjectionChange>();
  readonly pods = new Map<string, FakePod[]>();
  readonly calls: string[] = [];
  findings: PrecheckFinding[] = [];
  /** The new istiod becomes ready after this many readiness reads (0: at once). */
  readyAfterReads = 0;
  /** Workloads whose restart fails, by namespace. */
  readonly failingRestarts = new Set<string>();

  constructor() {
    this.revs.set('default', { version: '1.30.1', ready: true });
    this.tagMap.set('prod', 'default');
    this.namespaces.set('shop', { mode: 'revision', revision: 'prod' });
    this.namespaces.set('pay', { mode: 'default' });
    this.namespaces.set('plain', { mode: 'disabled' });
    this.pods.set('shop', [{ name: 'shop-1', revision: 'default' }, { name: 'shop-2', revision: 'default' }]);
    this.pods.set('pay', [{ name: 'pay-1', revision: 'default' }, { name: 'pay-job', optedOut: true }]);
    this.pods.set('plain', [{ name: 'plain-1' }]);
  }

  /** The istiod a namespace's new pods get: a tag resolves to its revision; `enabled` to the default tag or revision. */
  resolve(ns: string): string | undefined {
    const injection = this.namespaces.get(ns);
    if (!injection || injection.mode === 'disabled' || injection.mode === 'ambient') return undefined;
    const name = injection.mode === 'default' ? 'default' : injection.revision;
    const revision = this.tagMap.get(name) ?? name;
    return this.revs.get(revision)?.ready ? revision : undefined;
  }

  podRevisionsNow(ns: string): (string | undefined)[] {
    return (this.pods.get(ns) ?? []).filter((p) => !p.optedOut).map((p) => p.revision);
  }

  precheck(fromVersion: string): Promise<PrecheckFinding[]> {
    this.calls.push(`precheck ${fromVersion}`);
    return Promise.resolve(this.findings);
  }

  revisions(): Promise<ControlPlaneRevision[]> {
    if (this.readyAfterReads > 0 && --this.readyAfterReads === 0) for (const r of this.revs.values()) r.ready = true;
    return Promise.resolve([...this.revs].map(([revision, r]) => ({ revision, deployment: revision === 'default' ? 'istiod' : `istiod-${revision}`, namespace: 'istio-system', version: r.version, ready: r.ready, readyReplicas: r.ready ? 1 : 0, replicas: 1 })));
  }

  tags() {
    return Promise.resolve([...this.tagMap].map(([name, revision]) => ({ name, revision })));
  }

  install(revision: string): Promise<void> {
    this.calls.push(`install ${revision}`);
    this.revs.set(revision, { version: '1.31.0', ready: this.readyAfterReads === 0 });
    return Promise.resolve();
  }

  setTag(tag: string, revision: string): Promise<void> {
    this.calls.push(`tag ${tag} → ${revision}`);
    this.tagMap.set(tag, revision);
    return Promise.resolve();
  }

  injectionOf(namespace: string): Promise<InjectionChange> {
    return Promise.resolve(this.namespaces.get(namespace) ?? { mode: 'disabled' });
  }

  setInjection(namespace: string, change: InjectionChange): Promise<void> {
    this.calls.push(`label ${namespace} ${JSON.stringify(change)}`);
    this.namespaces.set(namespace, change);
    return Promise.resolve();
  }

  restart(namespaces: readonly string[]): Promise<RestartResult> {
    this.calls.push(`restart ${namespaces.join(',')}`);
    const failed = namespaces.filter((ns) => this.failingRestarts.has(ns)).map((ns) => `deployment/app in ${ns}: failed`);
    for (const ns of namespaces) {
      if (this.failingRestarts.has(ns)) continue;
      const revision = this.resolve(ns);
      for (const pod of this.pods.get(ns) ?? []) if (!pod.optedOut) pod.revision = revision;
    }
    return Promise.resolve({ failed, restarted: namespaces.length });
  }

  podRevisions(namespaces: readonly string[]): Promise<readonly PodRevision[]> {
    return Promise.resolve(namespaces.flatMap((ns) => (this.pods.get(ns) ?? []).map((p) => ({ namespace: ns, name: p.name, optedOut: p.optedOut === true, ...(p.revision ? { revision: p.revision } : {}) }))));
  }

  users(revision: string): Promise<RevisionUsers> {
    const tags = [...this.tagMap].filter(([, r]) => r === revision).map(([name]) => ({ name, revision }));
    const names = new Set([revision, ...tags.map((t) => t.name)]);
    const namespaces = [...this.namespaces].filter(([, c]) => (c.mode === 'revision' && names.has(c.revision)) || (c.mode === 'default' && names.has('default'))).map(([n]) => n).sort();
    const pods = [...this.pods].map(([namespace, list]) => ({ namespace, pods: list.filter((p) => p.revision === revision).length })).filter((p) => p.pods > 0);
    return Promise.resolve({ namespaces, tags, pods });
  }

  uninstall(revision: string): Promise<void> {
    this.calls.push(`uninstall ${revision}`);
    this.revs.delete(revision);
    return Promise.resolve();
  }
}

/**
 * Who is on each control-plane revision: the namespaces that select it and, in each, how many pods actually run a
 * proxy it injected. Which revision a namespace selects is the injection engine's decision (`NamespaceModel.injection`,
 * src/istio/injection.ts): by `istio.io/rev=<revision>`, by a tag's webhook, or by `istio-injection=enabled` through
 * the `default` tag (or the default revision's own webhook). Which revision a pod runs is read from the pod: the
 * injector writes `sidecar.istio.io/status` with `"revision"` (pkg/kube/inject/inject.go `SidecarInjectionStatus`)
 * and the annotation `istio.io/rev` (injection-template.yaml), both naming istiod's revision, tags resolved.
 * The namespace's label says where new pods go; only the pods say where a migration stands. Pure.
 */
import { InjectionEnabled, InjectionLabel, RevisionLabel } from '../istio/names';
import { resolveRevision } from './controlPlane';
import type { ControlPlane, NamespaceModel, PodModel } from './model';

/** How a namespace selects a revision: the label and value, and the tag when a tag's webhook answered. */
export interface Selection {
  readonly label: typeof RevisionLabel | typeof InjectionLabel;
  readonly value: string;
  readonly tag?: string;
}

/** One namespace's live pods, by the revision that injected their proxy. */
export interface NamespacePods {
  readonly namespace: string;
  /** Live pods (neither being deleted nor finished). */
  readonly pods: number;
  /** Pods per injecting revision, sorted by revision. */
  readonly byRevision: readonly { readonly revision: string; readonly pods: number }[];
  /** Live pods without an injected proxy. */
  readonly withoutProxy: number;
}

/** A namespace under a revision: how it selects it (if it does) and where its pods are. */
export interface NamespaceUse extends NamespacePods {
  /** Undefined: the namespace does not select this revision, but some of its pods still run its proxy. */
  readonly selection?: Selection;
  /** Its pods whose proxy this revision injected. */
  readonly onRevision: number;
  /** Its pods' proxies come from more than one revision. */
  readonly split: boolean;
}

export interface RevisionUse {
  readonly revision: string;
  /** False for a revision that is gone while pods still run its proxy. */
  readonly installed: boolean;
  readonly tags: readonly string[];
  /** Sorted by name. */
  readonly namespaces: readonly NamespaceUse[];
  /** Live pods of those namespaces, and how many of them run this revision's proxy. */
  readonly pods: number;
  readonly onRevision: number;
}

/** Code-unit order, as the store sorts namespaces (and far cheaper than localeCompare on thousands of rows). */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function live(p: PodModel): boolean {
  return !p.terminating && p.phase !== 'Succeeded' && p.phase !== 'Failed';
}

/** Every pod of a namespace model: its workloads' and the others. */
function podsOf(ns: NamespaceModel): PodModel[] {
  return [...ns.workloads.flatMap((w) => w.pods), ...ns.otherPods];
}

/** The namespace's live pods by the revision that injected them; a tag name a pod might carry is resolved. */
function namespacePods(ns: NamespaceModel, cp: ControlPlane): NamespacePods {
  const counts = new Map<string, number>();
  let pods = 0;
  let withoutProxy = 0;
  for (const p of podsOf(ns)) {
    if (!live(p)) continue;
    pods++;
    if (!p.hasSidecar || !p.injectedRevision) {
      withoutProxy++;
      continue;
    }
    const revision = resolveRevision(cp, p.injectedRevision)?.revision ?? p.injectedRevision;
    counts.set(revision, (counts.get(revision) ?? 0) + 1);
  }
  const byRevision = [...counts].sort(([a], [b]) => byName(a, b)).map(([revision, n]) => ({ revision, pods: n }));
  return { namespace: ns.name, pods, byRevision, withoutProxy };
}

/**
 * The revision the namespace's own labels select for a plain pod, as the engine decided, and how. Selected even when
 * istiod then refuses the pod (its policy or selectors): new pods of the namespace still go to that revision's webhook.
 */
function namespaceSelection(ns: NamespaceModel, cp: ControlPlane): { revision: string; selection: Selection } | undefined {
  const { webhook, revision: injecting } = ns.injection.plain;
  if (!webhook) return undefined;
  const entry = cp.injection.entries.find((e) => e.configuration === webhook.configuration && e.name === webhook.name);
  const revision = injecting ?? entry?.revision;
  if (!revision) return undefined;
  const tag = entry?.tag;
  // istio-injection wins over istio.io/rev (the engine picked that entry): the label shown is the one that selected.
  if (ns.labels[InjectionLabel] === InjectionEnabled) return { revision, selection: { label: InjectionLabel, value: InjectionEnabled, ...(tag ? { tag } : {}) } };
  const value = ns.labels[RevisionLabel];
  if (value === undefined) return undefined; // an injector for every namespace (enableNamespacesByDefault): no label selects
  return { revision, selection: { label: RevisionLabel, value, ...(tag ? { tag } : {}) } };
}

/**
 * A namespace's pods and selection, kept per model object. The store builds a new model when the namespace or what of
 * the control plane the models depend on (revisions, tags, webhooks) changes, so an entry never outlives its inputs;
 * the caller owns the cache and gives it only models built against the control plane it passes.
 */
export type NamespaceUsageCache = WeakMap<NamespaceModel, { readonly pods: NamespacePods; readonly selected: ReturnType<typeof namespaceSelection> }>;

/**
 * Each installed revision (in the control plane's order) with the namespaces that select it or run its pods, then
 * each revision that is gone but still has pods, sorted by name.
 */
export function revisionUsage(cp: ControlPlane, namespaces: readonly NamespaceModel[], cache?: NamespaceUsageCache): RevisionUse[] {
  const uses = new Map<string, NamespaceUse[]>();
  const add = (revision: string, use: NamespaceUse) => {
    let list = uses.get(revision);
    if (!list) uses.set(revision, (list = []));
    list.push(use);
  };
  for (const ns of namespaces) {
    const entry = cache?.get(ns) ?? { pods: namespacePods(ns, cp), selected: namespaceSelection(ns, cp) };
    cache?.set(ns, entry);
    const { pods, selected } = entry;
    const split = pods.byRevision.length > 1;
    const revisions = new Set([...(selected ? [selected.revision] : []), ...pods.byRevision.map((r) => r.revision)]);
    for (const revision of revisions) {
      const onRevision = pods.byRevision.find((r) => r.revision === revision)?.pods ?? 0;
      add(revision, { ...pods, onRevision, split, ...(selected?.revision === revision ? { selection: selected.selection } : {}) });
    }
  }
  const installed = cp.revisions.map((r) => r.revision);
  const gone = [...uses.keys()].filter((r) => !installed.includes(r)).sort();
  return [...installed, ...gone].map((revision) => {
    const list = (uses.get(revision) ?? []).sort((a, b) => byName(a.namespace, b.namespace));
    return {
      revision,
      installed: installed.includes(revision),
      tags: cp.revisions.find((r) => r.revision === revision)?.tags ?? [],
      namespaces: list,
      pods: list.reduce((n, u) => n + u.pods, 0),
      onRevision: list.reduce((n, u) => n + u.onRevision, 0),
    };
  });
}

/** "37/40 pods (93 %)": the share rounded down, so 100 % means every pod. */
export function podShare(on: number, of: number): string {
  return of === 0 ? '0 pods' : `${on}/${of} pods (${Math.floor((on * 100) / of)} %)`;
}

/** A namespace's row under a revision: "12/12 pods", or "split: 8 on 1-30, 4 on 1-31" (and how many have no proxy). */
export function namespaceUseLine(use: NamespaceUse, installed: (revision: string) => boolean): string {
  if (!use.split) return `${use.onRevision}/${use.pods} pods`;
  const parts = use.byRevision.map((r) => `${r.pods} on ${r.revision}${installed(r.revision) ? '' : ' (removed)'}`);
  if (use.withoutProxy) parts.push(`${use.withoutProxy} without proxy`);
  return `split: ${parts.join(', ')}`;
}

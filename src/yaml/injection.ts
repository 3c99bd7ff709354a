/**
 * The YAML side of the injection engine (src/istio/injection.ts): what a manifest's namespace and pod template say,
 * read into the engine's inputs. No rule of Istio's is read here; every decision is the engine's.
 */
import { decideFromManifests, type InjectionDecision, type Labels, type ManifestFacts, type NamespaceInput, type PodInput } from '../istio/injection';
import { DataplaneModeLabel, InjectionLabel, RevisionLabel, SidecarInjectAnnotation, SidecarInjectLabel } from '../istio/names';
import type { ClusterFacts } from './facts';
import { annotationsOf, labelsOf, onHostNetwork, podHolder, rootOf } from './kube';
import { entry, scalarValue, type MapRef } from './nodes';
import type { ParsedManifest } from './parse';
import { plainAt, plainMapAt, plainStrings, type PlainManifest } from './plain';

/** The only labels the injection decision reads from manifests (webhook selectors and istiod's checks). */
const INJECTION_KEYS = [InjectionLabel, RevisionLabel, DataplaneModeLabel, SidecarInjectLabel] as const;

/**
 * The injection keys of a `labels:`/`annotations:` map as the API server would store them (merge keys followed). A
 * bare scalar stands for its text (`true` → "true"; inject-label-type reports it), an empty value for "".
 */
function stringsOf(map: MapRef | undefined, keys: readonly string[]): Labels {
  const out: Record<string, string> = {};
  for (const key of keys) {
    const e = entry(map, key);
    if (!e) continue;
    const value = scalarValue(e.value);
    if (value === undefined) continue;
    out[key] = value === null ? '' : String(value);
  }
  return out;
}

/** A Namespace document's name and injection labels. */
export function namespaceInputOf(m: ParsedManifest): NamespaceInput {
  return { name: m.name ?? '', labels: stringsOf(labelsOf(rootOf(m)), INJECTION_KEYS) };
}

/** A pod's (or pod template's) injection labels, the deprecated annotation and `spec.hostNetwork`. */
export function podInputOf(holder: MapRef | undefined): PodInput {
  return {
    labels: stringsOf(labelsOf(holder), INJECTION_KEYS),
    annotations: stringsOf(annotationsOf(holder), [SidecarInjectAnnotation]),
    hostNetwork: onHostNetwork(holder),
  };
}

/** `namespaceInputOf` of a plain Namespace document. */
export function plainNamespaceInputOf(m: PlainManifest): NamespaceInput {
  return { name: m.name ?? '', labels: plainStrings(plainMapAt(m.root, ['metadata', 'labels']), INJECTION_KEYS) };
}

/** `podInputOf` of a plain pod holder (see `plainPodHolder`). */
export function plainPodInputOf(holder: Record<string, unknown>): PodInput {
  return {
    labels: plainStrings(plainMapAt(holder, ['metadata', 'labels']), INJECTION_KEYS),
    annotations: plainStrings(plainMapAt(holder, ['metadata', 'annotations']), [SidecarInjectAnnotation]),
    hostNetwork: plainAt(holder, ['spec'], 'hostNetwork') === true,
  };
}

/** What the connected cluster tells the engine: its revisions and tags (undefined offline: every named one is assumed). */
export function manifestFactsOf(cluster: ClusterFacts): ManifestFacts {
  return cluster.revisions ? { revisions: cluster.revisions, tags: cluster.tags ?? [] } : {};
}

/** What the namespace of a pod document is known to carry: its Namespace document in the file or the workspace, else no labels. */
function podNamespace(m: ParsedManifest, namespaceLabels: ReadonlyMap<string, Labels>): NamespaceInput {
  const name = m.namespace ?? '';
  return { name, labels: (m.namespace !== undefined && namespaceLabels.get(m.namespace)) || {} };
}

/** The engine's decision for the pods of a Pod or workload document, or undefined for other kinds. */
export function decidePods(m: ParsedManifest, namespaceLabels: ReadonlyMap<string, Labels>, cluster: ClusterFacts): InjectionDecision | undefined {
  const holder = podHolder(m);
  return holder ? decideFromManifests(podNamespace(m, namespaceLabels), podInputOf(holder), manifestFactsOf(cluster)) : undefined;
}

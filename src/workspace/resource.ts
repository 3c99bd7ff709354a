import { resourceType } from '../analyzers/analyzer';
import { IgnoredNamespaces } from '../istio/names';
import type { Labels } from '../istio/selector';
import { annotationsOf, labelsOf, rootOf } from '../yaml/kube';
import { entries, type MapRef } from '../yaml/nodes';
import type { ParsedFile, ParsedManifest } from '../yaml/parse';
import { text } from '../analyzers/values';

/**
 * The namespace a resource without one is analysed in: `istioctl analyze` files them under its default namespace,
 * `default` (pkg/config/analysis/local/istiod_analyze.go, `--namespace` unset).
 */
const DEFAULT_NAMESPACE = 'default';

/** One resource of the workspace, as the cross-resource analyzers read it, with its document for exact ranges. */
export interface WorkspaceResource {
  /** The file that defines it (the index's key). */
  readonly path: string;
  readonly file: ParsedFile;
  readonly manifest: ParsedManifest;
  readonly root: MapRef;
  /** `Kind` or `group/Kind`, as `Resource.type` of the single-resource analyzers. */
  readonly type: string;
  readonly kind: string;
  /** The namespace Istio files it under: its own, else `default`; a Namespace's is its name. */
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly annotations: Labels;
}

/** The resources a parsed file defines: named documents without syntax errors, outside the namespaces Istio ignores. */
export function resourcesOf(path: string, file: ParsedFile): WorkspaceResource[] {
  const out: WorkspaceResource[] = [];
  for (const manifest of file.manifests) {
    const type = resourceType(manifest);
    const root = rootOf(manifest);
    if (type === undefined || manifest.kind === undefined || !root || manifest.name === undefined || manifest.hasErrors) continue;
    const namespace = manifest.kind === 'Namespace' ? manifest.name : (manifest.namespace ?? DEFAULT_NAMESPACE);
    // istiod_analyze.go:277-287 leaves these out where files are read: no analyzer sees them.
    if (IgnoredNamespaces.has(namespace)) continue;
    out.push({ path, file, manifest, root, type, kind: manifest.kind, namespace, name: manifest.name, labels: stringMap(labelsOf(root)), annotations: stringMap(annotationsOf(root)) });
  }
  return out;
}

/** A mapping of strings (labels, annotations, selectors) as Kubernetes reads it; entries that are not scalars are left out. */
export function stringMap(ref: MapRef | undefined): Labels {
  const out: Record<string, string> = {};
  for (const e of entries(ref)) {
    const value = text(e.value);
    if (value !== undefined) out[e.key] = value;
  }
  return out;
}

/** `namespace/name`, Istio's resource.FullName.String(). */
export function fullName(r: Pick<WorkspaceResource, 'namespace' | 'name'>): string {
  return `${r.namespace}/${r.name}`;
}

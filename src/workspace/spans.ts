import { metadataOf } from '../yaml/kube';
import { entry, entrySpan } from '../yaml/nodes';
import type { WorkspaceResource } from './resource';

/** The resource's `metadata.name` entry (where Istio puts findings about the whole resource), else its document's start. */
export function nameSpan(r: WorkspaceResource): [number, number] {
  const name = entry(metadataOf(r.root), 'name');
  if (name) return entrySpan(name);
  return [r.start, r.start];
}

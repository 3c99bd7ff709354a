// Which rows the Mesh view's root level has. Pure (no `vscode`), so it is unit-tested.
import { type Collection, controlPlaneCollections } from '../mesh/store';

export type RootRow = 'limited' | 'stale' | 'controlPlane' | 'controlPlaneLoading' | 'controlPlaneHidden' | 'namespaces';

export interface RootFacts {
  /** The session's state (`ready`, `connecting`, `unreachable`, …); `undefined` while there is no live mesh. */
  state: string | undefined;
  listed: (collection: Collection) => boolean;
  limited: boolean;
  installed: boolean;
  /** RBAC keeps istio-system's Deployments from us. */
  controlPlaneHidden: boolean;
}

/**
 * The root rows for what is known now. The namespaces show from their own list, the control plane once its lists
 * answered (a "loading" row until then): the first level does not wait for all eight lists, nor for the pods. Empty,
 * so the welcome view tells it, before the namespaces are listed, when pods are forbidden, and when Istio is known
 * not to be installed.
 */
export function rootRows(facts: RootFacts): RootRow[] {
  if (facts.state === undefined || facts.state === 'forbidden' || !facts.listed('namespaces')) return [];
  const controlPlaneListed = controlPlaneCollections.every(facts.listed);
  if (controlPlaneListed && !facts.installed && !facts.controlPlaneHidden) return [];
  const rows: RootRow[] = [];
  if (facts.limited) rows.push('limited');
  if (facts.state === 'unreachable' || facts.state === 'unauthorized') rows.push('stale');
  rows.push(!controlPlaneListed ? 'controlPlaneLoading' : facts.controlPlaneHidden ? 'controlPlaneHidden' : 'controlPlane');
  rows.push('namespaces');
  return rows;
}

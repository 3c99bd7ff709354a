import * as vscode from 'vscode';
import { ClusterError } from '../cluster/errors';
import { showError } from '../output';
import type { Services } from '../services';

/** Istio: Select Kubernetes Context… — a quick pick of the kubeconfig's contexts; switching restarts the watches. */
export const selectContext = (s: Services) => async () => {
  let listed;
  try {
    listed = await s.mesh.listContexts();
  } catch (err) {
    const message = err instanceof ClusterError ? err.message : String(err);
    s.log.error(`Listing contexts: ${err instanceof ClusterError ? err.toLogString() : message}`);
    await showError(s.output, message);
    return;
  }
  if (listed.contexts.length === 0) {
    await showError(s.output, 'The kubeconfig defines no contexts.');
    return;
  }
  const items = listed.contexts.map((c) => ({
    label: c.name,
    description: c.name === listed.currentContext ? '$(check) current' : undefined,
    detail: [c.server, c.namespace ? `namespace ${c.namespace}` : undefined, `user ${c.user}`].filter(Boolean).join(' · '),
  }));
  const picked = await vscode.window.showQuickPick(items, { title: 'Kubernetes Context for Istio Mesh', placeHolder: 'Select the cluster to show', matchOnDetail: true });
  if (!picked || picked.label === listed.currentContext) return;
  s.log.info(`Switching to context "${picked.label}"`);
  await s.mesh.switchContext(picked.label);
};

import { ClusterError } from '../cluster/errors';
import { showError } from '../output';
import type { Services } from '../services';
import { type PickItem, type Prompter, vscodePrompter } from './prompter';
import { testOnlyArgs } from './testArgs';

/**
 * Istio: Choose Clusters… — a multi-select pick of the kubeconfig's contexts for `istio.mesh.contexts`. Two or more
 * give the Mesh view its Clusters level; one is the selected context's view as before (picking another one selects it).
 */
export const chooseClusters = (s: Services) => async (args?: { prompter?: Prompter }) => {
  const prompter = testOnlyArgs(s, 'istio.mesh.chooseClusters', args).prompter ?? vscodePrompter;
  let listed;
  try {
    listed = await s.mesh.listContexts();
  } catch (err) {
    s.log.error(`Listing contexts: ${err instanceof ClusterError ? err.toLogString() : String(err)}`);
    await showError(s.output, err instanceof ClusterError ? err.message : String(err));
    return;
  }
  const chosen = new Set(s.config.meshContexts.length ? s.config.meshContexts : [listed.currentContext]);
  const items: PickItem<string>[] = listed.contexts.map((c) => ({
    label: c.name,
    value: c.name,
    picked: chosen.has(c.name),
    description: c.name === listed.currentContext ? 'selected' : undefined,
    detail: [c.server, `user ${c.user}`].join(' · '),
  }));
  const picked = await prompter.pickMany('Clusters for the Mesh view', items, 'Choose two or more contexts to see one mesh across clusters');
  if (!picked || picked.length === 0) return;
  if (picked.length === 1) {
    await s.config.setMeshContexts([]);
    if (picked[0] !== listed.currentContext) await s.mesh.switchContext(picked[0]);
    return;
  }
  s.log.info(`The Mesh view shows contexts ${picked.map((c) => `"${c}"`).join(', ')}`);
  await s.config.setMeshContexts(picked);
};

import type { Services } from '../services';
import { optionsFromSaved } from '../install/options';
import type { MeshClusterChoice } from '../multicluster/plan';
import { validateMeshName } from '../multicluster/plan';
import { ensureIstioctl } from './install';
import { askRoot, contextItems, meshDeps, planConfirmRun, withContexts, type MultiClusterArgs, type MultiClusterResult } from './multiClusterFlow';
import { vscodePrompter, type Prompter } from './prompter';
import { testOnlyArgs } from './testArgs';

/** A DNS-label cluster name suggested from a context name (`gke_proj_zone_prod` → `gke-proj-zone-prod`). */
function suggestName(context: string): string {
  return context.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || 'cluster';
}

/** Per context: its cluster name, and its network when the mesh has several. */
export async function askClusterChoices(prompter: Prompter, contexts: readonly string[], network: string | undefined, suggestedNetwork = 'network1'): Promise<MeshClusterChoice[] | undefined> {
  const choices: MeshClusterChoice[] = [];
  for (const context of contexts) {
    const clusterName = await prompter.input({
      title: `Cluster name for context "${context}"`, prompt: 'Istio\'s cluster ID (values.global.multiCluster.clusterName): unique in the mesh', value: suggestName(context),
      validate: (v) => validateMeshName(v, 'cluster name') ?? (choices.some((c) => c.clusterName === v) ? `"${v}" is taken by "${choices.find((c) => c.clusterName === v)!.context}".` : undefined),
    });
    if (!clusterName) return undefined;
    const own = network ?? (await prompter.input({ title: `Network of context "${context}"`, value: suggestedNetwork, validate: (v) => validateMeshName(v, 'network name') }));
    if (!own) return undefined;
    choices.push({ context, clusterName, network: own, role: 'primary' });
  }
  return choices;
}

async function run(services: Services, args: MultiClusterArgs): Promise<MultiClusterResult> {
  const prompter = args.prompter ?? vscodePrompter;
  const contexts = await prompter.pickMany('Contexts of the multi-cluster mesh (two or more)', await contextItems(services), 'Each gets Istio as a primary');
  if (!contexts || contexts.length < 2) return { status: 'cancelled', message: 'Two or more contexts are needed.' };
  const meshId = await prompter.input({ title: 'Mesh ID', prompt: 'values.global.meshID: the same in every cluster', value: 'mesh1', validate: (v) => validateMeshName(v, 'mesh ID') });
  if (!meshId) return { status: 'cancelled', message: 'No mesh ID.' };
  const networks = await prompter.pickOne('Networks', [
    { label: 'One network', detail: 'every pod reaches every other pod directly (network1)', value: 'one' as const, picked: true },
    { label: 'A network per cluster', detail: 'multi-network: east-west gateways are not set up by this command', value: 'many' as const },
  ]);
  if (!networks) return { status: 'cancelled', message: 'No network chosen.' };
  const clusters = await askClusterChoices(prompter, contexts, networks === 'one' ? 'network1' : undefined);
  if (!clusters) return { status: 'cancelled', message: 'Cluster names were dismissed.' };
  const root = await askRoot(prompter, args);
  if (!root) return { status: 'cancelled', message: 'No root CA chosen.' };
  const istioctlPath = await ensureIstioctl(services, prompter);
  if (!istioctlPath) return { status: 'cancelled', message: 'istioctl is not available.' };
  // The profile and extra values of `Istio: Install…`'s saved defaults, so both installs agree.
  const saved = optionsFromSaved(services.config.installDefaults);
  const options = { meshId, profile: saved.profile, setValues: saved.setValues, readinessTimeoutSeconds: saved.readinessTimeoutSeconds, clusters };
  return withContexts(services, contexts, (connected) => planConfirmRun(services, prompter, options, root, meshDeps(services, connected.members, istioctlPath), 'Install Multi-Cluster Mesh'));
}

/** `Istio: Install Multi-Cluster Mesh…` */
export const installMultiCluster = (services: Services) => (args?: unknown) =>
  run(services, testOnlyArgs(services, 'istio.installMultiCluster', args && typeof args === 'object' && 'prompter' in args ? (args as MultiClusterArgs) : undefined));

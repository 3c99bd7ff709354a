import { optionsFromSaved } from '../install/options';
import type { RootCa } from '../multicluster/ca';
import { readClusterFacts } from '../multicluster/facts';
import type { MeshClusterChoice } from '../multicluster/plan';
import type { Services } from '../services';
import { ensureIstioctl } from './install';
import { askClusterChoices } from './installMultiCluster';
import { askRootFiles, contextItems, meshDeps, planConfirmRun, withContexts, type MultiClusterArgs, type MultiClusterResult } from './multiClusterFlow';
import { vscodePrompter } from './prompter';
import { testOnlyArgs } from './testArgs';

async function run(services: Services, args: MultiClusterArgs): Promise<MultiClusterResult> {
  const prompter = args.prompter ?? vscodePrompter;
  const mode = await prompter.pickOne('Link Cluster', [
    { label: 'Add a cluster to a mesh', detail: 'installs Istio in it with an intermediate of the mesh\'s root (your root CA files), then links it with every cluster of the mesh', value: 'add' as const, picked: true },
    { label: 'Link two existing primaries', detail: 'remote secrets both ways; both must already share a root CA and mesh ID', value: 'link' as const },
  ]);
  if (!mode) return { status: 'cancelled', message: 'Dismissed.' };
  const items = await contextItems(services);
  const members = mode === 'add'
    ? await prompter.pickMany('Contexts already in the mesh', items)
    : await prompter.pickMany('The two primaries to link', items);
  if (!members || members.length < (mode === 'add' ? 1 : 2)) return { status: 'cancelled', message: 'Not enough contexts chosen.' };
  const added = mode === 'add' ? await prompter.pickOne('Context to add', items.filter((i) => !members.includes(i.value))) : undefined;
  if (mode === 'add' && !added) return { status: 'cancelled', message: 'No context to add.' };
  const istioctlPath = await ensureIstioctl(services, prompter);
  if (!istioctlPath) return { status: 'cancelled', message: 'istioctl is not available.' };
  const all = added ? [...members, added] : members;
  return withContexts(services, all, async (connected) => {
    // The members' own names and mesh ID: the plan checks them against each other.
    const read = await Promise.all(members.map((ctx) => readClusterFacts(connected.members.get(ctx)!.cluster, connected.members.get(ctx)!.server)));
    const facts = read.map((r) => r.facts);
    const choices: MeshClusterChoice[] = read.map((r) => ({ context: r.facts.context, clusterName: r.facts.clusterName ?? '', network: r.network ?? '', role: 'member' }));
    let root: RootCa | undefined;
    if (added) {
      const [newChoice] = (await askClusterChoices(prompter, [added], undefined, read.find((r) => r.network)?.network)) ?? [];
      if (!newChoice) return { status: 'cancelled', message: 'No cluster name.' };
      choices.push(newChoice);
      root = await askRootFiles(args);
      if (!root) return { status: 'cancelled', message: 'No root CA files chosen.' };
    }
    const saved = optionsFromSaved(services.config.installDefaults);
    const meshId = facts.find((f) => f.meshId !== undefined)?.meshId ?? 'mesh1';
    const options = { meshId, profile: saved.profile, setValues: saved.setValues, readinessTimeoutSeconds: saved.readinessTimeoutSeconds, clusters: choices };
    return planConfirmRun(services, prompter, options, root && { root }, meshDeps(services, connected.members, istioctlPath), 'Link Cluster');
  });
}

/** `Istio: Link Cluster…` */
export const linkCluster = (services: Services) => (args?: unknown) =>
  run(services, testOnlyArgs(services, 'istio.linkCluster', args && typeof args === 'object' && 'prompter' in args ? (args as MultiClusterArgs) : undefined));

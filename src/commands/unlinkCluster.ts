import * as vscode from 'vscode';
import { unlinkClusters, type UnlinkReport } from '../multicluster/ops';
import type { Services } from '../services';
import { withCancellableProgress } from './install';
import { contextItems, meshDeps, withContexts, type MultiClusterArgs } from './multiClusterFlow';
import { vscodePrompter } from './prompter';
import { testOnlyArgs } from './testArgs';

type UnlinkResult = { readonly status: 'done'; readonly report: UnlinkReport } | { readonly status: 'cancelled' | 'failed'; readonly message: string };

async function run(services: Services, args: MultiClusterArgs): Promise<UnlinkResult> {
  const prompter = args.prompter ?? vscodePrompter;
  const pair = await prompter.pickMany('The two clusters to unlink', await contextItems(services));
  if (!pair || pair.length !== 2) return { status: 'cancelled', message: 'Choose exactly two contexts.' };
  const [a, b] = pair;
  const confirmed = await prompter.confirm(`Unlink contexts "${a}" and "${b}"?`,
    `Deletes in "${a}" the remote secrets (istio-system, label istio/multiCluster=true) for "${b}", and in "${b}" those for "${a}": each istiod stops watching the other cluster and its proxies lose the other's endpoints. Istio, cacerts and istio-reader-service-account stay. Secrets that also hold other clusters are left and named.`, 'Unlink');
  if (!confirmed) return { status: 'cancelled', message: 'Not confirmed.' };
  // No istioctl runs: the deletes go through the API.
  return withContexts(services, pair, async (connected): Promise<UnlinkResult> => {
    const report = await withCancellableProgress(`Unlinking "${a}" and "${b}"`, (signal, progress) => unlinkClusters(a, b, { ...meshDeps(services, connected.members, ''), signal, onProgress: progress }));
    const left = report.left.length ? ` Left (they hold other clusters too): ${report.left.join(', ')}.` : '';
    void vscode.window.showInformationMessage(report.removed.length ? `Unlinked: deleted ${report.removed.join(', ')}.${left}` : `No remote secret linked "${a}" and "${b}".${left}`);
    void services.mesh.refresh();
    return { status: 'done', report };
  });
}

/** `Istio: Unlink Cluster…` */
export const unlinkCluster = (services: Services) => (args?: unknown) =>
  run(services, testOnlyArgs(services, 'istio.unlinkCluster', args && typeof args === 'object' && 'prompter' in args ? (args as MultiClusterArgs) : undefined));

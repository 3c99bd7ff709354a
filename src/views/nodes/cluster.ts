import * as vscode from 'vscode';
import type { MeshFinding } from '../../mesh/meshChecks';
import { clusterDescription, describeFindings, findingsOf, type RemoteSecretRow } from '../../mesh/multiCluster';
import type { ClusterEntry, MeshEvaluation } from '../clusterSet';
import { Colors, icon, markdown, md, type MeshNode } from './node';

const stateWords: Record<string, string> = {
  idle: 'not connected', none: 'no kubeconfig', kubeconfig: 'kubeconfig problem', localCluster: 'waiting for the local cluster',
  connecting: 'connecting…', unreachable: 'unreachable', unauthorized: 'credentials rejected', forbidden: 'forbidden',
};

/** A finding for a tooltip: its text, then what to do (both keep their `code` spans). */
function findingLines(findings: readonly MeshFinding[]): string[] {
  return findings.map((f) => `$(${f.severity}) ${f.message}\n\n  **What to do:** ${f.fix}`);
}

/**
 * A cluster of the Clusters level (more than one context in `istio.mesh.contexts`): its context, cluster name, mesh ID,
 * network and istiod revisions, its connection state, and the mesh checks' findings about it. The tree lists its
 * control plane, namespaces and remote secrets under it.
 */
export class ClusterNode implements MeshNode {
  constructor(readonly entry: ClusterEntry, private readonly evaluation: () => MeshEvaluation) {}

  get context(): string {
    return this.entry.context;
  }

  treeItem(): vscode.TreeItem {
    const { session, reading, readError } = this.entry;
    const item = new vscode.TreeItem(this.context, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `cluster:${this.context}`;
    item.contextValue = 'cluster';
    const findings = findingsOf(this.context, this.evaluation().findings);
    const revisions = session.store?.controlPlane.revisions.map((r) => r.revision) ?? [];
    const ready = session.state === 'ready';
    const words = [ready ? clusterDescription(reading?.facts, revisions) : stateWords[session.state] ?? session.state];
    if (ready && findings.length) words.push(describeFindings(findings));
    item.description = words.join(' · ');
    item.iconPath = !ready
      ? icon(session.state === 'connecting' ? 'loading~spin' : 'debug-disconnect', session.state === 'connecting' ? undefined : Colors.error)
      : findings.some((f) => f.severity === 'error') ? icon('error', Colors.error)
      : findings.length ? icon('warning', Colors.warn) : icon('server-environment', Colors.ok);
    const facts = reading?.facts;
    item.tooltip = markdown([
      `**Cluster** ${md(this.context)} — ${md(stateWords[session.state] ?? session.state)}`,
      ...(session.error && !ready ? [`$(error) ${md(session.error.message)}`] : []),
      [
        `- API server: ${md(session.client?.server ?? facts?.server ?? 'unknown')}`,
        `- Cluster name: ${md(facts?.clusterName ?? 'unknown')}`,
        `- Mesh ID: ${md(facts?.meshId ?? 'unknown')}`,
        `- Network: ${md(facts?.network ?? 'not set')}`,
        `- istiod revisions: ${md(revisions.join(', ') || 'none')}`,
      ].join('\n'),
      ...(readError ? [`$(warning) Reading its mesh facts failed: ${md(readError)}`] : []),
      ...(reading?.unknown.length ? [`Not known: ${reading.unknown.map(md).join('; ')}`] : []),
      ...(findings.length ? [`**Mesh checks** — ${describeFindings(findings)}`, ...findingLines(findings)] : []),
    ]);
    return item;
  }
}

/** The remote secrets of a cluster: one row per remote cluster istiod reads. */
export class RemoteSecretsNode implements MeshNode {
  constructor(public rows: readonly RemoteSecretRow[]) {}

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Remote secrets', this.rows.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = 'remoteSecrets';
    item.contextValue = 'remoteSecrets';
    const synced = this.rows.filter((r) => r.state === 'synced').length;
    item.description = this.rows.length ? `${this.rows.length} · ${synced} synced` : 'none: istiod watches no other cluster';
    item.iconPath = icon('key');
    return item;
  }

  children(): MeshNode[] {
    return this.rows.map((row) => new RemoteSecretNode(row));
  }
}

class RemoteSecretNode implements MeshNode {
  constructor(readonly row: RemoteSecretRow) {}

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.row.label, vscode.TreeItemCollapsibleState.None);
    item.id = `remoteSecret:${this.row.tooltip[0]}:${this.row.label}`;
    item.contextValue = 'remoteSecret';
    item.description = this.row.description;
    item.tooltip = markdown(this.row.tooltip.map(md));
    item.iconPath = this.row.state === 'synced' ? icon('pass', Colors.ok) : this.row.state === 'failing' ? icon('error', Colors.error) : icon('question');
    return item;
  }
}

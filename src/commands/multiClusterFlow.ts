/**
 * What the multi-cluster commands share: connecting to several contexts, the root CA question, and the plan →
 * one confirmation naming every context → progress → report (with Resume after a failure) loop.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { ClusterClient } from '../cluster/client';
import { installClusterFrom } from '../install/installClusterAdapter';
import { stripAnsi } from '../install/progress';
import { generateRoot, readRoot, saveRoot, type RootCa } from '../multicluster/ca';
import { describeReport, executeMeshPlan, inspectMesh, type MeshDeps, type MeshMember, type MeshRunReport } from '../multicluster/ops';
import { readIstiodSyncState } from '../mesh/clusterFactsReader';
import type { MeshOptions } from '../multicluster/plan';
import { showError } from '../output';
import type { Services } from '../services';
import { errorMessage } from '../util/errors';
import type { PickItem, Prompter } from './prompter';
import { withCancellableProgress } from './install';

/** Test-only answers the dialogs cannot take from a prompter: the root CA files and the folder to save a root in. */
export interface MultiClusterArgs {
  readonly prompter?: Prompter;
  readonly rootFiles?: { readonly cert: string; readonly key: string };
  readonly saveRootTo?: string;
}

export type MultiClusterResult =
  | { readonly status: 'done'; readonly report: MeshRunReport }
  | { readonly status: 'cancelled' | 'blocked' | 'failed'; readonly message: string; readonly report?: MeshRunReport };

/** Connections to the chosen contexts; `dispose` closes them. */
export interface Connected {
  readonly members: Map<string, MeshMember>;
  dispose(): void;
}

async function connectContexts(services: Services, contexts: readonly string[]): Promise<Connected> {
  const clients: ClusterClient[] = [];
  const members = new Map<string, MeshMember>();
  const dispose = () => clients.forEach((c) => c.dispose());
  try {
    for (const context of contexts) {
      const client = await ClusterClient.connect({ settingPath: services.config.kubeconfig || undefined, context });
      clients.push(client);
      await client.version();
      // istioctl reads KUBECONFIG itself; only the setting needs passing (see install.ts connectCluster).
      const kubeconfig = services.config.kubeconfig ? client.kubeconfig.files[0] : '';
      members.set(context, { cluster: installClusterFrom(client), target: { kubeconfig, context }, server: client.server, syncState: (signal) => readIstiodSyncState(client, signal) });
    }
  } catch (err) {
    dispose();
    throw err;
  }
  return { members, dispose };
}

/** The kubeconfig's contexts as pick items, with their servers. */
export async function contextItems(services: Services, exclude: readonly string[] = []): Promise<PickItem<string>[]> {
  const { contexts, currentContext } = await services.mesh.listContexts();
  return contexts.filter((c) => !exclude.includes(c.name)).map((c) => ({
    label: c.name, description: c.name === currentContext ? 'current' : undefined, detail: c.server, value: c.name,
  }));
}

async function pickFile(title: string): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({ title, canSelectMany: false, openLabel: 'Use', filters: { PEM: ['pem', 'crt', 'key'], 'All files': ['*'] } });
  return picked?.[0]?.fsPath;
}

/** The root CA from the user's files (a dialog each, or the test's paths). Undefined when dismissed. */
export async function askRootFiles(args: MultiClusterArgs): Promise<RootCa | undefined> {
  const cert = args.rootFiles?.cert ?? (await pickFile('Root CA certificate (root-cert.pem)'));
  const key = cert && (args.rootFiles?.key ?? (await pickFile('Root CA private key (root-key.pem)')));
  if (!cert || !key) return undefined;
  return readRoot(await readFile(cert, 'utf8'), await readFile(key, 'utf8'));
}

export interface ChosenRoot {
  readonly root: RootCa;
  /** Where to save a generated root, once the user confirmed. */
  readonly saveTo?: string;
}

/** Generate a root (kept in a folder, or discarded) or use the user's. Undefined when dismissed. */
export async function askRoot(prompter: Prompter, args: MultiClusterArgs): Promise<ChosenRoot | undefined> {
  const how = await prompter.pickOne('Root CA of the mesh', [
    { label: 'Generate a new root CA and save it to a folder…', detail: 'root-cert.pem and root-key.pem (readable by you only): needed to add a cluster later', value: 'save' as const, picked: true },
    { label: 'Generate a new root CA, discard its key', detail: 'the key exists only during this run', value: 'discard' as const },
    { label: 'Use an existing root CA…', detail: 'your root-cert.pem and its unencrypted root-key.pem', value: 'files' as const },
  ]);
  if (how === 'files') {
    const root = await askRootFiles(args);
    return root && { root };
  }
  if (how === 'discard') return { root: generateRoot() };
  if (how !== 'save') return undefined;
  const folder = args.saveRootTo ?? (await vscode.window.showOpenDialog({ title: 'Folder for the root CA', canSelectFiles: false, canSelectFolders: true, openLabel: 'Save Here' }))?.[0]?.fsPath;
  return folder ? { root: generateRoot(), saveTo: folder } : undefined;
}

export function meshDeps(services: Services, members: Map<string, MeshMember>, istioctlPath: string): MeshDeps {
  return {
    members, istioctlPath, log: services.log,
    onLine: (context, line) => {
      const text = stripAnsi(line).trimEnd();
      if (text.trim() !== '') services.log.info(`[istioctl ${context}] ${text}`);
    },
  };
}

/**
 * Plans, asks once (naming every context), runs with progress, and reports; after a failure offers to resume: the
 * same options and root, planned again from what the clusters hold now.
 */
export async function planConfirmRun(services: Services, prompter: Prompter, options: MeshOptions, chosen: ChosenRoot | undefined, deps: MeshDeps, action: string): Promise<MultiClusterResult> {
  const contexts = options.clusters.map((c) => `"${c.context}"`).join(', ');
  let keptAt: string | undefined;
  for (;;) {
    const plan = await withCancellableProgress(`Checking contexts ${contexts}`, (signal) => inspectMesh(options, chosen?.root, { ...deps, signal }, keptAt ?? (chosen?.saveTo ? join(chosen.saveTo, 'root-key.pem') : undefined)));
    for (const line of plan.summary) services.log.info(`plan: ${line}`);
    if (plan.refusals.length) {
      const message = `Cannot ${action.toLowerCase()} across ${contexts}: ${plan.refusals.join(' ')}`;
      void showError(services.output, message);
      return { status: 'blocked', message };
    }
    if (!(await prompter.confirm(`${action}: mesh "${options.meshId}" across contexts ${contexts}?`, plan.summary.join('\n'), action))) {
      return { status: 'cancelled', message: 'Not confirmed.' };
    }
    if (chosen?.saveTo && !keptAt) {
      const saved = await saveRoot(chosen.root, chosen.saveTo);
      keptAt = saved.key;
      services.log.info(`root CA saved: ${saved.cert} and ${saved.key} (mode 0600)`);
    }
    const report = await withCancellableProgress(`${action}: ${contexts}`, (signal, progress) => executeMeshPlan(plan, chosen?.root, { ...deps, signal, onProgress: progress }));
    for (const line of describeReport(report)) services.log.info(`multi-cluster: ${line}`);
    if (!report.error) {
      const findings = report.findings ?? [];
      void prompter.offer(findings.length
        ? `${action} finished across ${contexts}, but the mesh checks found ${findings.length} problem(s): ${findings.map((f) => f.message).join(' ')}`
        : `${action} finished across ${contexts}: cacerts, Istio and remote secrets in place; the mesh checks found no problem, and each istiod whose state could be read has synced the others.`, []);
      void services.mesh.refresh();
      return { status: 'done', report };
    }
    const retry = await prompter.choose(`${report.error}`, describeReport(report).join('\n'), report.cancelled ? ['Resume'] : ['Resume', 'Show Logs']);
    if (retry === 'Show Logs') services.output.show(true);
    if (retry !== 'Resume') return { status: report.cancelled ? 'cancelled' : 'failed', message: report.error, report };
  }
}

/** Runs a command body with the contexts' connections, turning errors into a message (and the log). */
export async function withContexts<T>(services: Services, contexts: readonly string[], body: (connected: Connected) => Promise<T>): Promise<T | { readonly status: 'failed'; readonly message: string }> {
  let connected: Connected | undefined;
  try {
    connected = await connectContexts(services, contexts);
    return await body(connected);
  } catch (err) {
    const message = errorMessage(err);
    services.log.error(message);
    void showError(services.output, message);
    return { status: 'failed', message };
  } finally {
    connected?.dispose();
  }
}

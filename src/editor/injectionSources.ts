import * as vscode from 'vscode';
import type { Services } from '../services';
import { type KnownNamespace, type LiveCluster, type Subjects, knownNamespaces, subjectsOf } from '../yaml/explain';
import { SubjectCache } from '../yaml/explainCache';
import { parseManifests } from '../yaml/parse';

const YAML_FILE = /\.ya?ml$/i;
const WORKSPACE_YAML = '**/*.{yaml,yml}';
const WORKSPACE_EXCLUDE = '**/{node_modules,.git}/**';
/** A workspace with more YAML files than this has its first ones read for Namespace documents. */
const MAX_WORKSPACE_FILES = 2000;

/** How a file is named in KnownNamespace lists: its path on disk, else its URI (untitled documents). */
export function fileKey(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.toString();
}

/**
 * What the injection hovers and CodeLenses decide with besides the document: the Namespace documents of the open YAML
 * documents and of the workspace's YAML files (of the document's folder, for a file outside the workspace), and, when
 * connected, the cluster's namespaces and webhooks. Files on disk are parsed again only when they change.
 */
export class InjectionSources implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a YAML file of the workspace changes on disk: its Namespace documents may say something else. */
  readonly onDidChangeFiles = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private workspace: Promise<Map<string, vscode.Uri>> | undefined;
  private readonly onDisk = new Map<string, { mtime: number; namespaces: KnownNamespace[] }>();
  private readonly inEditor = new Map<string, { version: number; namespaces: KnownNamespace[] }>();
  private readonly parsed = new SubjectCache();

  constructor(private readonly services: Services) {}

  /** The Namespaces, workloads and Pods of an open document (only its edited documents parsed again). */
  subjects(document: vscode.TextDocument): Subjects {
    return this.parsed.subjects(fileKey(document.uri), document.getText());
  }

  /** The cluster's facts when its model is ready; undefined offline. */
  live(): LiveCluster | undefined {
    const { store, state, contextName } = this.services.mesh;
    if (!store || state !== 'ready' || !contextName) return undefined;
    return { context: contextName, mesh: store.controlPlane.injection, namespaceLabels: (name) => store.namespace(name)?.labels };
  }

  /**
   * What of the cluster the verdicts read, by identity: the context, its injection facts and its Namespace objects
   * (the store keeps each object until an event replaces it). The mesh changes with every pod; lenses are asked again
   * only when one of these changes, and telling costs a comparison per namespace, not a serialization.
   */
  liveInputs(): readonly unknown[] {
    const live = this.live();
    const store = this.services.mesh.store;
    if (!live || !store) return [];
    return [live.context, live.mesh, ...store.values('namespaces')];
  }

  async namespaces(document: vscode.TextDocument): Promise<KnownNamespace[]> {
    const max = this.services.config.yamlMaxFileSize;
    const open = new Map<string, KnownNamespace[]>();
    for (const d of vscode.workspace.textDocuments) {
      if (d.languageId === 'yaml' && !d.isClosed) open.set(fileKey(d.uri), this.fromDocument(d, max));
    }
    const own = fileKey(document.uri);
    const out = [...(open.get(own) ?? [])];
    for (const [key, list] of open) if (key !== own) out.push(...list);
    // The workspace's YAML files (the document's folder when it is outside the workspace) that are not open: an open
    // document's text wins over its file.
    const onDisk = vscode.workspace.getWorkspaceFolder(document.uri) ? await this.workspaceFiles() : document.uri.scheme === 'file' ? await this.siblings(document.uri) : [];
    for (const uri of onDisk) {
      if (!open.has(fileKey(uri))) out.push(...(await this.fromDisk(uri, max)));
    }
    return out;
  }

  /** The workspace's YAML files, found once, then kept by a watcher that also drops a changed file's namespaces. */
  private workspaceFiles(): Promise<vscode.Uri[]> {
    if (!this.workspace) {
      const files = new Map<string, vscode.Uri>();
      const watcher = vscode.workspace.createFileSystemWatcher(WORKSPACE_YAML);
      const changed = (uri: vscode.Uri) => {
        this.onDisk.delete(fileKey(uri));
        this.changed.fire();
      };
      this.disposables.push(
        watcher,
        watcher.onDidCreate((uri) => {
          files.set(fileKey(uri), uri);
          changed(uri);
        }),
        watcher.onDidChange(changed),
        watcher.onDidDelete((uri) => {
          files.delete(fileKey(uri));
          changed(uri);
        }),
      );
      this.workspace = Promise.resolve(vscode.workspace.findFiles(WORKSPACE_YAML, WORKSPACE_EXCLUDE, MAX_WORKSPACE_FILES)).then((found) => {
        for (const uri of found) files.set(fileKey(uri), uri);
        return files;
      });
    }
    return this.workspace.then((files) => [...files.values()]);
  }

  /** An open document's Namespace documents, parsed again only when its version changes (lenses ask on every edit). */
  private fromDocument(d: vscode.TextDocument, max: number): KnownNamespace[] {
    const key = fileKey(d.uri);
    const cached = this.inEditor.get(key);
    if (cached?.version === d.version) return cached.namespaces;
    const text = d.getText();
    const namespaces = text.length <= max && text.includes('Namespace') ? knownNamespaces(this.parsed.subjects(key, text), key) : [];
    this.inEditor.set(key, { version: d.version, namespaces });
    return namespaces;
  }

  /** A closed document's entry goes (its file on disk is read instead). */
  forget(uri: vscode.Uri): void {
    this.inEditor.delete(fileKey(uri));
    this.parsed.forget(fileKey(uri));
  }

  private async siblings(uri: vscode.Uri): Promise<vscode.Uri[]> {
    const folder = vscode.Uri.joinPath(uri, '..');
    const entries = await Promise.resolve(vscode.workspace.fs.readDirectory(folder)).catch(() => [] as [string, vscode.FileType][]);
    return entries.filter(([name, type]) => type === vscode.FileType.File && YAML_FILE.test(name)).map(([name]) => vscode.Uri.joinPath(folder, name));
  }

  private async fromDisk(uri: vscode.Uri, max: number): Promise<KnownNamespace[]> {
    const key = fileKey(uri);
    try {
      const cached = this.onDisk.get(key);
      // Workspace files are dropped from the cache by the watcher when they change; others are checked by their time.
      if (cached && this.workspace && vscode.workspace.getWorkspaceFolder(uri)) return cached.namespaces;
      const stat = await vscode.workspace.fs.stat(uri);
      if (cached?.mtime === stat.mtime) return cached.namespaces;
      const text = stat.size > max ? '' : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      const namespaces = text.includes('Namespace') ? knownNamespaces(subjectsOf(parseManifests(text)), key) : [];
      this.onDisk.set(key, { mtime: stat.mtime, namespaces });
      return namespaces;
    } catch {
      return []; // A file that went away or cannot be read names no namespace.
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

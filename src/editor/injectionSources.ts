import * as vscode from 'vscode';
import type { Services } from '../services';
import { type KnownNamespace, type LiveCluster, type Subjects, knownNamespaces, subjectsOf } from '../yaml/explain';
import { SubjectCache } from '../yaml/explainCache';
import { parseManifests } from '../yaml/parse';

const YAML_FILE = /\.ya?ml$/i;

/** How a file is named in KnownNamespace lists: its path on disk, else its URI (untitled documents). */
export function fileKey(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.toString();
}

/**
 * What the injection hovers and CodeLenses decide with besides the document: the Namespace documents of the open YAML
 * documents and of the YAML files in the document's folder, and, when connected, the cluster's namespaces and webhooks.
 * Files on disk are parsed again only when their modification time changes.
 */
export class InjectionSources {
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
   * What of the cluster the verdicts read: its webhooks and its namespaces' labels. The mesh changes with every pod;
   * lenses are asked again only when this changes.
   */
  liveKey(): string {
    const live = this.live();
    const store = this.services.mesh.store;
    if (!live || !store) return '';
    return JSON.stringify([live.context, live.mesh, store.namespaces.map((n) => [n.name, n.labels])]);
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
    // Files of the same folder that are not open (an open document's text wins over its file).
    if (document.uri.scheme === 'file') {
      for (const uri of await this.siblings(document.uri)) {
        if (!open.has(fileKey(uri))) out.push(...(await this.fromDisk(uri, max)));
      }
    }
    return out;
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
      const stat = await vscode.workspace.fs.stat(uri);
      const cached = this.onDisk.get(key);
      if (cached?.mtime === stat.mtime) return cached.namespaces;
      const text = stat.size > max ? '' : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      const namespaces = text.includes('Namespace') ? knownNamespaces(subjectsOf(parseManifests(text)), key) : [];
      this.onDisk.set(key, { mtime: stat.mtime, namespaces });
      return namespaces;
    } catch {
      return []; // A file that went away or cannot be read names no namespace.
    }
  }
}

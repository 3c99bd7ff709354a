import * as vscode from 'vscode';
import type { ClusterMessage, ObjectRef } from '../analyzers/clusterAnalysis';
import { clusterFindingsForFile, locateObjects, messagedObjects, messagesAbout } from '../analyzers/clusterFindings';
import type { ClusterAnalysis } from '../analyzers/clusterResults';
import { LIVE_OBJECT_NAME_LINE, LIVE_OBJECT_SCHEME, liveObjectPath } from '../cluster/liveObject';
import type { Services } from '../services';
import { errorMessage } from '../util/errors';
import type { Finding } from '../yaml/types';
import { toDiagnostic } from './convert';

const SOURCE = 'istioctl analyze';
const YAML_FILES = '**/*.{yaml,yml}';
const NOT_SCANNED = '**/{node_modules,.git}/**';
const MAX_FILES = 5000;
/** The user's own files; not diff views, git versions or other read-only documents of the same file. */
const USER_SCHEMES = new Set(['file', 'untitled', 'vscode-remote']);

/** The read-only document of a cluster object: `istio-mesh:/<ns>/<Kind>/<name>.yaml?<context>`. */
export function liveObjectUri(context: string, ref: ObjectRef): vscode.Uri {
  return vscode.Uri.from({ scheme: LIVE_OBJECT_SCHEME, path: liveObjectPath(ref), query: encodeURIComponent(context) });
}

function toClusterDiagnostic(finding: Finding, context: string): vscode.Diagnostic {
  const diagnostic = toDiagnostic(finding);
  diagnostic.source = `${SOURCE} (${context})`;
  return diagnostic;
}

/**
 * The last cluster analysis in the Problems panel: on each object's live document, and on the workspace file that
 * defines the object. A file's entries are recomputed after each offline check of it, so they follow its edits and
 * give way to an offline analyzer that reports the same code on the same object.
 */
export class ClusterProblems implements vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('istio-cluster');
  /** The files that define an object with messages, by URI, with the messages an offline analyzer shows there instead. */
  private readonly files = new Map<string, ClusterMessage[]>();
  private generation = 0;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly services: Services) {
    const analysisChanged = services.clusterAnalysis.onDidChange(() => void this.publish());
    this.subscriptions = [
      this.diagnostics,
      { dispose: () => analysisChanged.dispose() },
      services.yaml.onDidCheck((uri) => this.refile(uri)),
      // The workspace analysis reports some of istioctl's cross-resource codes too: the files it placed follow it.
      services.workspaceAnalysis.onDidAnalyze(() => void this.replaceKnown()),
    ];
  }

  private async publish(): Promise<void> {
    const generation = ++this.generation;
    this.diagnostics.clear();
    this.files.clear();
    const analysis = this.services.clusterAnalysis.analysis;
    if (!analysis) return;
    this.publishLive(analysis);
    try {
      const files = await this.candidateFiles(analysis);
      if (generation !== this.generation) return;
      for (const { uri, text } of files) this.place(analysis, uri, text);
      this.publishLive(analysis);
    } catch (err) {
      this.services.log.error(`Placing the cluster analysis on workspace files failed: ${errorMessage(err)}`);
    }
  }

  /** The workspace's YAML files and the open YAML documents that name an object with messages. */
  private async candidateFiles(analysis: ClusterAnalysis): Promise<{ uri: vscode.Uri; text: string }[]> {
    const names = [...new Set(messagedObjects(analysis.messages).map((o) => o.name))];
    const open = new Map(vscode.workspace.textDocuments.filter((d) => d.languageId === 'yaml' && USER_SCHEMES.has(d.uri.scheme)).map((d) => [d.uri.toString(), d]));
    const found = vscode.workspace.workspaceFolders?.length ? await vscode.workspace.findFiles(YAML_FILES, NOT_SCANNED, MAX_FILES) : [];
    const uris = new Map([...found, ...[...open.values()].map((d) => d.uri)].map((u) => [u.toString(), u]));
    const files: { uri: vscode.Uri; text: string }[] = [];
    for (const [key, uri] of uris) {
      const text = open.get(key)?.getText() ?? (await this.read(uri));
      // Most files name none of the objects: skip them before parsing.
      if (text !== undefined && names.some((n) => text.includes(n))) files.push({ uri, text });
    }
    return files;
  }

  private async read(uri: vscode.Uri): Promise<string | undefined> {
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > this.services.config.yamlMaxFileSize) return undefined;
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      return undefined; // deleted since it was found
    }
  }

  /** Puts the messages about the file's objects on it; remembers the file while it defines any. */
  private place(analysis: ClusterAnalysis, uri: vscode.Uri, text: string): void {
    const key = uri.toString();
    const objects = locateObjects(text, analysis.defaultNamespace);
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    // A workspace reference "not found in the workspace" is an Info (it may live in the cluster): istioctl's answer
    // from the cluster says more, so it stays.
    const workspace = this.services.workspaceAnalysis.findingsIn(key, text).filter((f) => f.severity !== 'info');
    const offline = [...((document && this.services.yaml.findingsFor(document)) ?? []), ...workspace];
    const { findings, reportedOffline } = clusterFindingsForFile(analysis.messages, objects, offline);
    if (findings.length === 0 && reportedOffline.length === 0) {
      this.files.delete(key);
      this.diagnostics.delete(uri);
      return;
    }
    this.files.set(key, reportedOffline);
    this.diagnostics.set(uri, findings.map((f) => toClusterDiagnostic(f, analysis.context)));
  }

  /**
   * Each object's messages on its live document, but for those an offline analyzer already shows: in a workspace
   * file that defines the object, or on the live document itself once it is open (it is YAML, so it is checked too).
   */
  private publishLive(analysis: ClusterAnalysis): void {
    const shownOffline = new Set([...this.files.values()].flat());
    const line = LIVE_OBJECT_NAME_LINE;
    for (const ref of messagedObjects(analysis.messages)) {
      const uri = liveObjectUri(analysis.context, ref);
      const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      const offline = (document && this.services.yaml.findingsFor(document)) ?? [];
      const messages = messagesAbout(analysis.messages, ref).filter((m) => !shownOffline.has(m) && !offline.some((f) => f.code === m.code || f.istio === m.code));
      const range = { start: { line, character: 2 }, end: { line, character: 8 + ref.name.length } };
      this.diagnostics.set(uri, messages.map((m) => toClusterDiagnostic({ range, code: m.code, severity: m.severity, message: m.message }, analysis.context)));
    }
  }

  /** After a workspace analysis: the files that define an object with messages are placed again. */
  private async replaceKnown(): Promise<void> {
    const analysis = this.services.clusterAnalysis.analysis;
    if (!analysis || this.files.size === 0) return;
    const generation = this.generation;
    for (const key of [...this.files.keys()]) {
      const uri = vscode.Uri.parse(key);
      const text = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key)?.getText() ?? (await this.read(uri));
      if (generation !== this.generation) return;
      if (text !== undefined) this.place(analysis, uri, text);
    }
    this.publishLive(analysis);
  }

  /** After an offline check of an open document: its objects may have moved, or an offline finding appeared. */
  private refile(uri: vscode.Uri): void {
    const analysis = this.services.clusterAnalysis.analysis;
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!analysis || !document) return;
    if (uri.scheme === LIVE_OBJECT_SCHEME) return this.publishLive(analysis);
    if (!USER_SCHEMES.has(uri.scheme)) return;
    const known = this.files.has(uri.toString());
    // Typing in a file that names none of the objects costs no parse.
    if (!known && !messagedObjects(analysis.messages).some((o) => document.getText().includes(o.name))) return;
    this.place(analysis, uri, document.getText());
    // What the file's offline findings take over may have changed: the live documents follow.
    if (known || this.files.has(uri.toString())) this.publishLive(analysis);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

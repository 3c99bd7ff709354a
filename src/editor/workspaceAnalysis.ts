import * as vscode from 'vscode';
import type { Config } from '../config';
import type { Logger } from '../util/log';
import { errorMessage } from '../util/errors';
import { forEachBounded } from '../util/pool';
import { analyzeWorkspace } from '../workspace/analyze';
import { WorkspaceIndex } from '../workspace/index';
import type { Finding } from '../yaml/types';
import { codeOf, toDiagnostic, toRange, toWorkspaceEdit } from './convert';

const YAML_GLOB = '**/*.{yaml,yml}';
const NOT_SCANNED = '**/{node_modules,.git}/**';
const SKIPPED_DIR = /[\\/](?:node_modules|\.git)[\\/]/;
/** At most this many files are read on a scan. */
const MAX_FILES = 5000;
/** Files read at once on a scan. */
const READS_AT_ONCE = 8;
/** Edits and file events arriving together (a branch switch, a save of many files) are analysed once. */
const DEBOUNCE_MS = 300;

/**
 * Istio's cross-resource analyzers over the workspace's YAML files (src/workspace), in a diagnostic collection of
 * their own so they never duplicate the per-file checks. Files are read once; afterwards a created, changed or
 * deleted file, or an edit of an open one, is parsed again alone, and every file's findings are republished.
 */
export class WorkspaceAnalysis implements vscode.Disposable {
  private readonly index = new WorkspaceIndex();
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('istio-workspace');
  private readonly changed = new Map<string, vscode.Uri>();
  private readonly deleted = new Set<string>();
  /** The findings published per file, with the text they were found in (their fixes' offsets are in it). */
  private published = new Map<string, { text: string; findings: Finding[] }>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private readonly onDidAnalyzeEmitter = new vscode.EventEmitter<void>();
  /** Fires after each analysis is published (tests wait on it). */
  readonly onDidAnalyze = this.onDidAnalyzeEmitter.event;

  constructor(private readonly config: Config, private readonly log: Logger) {}

  /** Reads every YAML file of the workspace folders again (files.exclude, node_modules and .git left out) and publishes. */
  analyzeAll(): Promise<void> {
    return this.serial(async () => {
      const uris = (await vscode.workspace.findFiles(YAML_GLOB, NOT_SCANNED, MAX_FILES)).filter((u) => !SKIPPED_DIR.test(u.path));
      if (uris.length >= MAX_FILES) this.log.warn(`Workspace analysis: the first ${MAX_FILES} YAML files are analysed, the rest left out.`);
      const wanted = new Set(uris.map((u) => u.toString()));
      for (const file of this.index.files()) if (!wanted.has(file)) this.index.deleteFile(file);
      await forEachBounded(uris, READS_AT_ONCE, (uri) => this.read(uri));
      this.publish();
    });
  }

  /** A file created, changed or edited: analysed again after a short pause. */
  fileChanged(uri: vscode.Uri): void {
    if (SKIPPED_DIR.test(uri.path)) return;
    this.deleted.delete(uri.toString());
    this.changed.set(uri.toString(), uri);
    this.later();
  }

  fileDeleted(uri: vscode.Uri): void {
    this.changed.delete(uri.toString());
    this.deleted.add(uri.toString());
    this.later();
  }

  /** Publishes again (a setting changed). */
  republish(): void {
    void this.serial(async () => this.publish());
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.diagnostics.dispose();
    this.onDidAnalyzeEmitter.dispose();
  }

  private later(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const changed = [...this.changed.values()];
      const deleted = [...this.deleted];
      this.changed.clear();
      this.deleted.clear();
      void this.serial(async () => {
        for (const file of deleted) this.index.deleteFile(file);
        for (const uri of changed) await this.read(uri);
        this.publish();
      });
    }, DEBOUNCE_MS);
  }

  /** One analysis at a time, in the order asked. */
  private serial(task: () => Promise<void>): Promise<void> {
    this.running = this.running.then(task).catch((err: unknown) => this.log.error(`Workspace analysis failed: ${errorMessage(err)}`));
    return this.running;
  }

  /** The open document's text (unsaved edits included), else the file's; files over istio.yaml.maxFileSize are left out. */
  private async read(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    try {
      // A file on disk is measured before it is read: a large one is never loaded.
      const tooLarge = open ? open.getText().length > this.config.yamlMaxFileSize : (await vscode.workspace.fs.stat(uri)).size > this.config.yamlMaxFileSize;
      if (tooLarge) this.index.deleteFile(key);
      else this.index.setFile(key, open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
    } catch (err) {
      // Gone between the event and the read: it no longer defines anything.
      this.index.deleteFile(key);
      this.log.info(`Workspace analysis: ${uri.fsPath} not read: ${errorMessage(err)}`);
    }
  }

  /** A document's findings, when they were found in its current text (else their fixes would edit the wrong place). */
  findingsFor(document: vscode.TextDocument): readonly Finding[] {
    return this.findingsIn(document.uri.toString(), document.getText());
  }

  /** The findings of a file (by URI), when they were found in `text`. */
  findingsIn(uri: string, text: string): readonly Finding[] {
    const published = this.published.get(uri);
    return published && published.text === text ? published.findings : [];
  }

  private publish(): void {
    const found = analyzeWorkspace(this.index, { complete: this.config.analysisWorkspaceIsComplete, ignoredCodes: this.config.analysisIgnoredCodes });
    for (const file of this.published.keys()) if (!found.has(file)) this.diagnostics.delete(vscode.Uri.parse(file));
    this.published = new Map();
    for (const [file, findings] of found) {
      this.diagnostics.set(vscode.Uri.parse(file), findings.map(toDiagnostic));
      this.published.set(file, { text: this.index.resourcesIn(file)[0]?.text ?? '', findings });
    }
    this.onDidAnalyzeEmitter.fire();
  }
}

/** "Suppress IST0xxx for this resource" on the workspace findings. */
class WorkspaceCodeActions implements vscode.CodeActionProvider {
  constructor(private readonly analysis: WorkspaceAnalysis) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const findings = this.analysis.findingsFor(document);
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      const finding = findings.find((f) => f.code === codeOf(diagnostic) && f.message === diagnostic.message && toRange(f.range).isEqual(diagnostic.range));
      for (const fix of finding?.fixes ?? []) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.edit = toWorkspaceEdit(document, fix);
        action.diagnostics = [diagnostic];
        actions.push(action);
      }
    }
    return actions;
  }
}

/** Starts the workspace analysis: a first read of every YAML file, then a watcher and open documents' edits. */
export function registerWorkspaceAnalysis(context: vscode.ExtensionContext, analysis: WorkspaceAnalysis, config: Config): void {
  const watcher = vscode.workspace.createFileSystemWatcher(YAML_GLOB);
  const isYamlFile = (d: vscode.TextDocument) => d.uri.scheme === 'file' && /\.ya?ml$/i.test(d.uri.path);
  context.subscriptions.push(
    analysis,
    watcher,
    vscode.languages.registerCodeActionsProvider({ language: 'yaml' }, new WorkspaceCodeActions(analysis), { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
    watcher.onDidCreate((u) => analysis.fileChanged(u)),
    watcher.onDidChange((u) => analysis.fileChanged(u)),
    watcher.onDidDelete((u) => analysis.fileDeleted(u)),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (isYamlFile(e.document) && e.contentChanges.length > 0) analysis.fileChanged(e.document.uri);
    }),
    // Closing without saving: the file's text on disk counts again.
    vscode.workspace.onDidCloseTextDocument((d) => {
      if (isYamlFile(d)) analysis.fileChanged(d.uri);
    }),
    config.onDidChange((e) => {
      if (e.affectsConfiguration('istio.yaml.maxFileSize')) void analysis.analyzeAll();
      else if (e.affectsConfiguration('istio.analysis')) analysis.republish();
    }),
  );
  // The first scan waits for YAML to be in play, as activation by a YAML file does: opening the Mesh view alone reads
  // no files (the file search spawns a process, which held the extension host 30 ms in the middle of the view's first
  // fetch, and then the reads).
  const isYaml = (d: vscode.TextDocument) => d.languageId === 'yaml';
  if (vscode.workspace.textDocuments.some(isYaml)) void analysis.analyzeAll();
  else {
    const firstYaml = vscode.workspace.onDidOpenTextDocument((d) => {
      if (!isYaml(d)) return;
      firstYaml.dispose();
      void analysis.analyzeAll();
    });
    context.subscriptions.push(firstYaml);
  }
}

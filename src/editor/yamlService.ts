import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { Config } from '../config';
import type { Logger } from '../util/log';
import type { YamlChecker } from '../yaml/checker';
import { mergeFacts, withRootNamespace, type ClusterFacts } from '../yaml/facts';
import type { YamlLanguageService } from '../yaml/schema/languageService';
import type { Finding } from '../yaml/types';
import { isIstioValuesFile, mayBeChartValues } from '../yaml/helmValues';
import { withoutIgnored } from '../analyzers/ignore';
import { toDiagnostic } from './convert';
import { errorMessage } from '../util/errors';

/** Typing pauses this long before a re-check; the first check of a document is immediate. */
const DEBOUNCE_MS = 120;

export interface YamlServiceOptions {
  /** Where the bundled schema and the language service's worker are (`dist/`). */
  readonly extensionPath: string;
  readonly config: Config;
  readonly log: Logger;
  /** When Red Hat's YAML extension validates against our schema, we publish no schema findings (it may come and go: `setSchemaDiagnostics`). */
  readonly schemaDiagnostics: boolean;
}

/**
 * The YAML checks in the editor: one checker (loaded on first use), one diagnostic collection,
 * the latest findings per document for the code actions. Also the seam for the cluster: the mesh
 * feeds `setClusterFacts`, the cluster feature calls `refreshSchemasFromCrds`.
 */
export class YamlService implements vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('istio');
  private readonly findings = new Map<string, { version: number; findings: Finding[] }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly checked = new vscode.EventEmitter<vscode.Uri>();
  /** Fires after a document's diagnostics were published (tests and the bench wait on it). */
  readonly onDidCheck = this.checked.event;
  private cluster: ClusterFacts | undefined;
  private checker: Promise<YamlChecker> | undefined;
  private languageService: Promise<YamlLanguageService> | undefined;
  private schemaJson: Promise<string> | undefined;
  private readonly started = new vscode.EventEmitter<void>();
  /** Fires once, after the first check, hover or completion started the language service. */
  readonly onDidStart = this.started.event;
  private schemaOrigin: string | undefined;

  private schemaFindings: boolean;

  constructor(private readonly options: YamlServiceOptions) {
    this.schemaFindings = options.schemaDiagnostics;
  }

  /** Whether this service publishes schema findings, hovers and completion (false while Red Hat's YAML extension does). */
  get schemaDiagnostics(): boolean {
    return this.schemaFindings;
  }

  /** Red Hat's YAML extension was enabled or disabled while VS Code runs: take the schema work back, or hand it over. */
  setSchemaDiagnostics(on: boolean): void {
    if (on === this.schemaFindings) return;
    this.schemaFindings = on;
    this.recheckAll();
  }

  /** The schema currently in use (bundled, or refreshed from the cluster). */
  schema(): Promise<string> {
    this.schemaJson ??= import('../yaml/schema/location').then((m) => m.readBundledSchema(this.options.extensionPath));
    return this.schemaJson;
  }

  service(): Promise<YamlLanguageService> {
    if (!this.languageService) {
      this.languageService = Promise.all([import('../yaml/schema/workerService'), this.schema()]).then(([m, json]) =>
        m.createWorkerYamlLanguageService(json, join(this.options.extensionPath, 'dist', 'yamlWorker.js')),
      );
      queueMicrotask(() => this.started.fire());
    }
    return this.languageService;
  }

  /** Whether YAML checks have run in this session (the language service and its worker exist). */
  get isStarted(): boolean {
    return this.languageService !== undefined;
  }

  /** The kube context whose CRDs the Istio schemas come from; undefined while the bundled ones are in use. */
  get schemaContext(): string | undefined {
    return this.schemaOrigin;
  }

  loadChecker(): Promise<YamlChecker> {
    this.checker ??= import('../yaml/checker').then((m) => new m.YamlChecker(() => this.service()));
    return this.checker;
  }

  enabled(): boolean {
    return this.options.config.yamlValidate;
  }

  /**
   * Hovers and completion for this document: not for files over `istio.yaml.maxFileSize`, which the checks skip
   * too (completion runs on every space; re-parsing megabytes each time would hold up every other file's checks).
   */
  servesLanguageFeatures(document: vscode.TextDocument): boolean {
    const length = document.offsetAt(document.lineAt(document.lineCount - 1).range.end);
    return this.enabled() && length <= this.options.config.yamlMaxFileSize;
  }

  /** The findings last published for this version of the document, if any. */
  findingsFor(document: vscode.TextDocument): Finding[] | undefined {
    const entry = this.findings.get(document.uri.toString());
    return entry?.version === document.version ? entry.findings : undefined;
  }

  /** The cluster's facts the checks use, with the root namespace of `istio.meshConfig.rootNamespace` when set. */
  clusterFacts(): ClusterFacts | undefined {
    return withRootNamespace(this.cluster, this.options.config.meshRootNamespace);
  }

  setClusterFacts(facts: ClusterFacts | undefined): void {
    this.cluster = facts;
    this.recheckAll();
  }

  /** Replaces the bundled Istio kinds by the cluster's CRDs (its exact Istio version). Returns how many kinds changed. */
  async refreshSchemasFromCrds(crds: readonly unknown[], context: string): Promise<number> {
    const [{ withClusterCrds }, { crdSchemas }, json] = await Promise.all([import('../yaml/schema/bundle'), import('../yaml/schema/convert'), this.schema()]);
    const kinds = crds.flatMap((c) => crdSchemas(c)).length;
    if (kinds === 0) return 0;
    const next = JSON.stringify(withClusterCrds(JSON.parse(json), crds));
    this.schemaJson = Promise.resolve(next);
    (await this.service()).setSchema(next);
    this.schemaOrigin = context;
    this.options.log.info(`YAML schemas refreshed from ${crds.length} CRDs of context "${context}" (${kinds} kind versions).`);
    const checker = await this.loadChecker();
    for (const d of vscode.workspace.textDocuments) checker.forget(d.uri.toString());
    this.recheckAll();
    return kinds;
  }

  schedule(document: vscode.TextDocument, delay = DEBOUNCE_MS): void {
    if (document.languageId !== 'yaml') return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      void this.check(document);
    }, delay));
  }

  recheckAll(): void {
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  forget(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.findings.delete(key);
    this.diagnostics.delete(document.uri);
    void this.checker?.then((c) => c.forget(key));
  }

  async check(document: vscode.TextDocument): Promise<void> {
    if (document.isClosed || document.languageId !== 'yaml') return;
    const config = this.options.config;
    if (!config.yamlValidate) {
      this.forget(document);
      return;
    }
    const version = document.version;
    const key = document.uri.toString();
    const started = Date.now();
    try {
      const checker = await this.loadChecker();
      const all = await checker.check(key, document.getText(), {
        schema: this.schemaFindings,
        maxFileSize: config.yamlMaxFileSize,
        cluster: this.clusterFacts(),
        workspace: this.workspaceFacts(checker, document),
        istioValues: await istioValuesFile(document),
      });
      const findings = withoutIgnored(all, config.analysisIgnoredCodes);
      if (document.isClosed || document.version !== version) return; // a newer check is on its way
      this.findings.set(key, { version, findings });
      this.diagnostics.set(document.uri, findings.map(toDiagnostic));
      this.options.log.trace(`YAML checks: ${document.uri.fsPath} v${version}, ${findings.length} finding(s) in ${Date.now() - started} ms`);
      if (findings.some((f) => f.code === 'file-too-large')) this.options.log.info(`${document.uri.fsPath}: not checked (istio.yaml.maxFileSize)`);
      this.checked.fire(document.uri);
    } catch (err) {
      this.options.log.error(`YAML check of ${document.uri.fsPath} failed: ${errorMessage(err)}`);
    }
  }

  /** Whether the document is a Helm values file of Istio's charts (see src/yaml/helmValues.ts). */
  istioValuesFile(document: vscode.TextDocument): Promise<boolean> {
    return istioValuesFile(document);
  }

  /** What the other open YAML documents tell about namespaces (workloads asking for sidecars, injected namespaces). */
  private workspaceFacts(checker: YamlChecker, document: vscode.TextDocument) {
    const others = vscode.workspace.textDocuments.filter((other) => other !== document && other.languageId === 'yaml' && other.getText().length <= this.options.config.yamlMaxFileSize);
    return mergeFacts(others.map((other) => checker.facts(other.uri.toString(), other.getText())));
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.diagnostics.dispose();
    this.checked.dispose();
    this.started.dispose();
    void this.languageService?.then((s) => s.dispose(), () => undefined);
  }
}

/** The marker in the text, or a values file's name with the Chart.yaml beside it (only files on disk have one). */
async function istioValuesFile(document: vscode.TextDocument): Promise<boolean> {
  const name = basename(document.uri.path);
  const chart = document.uri.scheme === 'file' && mayBeChartValues(name) ? await readFile(join(dirname(document.uri.fsPath), 'Chart.yaml'), 'utf8').catch(() => undefined) : undefined;
  return isIstioValuesFile(name, document.getText(), chart);
}

import * as vscode from 'vscode';

/** Every setting the extension reads, typed, in one place. Values are read on each access so changes apply at once. */
export class Config {
  private get section() {
    return vscode.workspace.getConfiguration('istio');
  }
  get kubeconfig(): string {
    return this.section.get<string>('kubeconfig', '').trim();
  }
  get istioctlPath(): string {
    return this.section.get<string>('istioctlPath', '').trim();
  }
  get yamlValidate(): boolean {
    return this.section.get<boolean>('yaml.validate', true);
  }
  get yamlMaxFileSize(): number {
    return this.section.get<number>('yaml.maxFileSize', 2_000_000);
  }
  /** IST codes never shown (e.g. `IST0118`), on top of each resource's `galley.istio.io/analyze-suppress`. */
  get analysisIgnoredCodes(): readonly string[] {
    const codes = this.section.get<unknown>('analysis.ignoredCodes', []);
    return Array.isArray(codes) ? codes.filter((c): c is string => typeof c === 'string') : [];
  }
  /** The workspace holds every resource of the mesh: a reference it does not hold is "not found" (IST0101), an error. */
  get analysisWorkspaceIsComplete(): boolean {
    return this.section.get<boolean>('analysis.workspaceIsComplete', false);
  }
  /** The mesh's root namespace for the checks (empty: the live mesh config's, else istio-system). */
  get meshRootNamespace(): string {
    return this.section.get<string>('meshConfig.rootNamespace', '').trim();
  }
  /** The sidecar verdict above each workload and Pod in YAML. */
  get codeLensInjection(): boolean {
    return this.section.get<boolean>('codeLens.injection', true);
  }
  /** Pods listed per workload in the Mesh view before a "N more pods…" row. */
  get meshViewPageSize(): number {
    const size = this.section.get<number>('meshView.pageSize', 100);
    return Number.isInteger(size) && size > 0 ? size : 100;
  }
  get restartConcurrency(): number {
    return this.section.get<number>('restart.concurrency', 8);
  }
  get installDefaults(): Record<string, unknown> {
    return this.section.get<Record<string, unknown>>('install.defaults', {});
  }
  async setInstallDefaults(value: Record<string, unknown>): Promise<void> {
    await this.section.update('install.defaults', value, vscode.ConfigurationTarget.Global);
  }
  /** The contexts the Mesh view shows side by side (its Clusters level, with more than one); empty: the selected context only. */
  get meshContexts(): readonly string[] {
    const contexts = this.section.get<unknown>('mesh.contexts', []);
    return Array.isArray(contexts) ? [...new Set(contexts.filter((c): c is string => typeof c === 'string' && c.trim() !== ''))] : [];
  }
  async setMeshContexts(contexts: readonly string[]): Promise<void> {
    await this.section.update('mesh.contexts', [...contexts], vscode.ConfigurationTarget.Global);
  }
  /** Fires when any `istio.*` setting changes. */
  onDidChange(listener: (e: vscode.ConfigurationChangeEvent) => void): vscode.Disposable {
    return vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('istio')) listener(e);
    });
  }
}

import * as vscode from 'vscode';
import type { Config } from '../config';
import { explainAt, explainWorkloads, verdictLensTitle, verdictMarkdown } from '../yaml/explain';
import { fileKey, type InjectionSources } from './injectionSources';
import type { YamlService } from './yamlService';

/** Lines yaml-language-server adds to hovers that mean nothing to our users (its schema title and source link). */
const HOVER_NOISE = /^#### Kubernetes and Istio \(Istio Mesh\)\n\n|\n\nSource: \[[^\]]*\]\([^)]*\)$/g;

/** Field documentation from the schemas (yaml-language-server's hover, in-process); none while Red Hat's YAML extension gives its own. */
export class YamlHover implements vscode.HoverProvider {
  constructor(private readonly yaml: YamlService) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    if (!this.yaml.schemaDiagnostics || !this.yaml.servesLanguageFeatures(document)) return undefined;
    const service = await this.yaml.service();
    const hover = await service.hover(document.uri.toString(), document.getText(), position);
    if (!hover) return undefined;
    const contents = hover.contents;
    const text = typeof contents === 'string' ? contents : 'value' in contents ? contents.value : contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n\n');
    const cleaned = text.replace(HOVER_NOISE, '').trim();
    if (!cleaned) return undefined;
    const range = hover.range && new vscode.Range(hover.range.start.line, hover.range.start.character, hover.range.end.line, hover.range.end.character);
    return new vscode.Hover(new vscode.MarkdownString(cleaned), range);
  }
}

/** Schema fields and label values (`enabled`/`disabled`, `"true"`/`"false"`) from yaml-language-server; none while Red Hat's YAML extension completes. */
export class YamlCompletion implements vscode.CompletionItemProvider {
  constructor(private readonly yaml: YamlService) {}

  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.CompletionItem[]> {
    if (!this.yaml.schemaDiagnostics || !this.yaml.servesLanguageFeatures(document)) return [];
    const service = await this.yaml.service();
    const list = await service.complete(document.uri.toString(), document.getText(), position);
    return list.items.map((item) => {
      const out = new vscode.CompletionItem(item.label, item.kind !== undefined ? item.kind - 1 : undefined);
      const edit = item.textEdit;
      const text = edit?.newText ?? item.insertText ?? item.label;
      // yaml-language-server writes snippets ($1, ${1:x}) when insertTextFormat is 2.
      out.insertText = item.insertTextFormat === 2 ? new vscode.SnippetString(text) : text;
      if (edit && 'range' in edit) out.range = new vscode.Range(edit.range.start.line, edit.range.start.character, edit.range.end.line, edit.range.end.character);
      if (item.documentation) out.documentation = new vscode.MarkdownString(typeof item.documentation === 'string' ? item.documentation : item.documentation.value);
      if (item.detail) out.detail = item.detail;
      if (item.filterText) out.filterText = item.filterText;
      if (item.sortText) out.sortText = item.sortText;
      return out;
    });
  }
}

/** Every manifest with a pod or a namespace names one of these kinds: other files are not parsed for the verdict. */
const MAY_EXPLAIN = /\b(Namespace|Deployment|StatefulSet|DaemonSet|ReplicaSet|Job|CronJob|Pod)\b/;

/**
 * "Will this pod get a sidecar, and why?" on the `kind`, the name or an injection label of a Namespace, workload or Pod:
 * the engine's verdict with its evidence, from the files offline and from the cluster when connected.
 */
export class InjectionHover implements vscode.HoverProvider {
  constructor(private readonly yaml: YamlService, private readonly sources: InjectionSources) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    if (!this.yaml.servesLanguageFeatures(document)) return undefined;
    const text = document.getText();
    if (!MAY_EXPLAIN.test(text)) return undefined;
    const live = this.sources.live();
    const offset = document.offsetAt(position);
    const found = explainAt(this.sources.subjects(document), offset, fileKey(document.uri), await this.sources.namespaces(document), live);
    if (!found) return undefined;
    const anchor = found.anchors.find(([s, e]) => s <= offset && offset <= e)!;
    return new vscode.Hover(new vscode.MarkdownString(verdictMarkdown(found, live)), new vscode.Range(document.positionAt(anchor[0]), document.positionAt(anchor[1])));
  }
}

/** The verdict above each workload and Pod (`istio.codeLens.injection`). The lens is a label: it runs no command. */
export class InjectionCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly yaml: YamlService, private readonly config: Config, private readonly sources: InjectionSources) {}

  /** Namespace documents, settings or the cluster changed: every visible lens may say something else. */
  refresh(): void {
    this.changed.fire();
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!this.config.codeLensInjection || !this.yaml.servesLanguageFeatures(document)) return [];
    const text = document.getText();
    if (!MAY_EXPLAIN.test(text)) return [];
    const verdicts = explainWorkloads(this.sources.subjects(document), fileKey(document.uri), await this.sources.namespaces(document), this.sources.live());
    return verdicts.map((v) => {
      const line = document.positionAt(v.start).line;
      return new vscode.CodeLens(new vscode.Range(line, 0, line, 0), { title: verdictLensTitle(v), command: '', tooltip: v.evidence.join('\n') });
    });
  }

  dispose(): void {
    this.changed.dispose();
  }
}

// A stand-in for Red Hat's YAML extension: `registerContributor` (its schema-contributor API) and its diagnostics.
// Each open YAML file is validated by yaml-language-server, the engine Red Hat YAML runs, against the schema a
// contributor names for it, and published in a collection of its own (source "YAML", as Red Hat YAML does).
import * as vscode from 'vscode';
import { getLanguageService } from 'yaml-language-server';
import { TextDocument } from 'vscode-languageserver-textdocument';

export function activate(context) {
  const contributors = new Map();
  const diagnostics = vscode.languages.createDiagnosticCollection('yaml');
  let version = 0;
  const service = getLanguageService({
    schemaRequestService: async (uri) => {
      const scheme = uri.split(':')[0];
      const contributor = contributors.get(scheme);
      if (!contributor) throw new Error(`no contributor for ${uri}`);
      return contributor.requestSchemaContent(uri);
    },
    workspaceContext: { resolveRelativePath: (relative, resource) => new URL(relative, resource).toString() },
  });
  service.configure({ validate: true, hover: true, completion: true, isKubernetes: false, yamlVersion: '1.2', schemas: [] });
  // As the real extension: a contributor names a schema per file; the language server asks each in turn.
  service.registerCustomSchemaProvider(async (resource) => {
    for (const c of contributors.values()) {
      const uri = c.requestSchema(resource);
      if (uri) return uri;
    }
    return [];
  });
  const validate = async (document) => {
    if (document.languageId !== 'yaml' || document.isClosed) return;
    const found = await service.doValidation(TextDocument.create(document.uri.toString(), 'yaml', ++version, document.getText()), false);
    diagnostics.set(document.uri, found.map((d) => {
      const range = new vscode.Range(d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character);
      const out = new vscode.Diagnostic(range, d.message, d.severity === 1 ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
      out.source = d.source ?? 'YAML';
      return out;
    }));
  };
  const validateAll = () => Promise.all(vscode.workspace.textDocuments.map(validate));
  context.subscriptions.push(
    diagnostics,
    vscode.workspace.onDidOpenTextDocument(validate),
    vscode.workspace.onDidChangeTextDocument((e) => validate(e.document)),
    vscode.workspace.onDidCloseTextDocument((d) => diagnostics.delete(d.uri)),
  );
  void validateAll();
  return {
    registerContributor(schema, requestSchema, requestSchemaContent, label) {
      if (contributors.has(schema)) return false;
      contributors.set(schema, { requestSchema, requestSchemaContent, label });
      void validateAll();
      return true;
    },
  };
}

export function deactivate() {}

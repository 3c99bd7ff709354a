import type { Diagnostic, Hover, CompletionList, Position as LspPosition } from 'yaml-language-server';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Document } from 'yaml';
import { randomUUID } from 'node:crypto';
import { featureText } from './featureText';
import { coveredKinds, SCHEMA_NAME } from './kinds';

/**
 * yaml-language-server used in-process (no server, no network): one schema for every file, the
 * bundle of `schemas/`, served from memory. Loaded with `import()` on first use so activation
 * never pays for it.
 */
export interface YamlLanguageService {
  validate(uri: string, text: string): Promise<Diagnostic[]>;
  hover(uri: string, text: string, position: LspPosition): Promise<Hover | null>;
  complete(uri: string, text: string, position: LspPosition): Promise<CompletionList>;
  /** Whether the schema has a definition for this kind (documents of other kinds need no validation). */
  covers(apiVersion: string, kind: string): boolean;
  /** Serves another schema from now on (e.g. refreshed from the cluster's CRDs). */
  setSchema(schemaJson: string): void;
  /** Frees what the service holds (a worker thread, when it runs in one). */
  dispose(): void;
}

/** What the checks need of schema validation: diagnostics for a text, and which kinds have a schema. */
export type SchemaValidation = Pick<YamlLanguageService, 'validate' | 'covers'> & {
  /**
   * True when the documents of `text`, as the checker parsed them, certainly get no diagnostic: the checker then
   * does not send the text (which would be read again). Optional; false means "not sure".
   */
  readonly acceptsParsed?: (text: string, docs: readonly Document.Parsed[]) => boolean;
  /**
   * The same for documents the checker read as plain values certain to be `yaml`'s (src/yaml/plain.ts), given as
   * their root mappings (undefined for a document that is not one).
   */
  readonly acceptsPlain?: (text: string, roots: readonly (Record<string, unknown> | undefined)[]) => boolean;
};

/**
 * yaml-language-server caches parsed documents in a module-level map keyed by URI and version, shared
 * by all its instances: versions must never repeat in this process, whichever instance asks.
 */
let documentVersion = 0;

export async function createYamlLanguageService(schemaJson: string): Promise<YamlLanguageService> {
  const { getLanguageService } = await import('yaml-language-server');
  const { TextDocument: Doc } = await import('vscode-languageserver-textdocument');
  let current = schemaJson;
  let kinds = coveredKinds(schemaJson);
  // URIs unique to this instance: yaml-language-server keeps some schema state per URI across instances.
  const instance = randomUUID();
  let generation = 0;
  const schemas = new Map<string, string>();
  const service = getLanguageService({
    schemaRequestService: async (uri) => {
      const text = schemas.get(uri);
      if (text === undefined) throw new Error(`unknown schema ${uri}`);
      return text;
    },
    workspaceContext: { resolveRelativePath: (relative, resource) => new URL(relative, resource).toString() },
  });
  const configure = () => {
    // A new URI per schema version: yaml-language-server caches compiled schemas by URI.
    const uri = `istio-mesh://schemas/${instance}/${++generation}/kubernetes-istio.schema.json`;
    schemas.clear();
    schemas.set(uri, current);
    service.configure({
      validate: true,
      hover: true,
      completion: true,
      isKubernetes: false,
      yamlVersion: '1.2',
      schemas: [{ uri, fileMatch: ['*'], name: SCHEMA_NAME }],
    });
  };
  configure();
  const doc = (uri: string, text: string): TextDocument => Doc.create(uri, 'yaml', ++documentVersion, text);
  return {
    validate: (uri, text) => service.doValidation(doc(uri, text), false),
    hover: async (uri, text, position) => {
      const only = featureText(text, position.line);
      return only === undefined ? null : service.doHover(doc(uri, only), position);
    },
    // `null` is accepted wherever a field may be absent (see `orNull`), but leaving the field out says it better.
    complete: async (uri, text, position) => {
      const only = featureText(text, position.line);
      if (only === undefined) return { isIncomplete: false, items: [] };
      const list = await service.doComplete(doc(uri, only), position, false);
      return { ...list, items: list.items.filter((i) => i.label !== 'null') };
    },
    covers: (apiVersion, kind) => kinds.has(`${apiVersion} ${kind}`),
    setSchema(json) {
      current = json;
      kinds = coveredKinds(json);
      configure();
    },
    dispose() {},
  };
}

import { isRecord } from '../../util/objects';
import { crdSchemas, type JsonSchema } from './convert';

/**
 * The one schema a YAML file is validated against: yaml-language-server takes one schema per
 * file, so each document picks its kind's definition through `if {apiVersion, kind} then $ref`.
 * Documents of other kinds match no branch and pass, and so do documents that are no mapping at all
 * (empty, comments only, a list, a scalar): each `if` asks for an object.
 */
export interface SchemaBundle {
  readonly $schema: string;
  readonly $comment?: string;
  readonly allOf: readonly KindBranch[];
  readonly definitions: Readonly<Record<string, JsonSchema>>;
}

export interface KindBranch {
  readonly if: JsonSchema;
  readonly then: { readonly $ref: string };
}

export interface KindEntry {
  /** `v1` or `group/version` values that share this definition. */
  readonly apiVersions: readonly string[];
  readonly kind: string;
  readonly definition: string;
}

export function kindBranch(entry: KindEntry): KindBranch {
  const apiVersion = entry.apiVersions.length === 1 ? { const: entry.apiVersions[0] } : { enum: [...entry.apiVersions] };
  return {
    if: { type: 'object', properties: { apiVersion, kind: { const: entry.kind } }, required: ['apiVersion', 'kind'] },
    then: { $ref: `#/definitions/${entry.definition}` },
  };
}

/** Identical schemas of several versions (Istio serves v1, v1beta1 and v1alpha3 alike) share one definition. */
export function addKind(definitions: Record<string, JsonSchema>, entries: KindEntry[], group: string, version: string, kind: string, schema: JsonSchema): void {
  const apiVersion = group === '' ? version : `${group}/${version}`;
  const text = JSON.stringify(schema);
  const same = entries.find((e) => e.kind === kind && e.definition.startsWith(`${group || 'core'}.${kind}`) && JSON.stringify(definitions[e.definition]) === text);
  if (same) {
    (same.apiVersions as string[]).push(apiVersion);
    return;
  }
  const name = `${group || 'core'}.${kind}.${version}`;
  definitions[name] = schema;
  entries.push({ apiVersions: [apiVersion], kind, definition: name });
}

/**
 * The bundle with the kinds of the given CRDs replaced by the cluster's own versions (its exact
 * Istio release). Kinds the CRDs do not define are kept as bundled.
 */
export function withClusterCrds(bundle: SchemaBundle, crds: readonly unknown[]): SchemaBundle {
  const fresh = crds.flatMap((crd) => crdSchemas(crd));
  if (fresh.length === 0) return bundle;
  const replaced = new Set(fresh.map((f) => `${f.group}/${f.kind}`));
  const definitions: Record<string, JsonSchema> = { ...bundle.definitions };
  const kept: KindBranch[] = [];
  for (const branch of bundle.allOf) {
    const key = branchKey(branch);
    if (key && key.groups.some((g) => replaced.has(`${g}/${key.kind}`))) {
      // Kind definitions are referenced only by their branch: drop the bundled one with it.
      delete definitions[branch.then.$ref.replace('#/definitions/', '')];
      continue;
    }
    kept.push(branch);
  }
  const entries: KindEntry[] = [];
  for (const f of fresh) addKind(definitions, entries, f.group, f.version, f.kind, f.schema);
  return { ...bundle, $comment: `${bundle.$comment ?? ''} Istio kinds refreshed from the cluster's CRDs.`.trim(), allOf: [...kept, ...entries.map(kindBranch)], definitions };
}

function branchKey(branch: KindBranch): { groups: string[]; kind: string } | undefined {
  const props = isRecord(branch.if.properties) ? branch.if.properties : {};
  const api = isRecord(props.apiVersion) ? props.apiVersion : {};
  const kind = isRecord(props.kind) ? props.kind.const : undefined;
  const versions = (api.const !== undefined ? [api.const] : Array.isArray(api.enum) ? api.enum : []).map(String);
  if (typeof kind !== 'string') return undefined;
  return { groups: versions.map((v) => (v.includes('/') ? v.slice(0, v.indexOf('/')) : '')), kind };
}

/**
 * OpenAPI v3 (Kubernetes' and CRDs' dialect) to the JSON Schema draft 7 that yaml-language-server
 * reads. Pure: the schema generator script and "refresh schemas from the cluster" share it.
 */

import { isRecord } from '../../util/objects';

export type JsonSchema = { [key: string]: unknown };

export interface ConvertOptions {
  /** Rewrites `$ref`s (e.g. `#/components/schemas/X` to `#/definitions/X`). */
  readonly ref?: (ref: string) => string;
  /**
   * Drops every `required` list, so every field may be absent (and null). For Kubernetes' own kinds: kustomize
   * patches and overlays are partial objects by design, and the API server reports a missing field anyway.
   */
  readonly partial?: boolean;
}

/** Keys kept as they are; everything else (x-kubernetes-*, format, default, example...) is dropped. */
const KEPT = new Set([
  'description', 'type', 'enum', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
  'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'title',
]);
/** Keys holding one schema, a list of schemas, or a map of schemas. */
const ONE = ['items', 'not'];
const LIST = ['allOf', 'anyOf', 'oneOf'];

export function convertSchema(input: unknown, options: ConvertOptions = {}): JsonSchema {
  if (!isRecord(input)) return {};
  const out: JsonSchema = {};
  const required = !options.partial && Array.isArray(input.required) ? input.required.filter((r): r is string => typeof r === 'string') : [];
  for (const [key, value] of Object.entries(input)) {
    if (KEPT.has(key)) out[key] = value;
    else if (key === 'required' && required.length > 0) out.required = required;
    else if (key === '$ref' && typeof value === 'string') out.$ref = options.ref ? options.ref(value) : value;
    else if (ONE.includes(key)) out[key] = convertSchema(value, options);
    else if (LIST.includes(key) && Array.isArray(value)) out[key] = value.map((v) => convertSchema(v, options));
    // A field that may be absent may also be null: the API server treats both alike.
    else if (key === 'properties' && isRecord(value)) out[key] = mapValues(value, (v, name) => (required.includes(name) ? convertSchema(v, options) : orNull(convertSchema(v, options))));
    else if (key === 'additionalProperties') out[key] = typeof value === 'boolean' ? value : convertSchema(value, options);
  }
  // `int32` or a string (`port: 8080`, `maxSurge: 25%`), whatever else the source says (Kubernetes adds a `oneOf`).
  if (input['x-kubernetes-int-or-string'] === true || input.format === 'int-or-string') {
    delete out.type;
    delete out.oneOf;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  // Structural schemas reject unknown fields (kubectl's strict field validation): say so in the editor. Under
  // `x-kubernetes-preserve-unknown-fields` they are kept; the fields it declares are still checked as declared.
  const preserves = input['x-kubernetes-preserve-unknown-fields'] === true;
  const declared = isRecord(out.properties);
  if (declared && out.additionalProperties === undefined && !preserves && !out.$ref) out.additionalProperties = false;
  // Keeps unknown fields and declares none (e.g. `Struct`, EnvoyFilter's `patch.value`): anything of that type goes.
  if (preserves && !declared && out.additionalProperties === undefined) out.additionalProperties = true;
  if (input['x-kubernetes-embedded-resource'] === true) embedResource(out, options);
  return input.nullable === true ? orNull(out) : out;
}

/**
 * A whole object inside another (`x-kubernetes-embedded-resource`): the API server requires its `apiVersion`
 * and `kind` as non-empty strings and checks its `metadata` as an object's metadata.
 */
function embedResource(out: JsonSchema, options: ConvertOptions): void {
  const nonEmpty = { type: 'string', minLength: 1 };
  out.properties = { apiVersion: nonEmpty, kind: nonEmpty, metadata: orNull({ $ref: OBJECT_META_REF }), ...(isRecord(out.properties) ? out.properties : {}) };
  if (!options.partial) out.required = [...new Set([...(Array.isArray(out.required) ? out.required : []), 'apiVersion', 'kind'])];
}

/** Keys of a schema that a `null` can fail; a schema without any of them accepts null already. */
const NULL_FAILS = ['type', 'enum', 'const', '$ref', 'allOf', 'anyOf', 'oneOf', 'not'];
/** Keys that only document a schema (kept outside the alternatives, where hovers find them). */
const DOCS = ['description', 'title', 'markdownDescription'];
const NULL = { type: 'null' };

/**
 * The schema, accepting `null` as well. The API server treats a null field as an absent one: built-in kinds
 * decode it to the empty value, CRDs prune it before validation (unless the field is `nullable`, which keeps it).
 * The cheapest form that keeps hovers and completion: `type: [t, "null"]` where only the type could fail,
 * otherwise the schema as one alternative of two.
 */
export function orNull(schema: JsonSchema): JsonSchema {
  const type = schema.type;
  if (Array.isArray(type) ? type.includes('null') : !NULL_FAILS.some((k) => k in schema)) return schema;
  if (Array.isArray(schema.anyOf) && schema.anyOf.some((s) => isRecord(s) && s.type === 'null')) return schema;
  const combined = ['$ref', 'allOf', 'anyOf', 'oneOf', 'not', 'const'].some((k) => k in schema);
  if ((typeof type === 'string' || Array.isArray(type)) && !combined) {
    return { ...schema, type: [...(Array.isArray(type) ? type : [type]), 'null'], ...(Array.isArray(schema.enum) ? { enum: [...schema.enum, null] } : {}) };
  }
  const docs = Object.fromEntries(Object.entries(schema).filter(([k]) => DOCS.includes(k)));
  const rest = Object.fromEntries(Object.entries(schema).filter(([k]) => !DOCS.includes(k)));
  const keys = Object.keys(rest);
  // Alternatives already (int-or-string): one more. Kubernetes' `allOf: [$ref]` wrapper: the $ref is the alternative.
  if (keys.length === 1 && Array.isArray(rest.anyOf)) return { ...docs, anyOf: [...rest.anyOf, NULL] };
  if (keys.length === 1 && Array.isArray(rest.allOf) && rest.allOf.length === 1) return { ...docs, anyOf: [rest.allOf[0], NULL] };
  return { ...docs, anyOf: [rest, NULL] };
}

export interface CrdVersionSchema {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** JSON Schema of the whole object (apiVersion, kind, metadata, spec, status). */
  readonly schema: JsonSchema;
}

/** Where the bundle keeps Kubernetes' ObjectMeta, so CRD kinds get the same metadata checks and hovers. */
export const OBJECT_META_REF = '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/**
 * `status` of every kind. Manifests exported from a cluster carry it; the API server does not apply it (it is
 * the status subresource's, written by controllers), and Istio's CRDs keep any field under it. So any object goes.
 */
export const STATUS_SCHEMA: JsonSchema = {
  description: 'The observed state, written by the cluster. Accepted in a manifest, but not applied: the cluster writes its own.',
  type: ['object', 'null'],
};

/** Every served version of a CustomResourceDefinition object (as read from YAML or the API). */
export function crdSchemas(crd: unknown): CrdVersionSchema[] {
  if (!isRecord(crd) || crd.kind !== 'CustomResourceDefinition' || !isRecord(crd.spec)) return [];
  const { group, names, versions } = crd.spec;
  if (typeof group !== 'string' || !isRecord(names) || typeof names.kind !== 'string' || !Array.isArray(versions)) return [];
  const kind = names.kind;
  const out: CrdVersionSchema[] = [];
  for (const v of versions) {
    if (!isRecord(v) || typeof v.name !== 'string' || v.served === false) continue;
    const openApi = isRecord(v.schema) ? v.schema.openAPIV3Schema : undefined;
    if (!isRecord(openApi)) continue;
    out.push({ group, version: v.name, kind, schema: objectSchema(group, kind, openApi) });
  }
  return out;
}

/** A top-level object's schema: apiVersion/kind/metadata typed, any `status` accepted (see `STATUS_SCHEMA`). */
function objectSchema(group: string, kind: string, openApi: JsonSchema, options: ConvertOptions = {}): JsonSchema {
  const converted = convertSchema(openApi, options);
  const properties = { ...(isRecord(converted.properties) ? converted.properties : {}) };
  return {
    ...converted,
    type: 'object',
    properties: {
      // Version-free, so identical schemas of several versions stay identical (and are stored once).
      apiVersion: { type: 'string', description: `The API group and version of this ${kind}: ${group}/<version>.` },
      kind: { type: 'string', description: `The kind of this resource: ${kind}.` },
      metadata: { $ref: OBJECT_META_REF },
      ...properties,
      status: STATUS_SCHEMA,
    },
    additionalProperties: false,
  };
}

function mapValues(map: JsonSchema, f: (v: unknown, key: string) => unknown): JsonSchema {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, f(v, k)]));
}

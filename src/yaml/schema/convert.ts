/**
 * OpenAPI v3 (Kubernetes' and CRDs' dialect) to the JSON Schema draft 7 that yaml-language-server
 * reads. Pure: the schema generator script and "refresh schemas from the cluster" share it.
 */

export type JsonSchema = { [key: string]: unknown };

export interface ConvertOptions {
  /** Rewrites `$ref`s (e.g. `#/components/schemas/X` to `#/definitions/X`). */
  readonly ref?: (ref: string) => string;
}

/** Keys kept as they are; everything else (x-kubernetes-*, format, default, example...) is dropped. */
const KEPT = new Set([
  'description', 'type', 'enum', 'required', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
  'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'title',
]);
/** Keys holding one schema, a list of schemas, or a map of schemas. */
const ONE = ['items', 'not'];
const LIST = ['allOf', 'anyOf', 'oneOf'];
const MAP = ['properties'];

export function convertSchema(input: unknown, options: ConvertOptions = {}): JsonSchema {
  if (!isObject(input)) return {};
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(input)) {
    if (KEPT.has(key)) out[key] = value;
    else if (key === '$ref' && typeof value === 'string') out.$ref = options.ref ? options.ref(value) : value;
    else if (ONE.includes(key)) out[key] = convertSchema(value, options);
    else if (LIST.includes(key) && Array.isArray(value)) out[key] = value.map((v) => convertSchema(v, options));
    else if (MAP.includes(key) && isObject(value)) out[key] = mapValues(value, (v) => convertSchema(v, options));
    else if (key === 'additionalProperties') out[key] = typeof value === 'boolean' ? value : convertSchema(value, options);
  }
  const intOrString = input['x-kubernetes-int-or-string'] === true || input.format === 'int-or-string';
  if (intOrString) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (input.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  // Structural schemas reject unknown fields (kubectl's strict field validation): say so in the editor.
  const preserves = input['x-kubernetes-preserve-unknown-fields'] === true;
  if (isObject(out.properties) && out.additionalProperties === undefined && !preserves && !out.$ref) out.additionalProperties = false;
  // `type: object` that keeps unknown fields and declares none (e.g. `Struct`): any value of that shape goes.
  if (preserves && !out.properties && out.additionalProperties === undefined) out.additionalProperties = true;
  return out;
}

export interface CrdVersionSchema {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** JSON Schema of the whole object (apiVersion, kind, metadata, spec), without `status`. */
  readonly schema: JsonSchema;
}

/** Where the bundle keeps Kubernetes' ObjectMeta, so CRD kinds get the same metadata checks and hovers. */
export const OBJECT_META_REF = '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** Every served version of a CustomResourceDefinition object (as read from YAML or the API). */
export function crdSchemas(crd: unknown): CrdVersionSchema[] {
  if (!isObject(crd) || crd.kind !== 'CustomResourceDefinition' || !isObject(crd.spec)) return [];
  const { group, names, versions } = crd.spec;
  if (typeof group !== 'string' || !isObject(names) || typeof names.kind !== 'string' || !Array.isArray(versions)) return [];
  const kind = names.kind;
  const out: CrdVersionSchema[] = [];
  for (const v of versions) {
    if (!isObject(v) || typeof v.name !== 'string' || v.served === false) continue;
    const openApi = isObject(v.schema) ? v.schema.openAPIV3Schema : undefined;
    if (!isObject(openApi)) continue;
    out.push({ group, version: v.name, kind, schema: objectSchema(group, kind, openApi) });
  }
  return out;
}

/** A top-level object's schema: apiVersion/kind/metadata typed, `status` dropped (users do not write it). */
export function objectSchema(group: string, kind: string, openApi: JsonSchema, options: ConvertOptions = {}): JsonSchema {
  const converted = convertSchema(openApi, options);
  const properties = { ...(isObject(converted.properties) ? converted.properties : {}) };
  delete properties.status;
  return {
    ...converted,
    type: 'object',
    properties: {
      // Version-free, so identical schemas of several versions stay identical (and are stored once).
      apiVersion: { type: 'string', description: `The API group and version of this ${kind}: ${group}/<version>.` },
      kind: { type: 'string', description: `The kind of this resource: ${kind}.` },
      metadata: { $ref: OBJECT_META_REF },
      ...properties,
    },
    additionalProperties: false,
  };
}

export function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mapValues(map: JsonSchema, f: (v: unknown) => unknown): JsonSchema {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, f(v)]));
}

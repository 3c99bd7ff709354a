import { isRecord } from '../util/objects';
import { isPod, POD_TEMPLATE_PATH } from './kube';
import { MAX_NESTING } from './limits';
import { isKubernetesShaped, mayNestTooDeep } from './parse';
import { loadFast, resolvePlain } from './schema/fastYaml';
import { hasDuplicateKey } from './schema/regularYaml';
import { maskTemplates } from './template';

/**
 * One document read as plain values (js-yaml's, used only where they are certain to be `yaml`'s: see
 * src/yaml/schema/fastYaml.ts), with the fields `parseManifests` reads, set under the same conditions. The command
 * line reads every document this way first: the rules and analyzers tell from it whether they may report on the
 * document (their `mayReport`, then a run on its values: `mayFindPlain`), and only a document where one finds
 * something gets the ranged parse.
 */
export interface PlainManifest {
  /** The document's root mapping, when it is one. */
  readonly root: Record<string, unknown> | undefined;
  /** Set only for Kubernetes-shaped documents, as in `ParsedManifest`. */
  readonly apiVersion: string | undefined;
  readonly kind: string | undefined;
  readonly name: string | undefined;
  readonly namespace: string | undefined;
}

/**
 * The documents of a text as plain values, or undefined when they are not certain to be what the ranged parse reads:
 * js-yaml is not sure (see `loadFast`), the text is a Helm template (the ranged parse reads it with its actions masked:
 * see `maskedPlainManifests`) or it may nest too deep (a finding of its own).
 */
export function plainManifests(text: string): PlainManifest[] | undefined {
  return isTemplate(text) ? undefined : readPlain(text);
}

/** A Helm template's documents as plain values, read as the ranged parse reads them: with its actions masked. */
export function maskedPlainManifests(text: string): PlainManifest[] | undefined {
  return readPlain(maskTemplates(text).text);
}

/**
 * Whether a Helm template certainly fails to parse once its actions are masked, told without parsing it: a key twice
 * in one mapping (see `hasDuplicateKey`: an `if`/`else` whose branches set the same key), and no nesting that could be
 * too deep (a finding of its own). The parse of such a template gives no finding and tells no facts (`lintParsed`,
 * `fileFacts`).
 */
export function isBrokenTemplate(text: string): boolean {
  const masked = maskTemplates(text).text;
  return !mayNestTooDeep(masked) && hasDuplicateKey(masked, resolvePlain);
}

/**
 * A document whose values nest deeper than half of `MAX_NESTING` is left to the ranged parse, which tells whether it
 * goes too deep (a finding of its own): the margin covers what the parser counts beyond the values' collections. Told
 * from the values rather than by a pass over the text's characters (`mayNestTooDeep`), which cost more than the
 * reading over Istio's manifests.
 */
function readPlain(text: string): PlainManifest[] | undefined {
  const docs = loadFast(text);
  if (!docs || docs.some((doc) => nestsDeeper(doc, MAX_NESTING / 2))) return undefined;
  return docs.map(plainManifest);
}

/** Whether a value nests more than `levels` collections (a scalar: none); it looks no deeper than that. */
function nestsDeeper(value: unknown, levels: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (levels === 0) return true;
  if (Array.isArray(value)) {
    for (const child of value) if (nestsDeeper(child, levels - 1)) return true;
    return false;
  }
  for (const key in value) if (nestsDeeper((value as Record<string, unknown>)[key], levels - 1)) return true;
  return false;
}

/** Whether `maskTemplates` masks something: a `{{` with a `}}` after it. */
export function isTemplate(text: string): boolean {
  const open = text.indexOf('{{');
  return open >= 0 && text.includes('}}', open + 2);
}

function plainManifest(value: unknown): PlainManifest {
  const root = isRecord(value) ? value : undefined;
  const apiVersion = typeof root?.apiVersion === 'string' ? root.apiVersion : undefined;
  const kind = typeof root?.kind === 'string' ? root.kind : undefined;
  const kube = apiVersion !== undefined && kind !== undefined && isKubernetesShaped(apiVersion, kind);
  const metadata = kube && isRecord(root?.metadata) ? root.metadata : undefined;
  return {
    root,
    apiVersion: kube ? apiVersion : undefined,
    kind: kube ? kind : undefined,
    name: typeof metadata?.name === 'string' ? metadata.name : undefined,
    namespace: typeof metadata?.namespace === 'string' ? metadata.namespace : undefined,
  };
}

/** The mapping at `path` below `value`, as `mapAt` finds it (every step a mapping). */
export function plainMapAt(value: unknown, path: readonly string[]): Record<string, unknown> | undefined {
  let at = value;
  for (const key of path) {
    if (!isRecord(at)) return undefined;
    at = at[key];
  }
  return isRecord(at) ? at : undefined;
}

/** The value at `key` of the mapping at `path` (undefined when absent: js-yaml reads `key:` alone as null). */
export function plainAt(value: unknown, path: readonly string[], key: string): unknown {
  const map = plainMapAt(value, path);
  return map && Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}

/**
 * The scalar entries of a plain `labels:`/`annotations:` map (of `keys`, or all of them) as the API server would store
 * them: a bare scalar stands for its text (`true` → "true"), an empty value for "". Entries holding a collection are
 * left out.
 */
export function plainStrings(map: Record<string, unknown> | undefined, keys: readonly string[] = Object.keys(map ?? {})): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys) {
    if (!map || !Object.prototype.hasOwnProperty.call(map, key)) continue;
    const value = map[key];
    if (typeof value === 'object' && value !== null) continue;
    out[key] = value === null ? '' : String(value);
  }
  return out;
}

/** The map that holds the pod's `metadata` and `spec`, as `podHolder` finds it. */
export function plainPodHolder(m: PlainManifest): Record<string, unknown> | undefined {
  if (isPod(m)) return m.root;
  const path = m.kind === undefined ? undefined : POD_TEMPLATE_PATH[m.kind];
  return path ? plainMapAt(m.root, path) : undefined;
}

/** A label of a plain holder (a document root or pod template): undefined when absent. */
export function plainLabel(holder: unknown, key: string): unknown {
  return plainAt(holder, ['metadata', 'labels'], key);
}

/** An annotation of a plain holder: undefined when absent. */
export function plainAnnotation(holder: unknown, key: string): unknown {
  return plainAt(holder, ['metadata', 'annotations'], key);
}

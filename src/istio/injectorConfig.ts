/**
 * istiod's injector ConfigMap (`istio-sidecar-injector`, `istio-sidecar-injector-<rev>`), read as istiod reads it.
 * Pure. Paths are relative to the istio.io/istio module at the commit testbed/versions.mjs pins:
 * - istiod of revision `r` reads the ConfigMap `istio-sidecar-injector[-<r>]` in its own namespace
 *   (pilot/pkg/bootstrap/sidecarinjector.go `getInjectorConfigMapName`): the name decides, not a label.
 * - Both keys must be there, `config` and `values` (pkg/kube/inject/watcher.go `readConfigMap`); `config` is
 *   unmarshalled into `Config` (inject.go `UnmarshalConfig`, sigs.k8s.io/yaml: YAML → JSON → struct, unknown keys
 *   ignored, a wrong type an error). When that fails istiod keeps the config it had (or does not start), so what it
 *   uses is unknown: the result says why instead of guessing.
 * - `policy` missing or empty is the Go zero value "", which `injectRequired` treats as an illegal policy: nothing
 *   is injected. It is kept as "" for the engine to say so.
 * - `values.sidecarInjectorWebhook.enableNamespacesByDefault` is not read by istiod at all: the chart renders it into
 *   the webhook's `auto.` entry (mutatingwebhook.yaml), so live webhooks already say it. It matters only when the
 *   webhooks cannot be read and the chart's are assumed.
 * `templates`, `aliases` and `injectedAnnotations` shape the injected pod, not whether it is injected: not read here.
 */
import { load } from 'js-yaml';
import type { LabelSelector } from '../cluster/types';
import type { InjectorConfig, MeshFacts } from './injection';
import { DefaultRevision, injectorWebhookName } from './names';
import { isRecord } from '../util/objects';

/** The ConfigMap is named as the revision's webhook configuration is. */
const prefix = injectorWebhookName(DefaultRevision);

/** The revision whose istiod reads a ConfigMap of this name, or undefined when no istiod reads it. */
export function injectorConfigMapRevision(name: string): string | undefined {
  if (name === prefix) return DefaultRevision;
  return name.startsWith(`${prefix}-`) && name.length > prefix.length + 1 ? name.slice(prefix.length + 1) : undefined;
}

export interface ParsedInjectorConfig {
  /** What `injectRequired` reads; `{ unreadable }` when istiod could not read it either. */
  readonly config: InjectorConfig;
  /** `values.sidecarInjectorWebhook.enableNamespacesByDefault`, when the values say it. */
  readonly enableNamespacesByDefault?: boolean;
}

class Malformed extends Error {}


/** sigs.k8s.io/yaml's reading of a YAML text: null for an empty one, an error for a syntax error. */
function loadYaml(text: string, key: string): unknown {
  try {
    return load(text);
  } catch (err) {
    throw new Malformed(`its "${key}" is not valid YAML (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
  }
}

function stringMap(value: unknown, where: string): Record<string, string> | undefined {
  if (value === null || value === undefined) return undefined;
  if (!isRecord(value) || !Object.values(value).every((v) => typeof v === 'string')) throw new Malformed(`${where} is not a map of strings`);
  return value as Record<string, string>;
}

/** One `metav1.LabelSelector`, or undefined when Go's `LabelSelectorAsSelector` rejects it (istiod skips it then). */
function selector(value: unknown, where: string): LabelSelector | undefined {
  if (value === null) return {};
  if (!isRecord(value)) throw new Malformed(`${where} is not a label selector`);
  const matchLabels = stringMap(value.matchLabels, `${where}.matchLabels`);
  const raw = value.matchExpressions ?? [];
  if (!Array.isArray(raw)) throw new Malformed(`${where}.matchExpressions is not a list`);
  const matchExpressions = raw.map((x, i) => {
    const at = `${where}.matchExpressions[${i}]`;
    if (!isRecord(x) || typeof x.key !== 'string' || typeof x.operator !== 'string') throw new Malformed(`${at} has no key and operator`);
    const values = x.values ?? [];
    if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) throw new Malformed(`${at}.values is not a list of strings`);
    return { key: x.key, operator: x.operator, values: values as string[] };
  });
  const valid = matchExpressions.every((x) => (x.operator === 'In' || x.operator === 'NotIn') ? x.values.length > 0
    : (x.operator === 'Exists' || x.operator === 'DoesNotExist') && x.values.length === 0);
  return valid ? { ...(matchLabels ? { matchLabels } : {}), ...(matchExpressions.length ? { matchExpressions } : {}) } : undefined;
}

function selectors(value: unknown, key: string): LabelSelector[] | undefined {
  if (value === null || value === undefined) return undefined;
  if (!Array.isArray(value)) throw new Malformed(`${key} is not a list`);
  return value.map((s, i) => selector(s, `${key}[${i}]`)).filter((s): s is LabelSelector => s !== undefined);
}

function injectorConfig(text: string): InjectorConfig {
  const doc = loadYaml(text, 'config');
  if (doc !== null && doc !== undefined && !isRecord(doc)) throw new Malformed('its "config" is not a map');
  const c = isRecord(doc) ? doc : {};
  if (c.policy !== undefined && c.policy !== null && typeof c.policy !== 'string') throw new Malformed('policy is not a string');
  const neverInjectSelector = selectors(c.neverInjectSelector, 'neverInjectSelector');
  const alwaysInjectSelector = selectors(c.alwaysInjectSelector, 'alwaysInjectSelector');
  return {
    policy: typeof c.policy === 'string' ? c.policy : '',
    ...(neverInjectSelector?.length ? { neverInjectSelector } : {}),
    ...(alwaysInjectSelector?.length ? { alwaysInjectSelector } : {}),
  };
}

function namespacesByDefault(text: string): boolean | undefined {
  const values = loadYaml(text, 'values');
  const webhook = isRecord(values) ? values.sidecarInjectorWebhook : undefined;
  const value = isRecord(webhook) ? webhook.enableNamespacesByDefault : undefined;
  return typeof value === 'boolean' ? value : undefined;
}

/** Reads one injector ConfigMap's `data`; a malformed one gives `{ config: { unreadable } }` with the reason. */
function parseInjectorConfigMap(name: string, data: Readonly<Record<string, string>> | undefined): ParsedInjectorConfig {
  try {
    const missing = ['config', 'values'].filter((k) => typeof data?.[k] !== 'string');
    if (missing.length) throw new Malformed(`it has no "${missing.join('" and no "')}" key`);
    const enableNamespacesByDefault = namespacesByDefault(data!.values);
    return { config: injectorConfig(data!.config), ...(enableNamespacesByDefault !== undefined ? { enableNamespacesByDefault } : {}) };
  } catch (err) {
    if (!(err instanceof Malformed)) throw err;
    return { config: { unreadable: `ConfigMap ${name} cannot be read as istiod reads it: ${err.message}` } };
  }
}

/** An injector ConfigMap, parsed and mapped to the revision whose istiod reads it. */
export interface InjectorConfigMap {
  readonly namespace: string;
  readonly revision: string;
  readonly parsed: ParsedInjectorConfig;
}

/** Reads the injector ConfigMaps among `configMaps` (others are skipped). */
export function injectorConfigMaps(configMaps: Iterable<{ readonly metadata: { readonly name: string; readonly namespace?: string }; readonly data?: Record<string, string> }>): InjectorConfigMap[] {
  return [...configMaps].flatMap((c) => {
    const revision = injectorConfigMapRevision(c.metadata.name);
    return revision === undefined ? [] : [{ namespace: c.metadata.namespace ?? '', revision, parsed: parseInjectorConfigMap(c.metadata.name, c.data) }];
  });
}

export interface InjectorFacts extends Pick<MeshFacts, 'injectors' | 'unlistedInjector'> {
  /** The default revision's `enableNamespacesByDefault`, for when the chart's webhooks are assumed. */
  readonly enableNamespacesByDefault?: boolean;
}

/**
 * The engine's `injectors` from the ConfigMaps read: each revision's from its istiod's namespace when that is known
 * (`istiodNamespace`), else from any control-plane namespace. `hiddenNamespaces`: where RBAC kept the ConfigMaps from
 * us, which leaves every revision not found elsewhere with an unknown policy.
 */
export function injectorFacts(configMaps: Iterable<InjectorConfigMap>, hiddenNamespaces: readonly string[], istiodNamespace: (revision: string) => string | undefined): InjectorFacts {
  const chosen = new Map<string, InjectorConfigMap>();
  for (const c of configMaps) {
    const current = chosen.get(c.revision);
    if (!current || (current.namespace !== istiodNamespace(c.revision) && c.namespace === istiodNamespace(c.revision))) chosen.set(c.revision, c);
  }
  const enableNamespacesByDefault = chosen.get(DefaultRevision)?.parsed.enableNamespacesByDefault;
  return {
    ...(chosen.size ? { injectors: Object.fromEntries([...chosen].map(([r, c]) => [r, c.parsed.config])) } : {}),
    ...(hiddenNamespaces.length ? { unlistedInjector: { unreadable: `you may not list ConfigMaps in ${hiddenNamespaces.join(', ')}` } } : {}),
    ...(enableNamespacesByDefault !== undefined ? { enableNamespacesByDefault } : {}),
  };
}

/**
 * The one answer to "will this pod get a sidecar, and why?", computed the way Istio computes it. Pure: no I/O.
 *
 * Injection has two stages, and a pod gets `istio-proxy` only if both say yes:
 * 1. kube-apiserver calls a webhook entry only when its namespaceSelector matches the namespace's labels and its
 *    objectSelector matches the pod's labels (never its annotations), for CREATE of pods only
 *    (istio-discovery templates/mutatingwebhook.yaml and revision-tags-mwc.yaml; see ./webhooks.ts).
 * 2. The istiod that entry points at runs `injectRequired` (pkg/kube/inject/inject.go): hostNetwork, ignored
 *    namespaces, the pod's own value (label over annotation), never/always selectors, then `policy`.
 * istiod never reads `istio-injection`, `istio.io/rev` or `istio.io/dataplane-mode`: which revision injects is only
 * decided by which entry matched. Paths are relative to the istio.io/istio module at the commit testbed/versions.mjs pins.
 */
import type { LabelSelector } from '../cluster/types';
import {
  DataplaneModeAmbient,
  DataplaneModeLabel,
  DataplaneModeNone,
  DefaultRevision,
  IgnoredNamespaces,
  InjectionEnabled,
  InjectionLabel,
  IstioSystemNamespace,
  NamespaceNameLabel,
  NativeSidecarAnnotation,
  RevisionLabel,
  SidecarInjectAnnotation,
  SidecarInjectLabel,
} from './names';
import { type Labels, selectorMatches, webhookSelectorMatches } from './selector';
import { type InjectorEntry, chartEntries } from './webhooks';

export type { Labels } from './selector';

/**
 * istiod's side of one revision: the `config` of ConfigMap `istio-sidecar-injector[-<rev>]` and istiod's
 * `ENABLE_NATIVE_SIDECARS`. Every field defaults to the chart's value.
 */
export interface InjectorConfig {
  /** `policy` (values `global.proxy.autoInject`, default `enabled`); anything but enabled/disabled injects nothing. */
  readonly policy?: string;
  readonly neverInjectSelector?: readonly LabelSelector[];
  readonly alwaysInjectSelector?: readonly LabelSelector[];
  /** istiod's `ENABLE_NATIVE_SIDECARS`: `true`, `false` or `auto` (default); anything else is false (pilot/pkg/features/pilot.go). */
  readonly nativeSidecars?: string;
  /**
   * Why istiod's config is unknown (its ConfigMap is malformed, or may not be read): the decision then assumes the
   * chart's defaults and says so (`policyUnknown`), rather than guessing silently.
   */
  readonly unreadable?: string;
}

/** What the decision depends on besides the namespace and the pod. */
export interface MeshFacts {
  /** The injector webhook entries, in the order the API server calls them. */
  readonly entries: readonly InjectorEntry[];
  /** `cluster`: read from the cluster. `chart`: assumed from the chart (RBAC, or YAML files) → confidence `assumed`. */
  readonly source: 'cluster' | 'chart';
  /** By revision; a revision not listed gets `unlistedInjector`, else the chart's defaults. */
  readonly injectors?: Readonly<Record<string, InjectorConfig>>;
  /** For revisions not in `injectors`, e.g. `{ unreadable }` when RBAC keeps the ConfigMaps from us. */
  readonly unlistedInjector?: InjectorConfig;
}

export interface NamespaceInput {
  readonly name: string;
  /** The engine adds `kubernetes.io/metadata.name`, as the API server does. */
  readonly labels?: Labels;
}

/** A pod, or the pod template of a workload (its metadata and `spec.hostNetwork`). */
export interface PodInput {
  readonly labels?: Labels;
  readonly annotations?: Labels;
  readonly hostNetwork?: boolean;
}

export type ReasonCode =
  // injected: which entry called istiod
  | 'namespaceLabel' // istio-injection=enabled
  | 'namespaceRevision' // namespace istio.io/rev
  | 'podRevision' // pod istio.io/rev in an unlabelled namespace
  | 'podOptIn' // pod sidecar.istio.io/inject="true" in an unlabelled namespace
  | 'allNamespaces' // enableNamespacesByDefault
  | 'otherWebhook' // an entry whose selectors are not the chart's
  | 'alwaysSelector' // policy disabled, but an alwaysInjectSelector matched
  // not injected: no entry matched
  | 'noInjector'
  | 'noLabels'
  | 'namespaceDisabled'
  | 'namespaceRevisionUnknown'
  | 'podRevisionUnknown'
  | 'noDefaultInjector'
  | 'webhookDeactivated'
  | 'optOutLabel'
  | 'annotationCannotOptIn'
  // not injected: istiod said no
  | 'hostNetwork'
  | 'ignoredNamespace'
  | 'optOutAnnotation'
  | 'neverSelector'
  | 'policyDisabled'
  | 'policyInvalid';

export type WarningCode =
  /** The pod's sidecar.istio.io/inject is neither "true" nor "false": istiod falls back to its default. */
  | 'invalidInjectValue'
  /** The pod names a revision, but the namespace's label chose the injector. */
  | 'podRevisionShadowed'
  /** The namespace is ambient, yet its pods get a sidecar (and then are not captured by ztunnel). */
  | 'ambientConflict'
  /** IST0123 NamespaceMultipleInjectionLabels. */
  | 'multipleInjectionLabels'
  /** More than one injector entry matched (IST0139 territory): the pod is injected more than once. */
  | 'multipleWebhooks';

/** The `istioctl analyze` code a warning is, where it is one (`istio.analysis.ignoredCodes` hides it). */
export const WARNING_IST_CODES: Readonly<Partial<Record<WarningCode, string>>> = { multipleInjectionLabels: 'IST0123', multipleWebhooks: 'IST0139' };

export interface Evidence {
  readonly step: 'webhook' | 'istiod';
  /** `configuration/entry`, or the istiod check. */
  readonly subject: string;
  readonly result: boolean;
  readonly detail: string;
}

export interface InjectionDecision {
  readonly injected: boolean;
  /** The istiod revision that injects (tags resolved): what the pod's `sidecar.istio.io/status` will say. */
  readonly revision?: string;
  /** The value that selected the injector: the `istio.io/rev` value (maybe a tag) or `default`. */
  readonly requested?: string;
  /** The entry the API server calls, even when istiod then says no. */
  readonly webhook?: { readonly configuration: string; readonly name: string };
  /** Whether istio-proxy becomes a native sidecar (an init container); `unknown` when istiod decides by the nodes. */
  readonly native?: boolean | 'unknown';
  readonly reason: { readonly code: ReasonCode; readonly sentence: string };
  readonly evidence: readonly Evidence[];
  readonly warnings: readonly WarningCode[];
  /** `ambient` when not injected and istio-cni's default enablement selectors capture the pod. */
  readonly dataplane: 'sidecar' | 'ambient' | 'none';
  /** Whether the webhooks are the cluster's own (`exact`) or the chart's (`assumed`). */
  readonly confidence: 'exact' | 'assumed';
  /** Set when istiod's policy and selectors decided but were unknown (see `InjectorConfig.unreadable`): why. */
  readonly policyUnknown?: string;
}

const has = (labels: Labels, key: string) => Object.prototype.hasOwnProperty.call(labels, key);
const q = (value: string) => JSON.stringify(value);

/** The decision for a pod (or pod template) created now in this namespace. */
export function decideInjection(ns: NamespaceInput, pod: PodInput, mesh: MeshFacts): InjectionDecision {
  const nsLabels: Labels = { ...ns.labels, [NamespaceNameLabel]: ns.name };
  const podLabels = pod.labels ?? {};
  const active = mesh.entries.filter((e) => !e.deactivated);
  const evidence: Evidence[] = [];

  // Stage 1: the API server calls every entry whose two selectors match (mutating_webhook_manager.go orders them).
  const matched: InjectorEntry[] = [];
  for (const e of active) {
    if (!webhookSelectorMatches(e.namespaceSelector, nsLabels)) continue;
    const objectMatch = webhookSelectorMatches(e.objectSelector, podLabels);
    evidence.push({ step: 'webhook', subject: `${e.configuration}/${e.name}`, result: objectMatch, detail: objectMatch ? 'namespaceSelector and objectSelector match' : 'namespaceSelector matches, objectSelector does not' });
    if (objectMatch) matched.push(e);
  }
  const base = { evidence, confidence: mesh.source === 'cluster' ? 'exact' as const : 'assumed' as const };
  const warnings = new Set<WarningCode>();
  if (multipleInjectionLabels(ns).length > 1) warnings.add('multipleInjectionLabels');

  if (matched.length === 0) {
    const reason = noMatchReason(nsLabels, pod, mesh.entries, active);
    return finish({ ...base, injected: false, reason, warnings }, ns, pod);
  }

  // Stage 2: each called istiod runs injectRequired. Each one re-renders a pod already injected, so with more
  // than one (a misconfiguration Istio reports as IST0139) the last to inject leaves its revision.
  const configOf = (revision: string) => mesh.injectors?.[revision] ?? mesh.unlistedInjector ?? {};
  const verdicts = matched.map((e) => ({ entry: e, verdict: injectRequired(ns.name, pod, configOf(e.revision)) }));
  if (matched.length > 1) warnings.add('multipleWebhooks');
  for (const v of verdicts) evidence.push({ step: 'istiod', subject: `istiod ${v.entry.revision}`, result: v.verdict.inject, detail: v.verdict.detail });
  const injecting = verdicts.filter((v) => v.verdict.inject);
  const chosen = injecting.length ? injecting[injecting.length - 1] : verdicts[0];
  const { entry } = chosen;
  const selected = selectedBy(entry, nsLabels, podLabels);
  const webhook = { configuration: entry.configuration, name: entry.name };
  const policyUnknown = chosen.verdict.reachedPolicy ? configOf(entry.revision).unreadable : undefined;
  const unknown = policyUnknown ? { policyUnknown } : {};
  if (!chosen.verdict.inject) {
    return finish({ ...base, ...unknown, injected: false, webhook, requested: selected.requested, reason: chosen.verdict.reason!, warnings }, ns, pod);
  }
  const podRevision = podLabels[RevisionLabel];
  if (podRevision !== undefined && selected.code !== 'podRevision' && podRevision !== selected.requested) warnings.add('podRevisionShadowed');
  const code = chosen.verdict.byAlwaysSelector ? 'alwaysSelector' : selected.code;
  const via = entry.tag && entry.tag !== entry.revision ? ` (tag ${q(entry.tag)})` : '';
  return finish({
    ...base, ...unknown, injected: true, revision: entry.revision, requested: selected.requested, webhook, warnings,
    native: nativeSidecar(pod, configOf(entry.revision)),
    reason: { code, sentence: `${injectedSentence(code, selected.requested, nsLabels, podLabels)} Injected by revision ${q(entry.revision)}${via}.` },
  }, ns, pod);
}

type Draft = Omit<InjectionDecision, 'dataplane' | 'warnings'> & { readonly warnings: Set<WarningCode> };

function finish(d: Draft, ns: NamespaceInput, pod: PodInput): InjectionDecision {
  const value = effectiveInjectValue(pod);
  if (value !== undefined && value !== '' && value !== 'true' && value !== 'false') d.warnings.add('invalidInjectValue');
  const dataplane = d.injected ? 'sidecar' : ambientCaptured(ns, pod) ? 'ambient' : 'none';
  if (d.injected && ns.labels?.[DataplaneModeLabel] === DataplaneModeAmbient) d.warnings.add('ambientConflict');
  return { ...d, warnings: [...d.warnings], dataplane };
}

/** Which label made the entry match, read from the entry's own selectors. */
function selectedBy(e: InjectorEntry, nsLabels: Labels, podLabels: Labels): { code: ReasonCode; requested?: string } {
  const inOn = (s: LabelSelector | undefined, key: string) => s?.matchExpressions?.some((x) => x.key === key && x.operator === 'In') || s?.matchLabels?.[key] !== undefined;
  if (inOn(e.namespaceSelector, InjectionLabel)) return { code: 'namespaceLabel', requested: DefaultRevision };
  if (inOn(e.namespaceSelector, RevisionLabel)) return { code: 'namespaceRevision', requested: nsLabels[RevisionLabel] };
  if (inOn(e.objectSelector, RevisionLabel)) return { code: 'podRevision', requested: podLabels[RevisionLabel] };
  if (inOn(e.objectSelector, SidecarInjectLabel)) return { code: 'podOptIn', requested: DefaultRevision };
  if (e.name.startsWith('auto.')) return { code: 'allNamespaces', requested: DefaultRevision };
  return { code: 'otherWebhook' };
}

function injectedSentence(code: ReasonCode, requested: string | undefined, nsLabels: Labels, podLabels: Labels): string {
  switch (code) {
    case 'namespaceLabel': return `The namespace has ${InjectionLabel}=${InjectionEnabled}.`;
    case 'namespaceRevision': return `The namespace has ${RevisionLabel}=${nsLabels[RevisionLabel]}.`;
    case 'podRevision': return `The pod has ${RevisionLabel}=${podLabels[RevisionLabel]} and its namespace has no injection label.`;
    case 'podOptIn': return `The pod has ${SidecarInjectLabel}="true" and its namespace has no injection label.`;
    case 'allNamespaces': return 'The injector is enabled in every namespace (enableNamespacesByDefault).';
    case 'alwaysSelector': return `The injector's policy is disabled, but the pod matches its alwaysInjectSelector.`;
    default: return `A webhook${requested ? ` for ${q(requested)}` : ''} selects the pod.`;
  }
}

/** The pod's own value: the label when its key is present (even empty), else the deprecated annotation (inject.go:222-227). */
function effectiveInjectValue(pod: PodInput): string | undefined {
  const labels = pod.labels ?? {};
  return has(labels, SidecarInjectLabel) ? labels[SidecarInjectLabel] : pod.annotations?.[SidecarInjectAnnotation];
}

/**
 * Whether the pod itself asks for a sidecar, read as Istio reads it: its own value is exactly "true" (the label when
 * its key is present, else the deprecated annotation: inject.go:222-239), or its `istio.io/rev` label names an
 * injector (the `rev.object` webhook entries). Namespace labels are not the pod's asking.
 */
export function podAsksForSidecar(pod: PodInput): boolean {
  return effectiveInjectValue(pod) === 'true' || Boolean(pod.labels?.[RevisionLabel]);
}

interface Verdict {
  readonly inject: boolean;
  /** The config's selectors or policy took part: the pod's own value did not settle it first. */
  readonly reachedPolicy?: boolean;
  readonly byAlwaysSelector?: boolean;
  readonly reason?: { readonly code: ReasonCode; readonly sentence: string };
  readonly detail: string;
}

const no = (code: ReasonCode, sentence: string, detail: string): Verdict => ({ inject: false, reason: { code, sentence }, detail });

/** istiod's `injectRequired` (pkg/kube/inject/inject.go:201-315), in its order. */
function injectRequired(namespace: string, pod: PodInput, config: InjectorConfig): Verdict {
  if (pod.hostNetwork) return no('hostNetwork', 'The pod uses hostNetwork, which istiod never injects.', 'hostNetwork: true');
  if (IgnoredNamespaces.has(namespace)) return no('ignoredNamespace', `istiod never injects pods in ${namespace}.`, `${namespace} is one of istiod's ignored namespaces`);
  const labels = pod.labels ?? {};
  const fromLabel = has(labels, SidecarInjectLabel);
  const value = effectiveInjectValue(pod) ?? '';
  const useDefault = value !== 'true' && value !== 'false'; // "" and any other value (logged as invalid) fall back to the policy
  const inject = value === 'true';
  if (value === 'false') {
    return fromLabel
      ? no('optOutLabel', `The pod has the label ${SidecarInjectLabel}="false".`, 'label "false"')
      : no('optOutAnnotation', `The pod has the annotation ${SidecarInjectAnnotation}="false" (deprecated: use the label).`, 'annotation "false"');
  }
  // From here on istiod's config decides; an unreadable one is assumed to be the chart's (policy enabled, no selectors).
  const verdict = configVerdict(labels, value, useDefault, inject, config.unreadable ? {} : config);
  const unknown = config.unreadable ? `; policy unknown, assumed enabled (${config.unreadable})` : '';
  return { ...verdict, reachedPolicy: true, detail: `${verdict.detail}${unknown}` };
}

/** The rest of `injectRequired`: never/always selectors, then the policy. */
function configVerdict(labels: Labels, value: string, ownDefault: boolean, ownInject: boolean, config: InjectorConfig): Verdict {
  let useDefault = ownDefault;
  let inject = ownInject;
  let byAlwaysSelector = false;
  if (useDefault) {
    // An empty selector never matches here (`!selector.Empty()`), unlike in webhooks.
    const matches = (s: LabelSelector) => ((s.matchLabels && Object.keys(s.matchLabels).length) || s.matchExpressions?.length) ? selectorMatches(s, labels) : false;
    if ((config.neverInjectSelector ?? []).some(matches)) {
      return no('neverSelector', "The pod's labels match the injector's neverInjectSelector.", 'neverInjectSelector matches');
    }
    if ((config.alwaysInjectSelector ?? []).some(matches)) {
      inject = true;
      useDefault = false;
      byAlwaysSelector = true;
    }
  }
  const policy = config.policy ?? InjectionEnabled;
  if (policy === InjectionEnabled) return { inject: useDefault || inject, detail: `policy enabled, value ${q(value)}` };
  if (policy === 'disabled') {
    if (!useDefault && inject) return { inject: true, byAlwaysSelector: byAlwaysSelector && value !== 'true', detail: `policy disabled, value ${q(value)}` };
    return no('policyDisabled', `The injector's policy is disabled: only pods with ${SidecarInjectLabel}="true" get a sidecar.`, 'policy disabled');
  }
  return no('policyInvalid', `The injector's policy ${q(policy)} is not enabled or disabled: istiod injects nothing.`, `policy ${q(policy)}`);
}

/** Native sidecar: the annotation when set, else istiod's mode (injection-template.yaml `$nativeSidecar`, webhook.go:1260-1267). */
function nativeSidecar(pod: PodInput, config: InjectorConfig | undefined): boolean | 'unknown' {
  const annotation = pod.annotations?.[NativeSidecarAnnotation];
  if (annotation) return annotation !== 'false';
  const mode = config?.nativeSidecars ?? 'auto';
  return mode === 'true' ? true : mode === 'auto' ? 'unknown' : false;
}

/**
 * istio-cni's default enablement selectors (manifests/charts/istio-cni/values.yaml, cni/pkg/util/enablement_selector.go):
 * pod label dataplane-mode=ambient, or namespace ambient and the pod not `none`; never hostNetwork pods.
 */
function ambientCaptured(ns: NamespaceInput, pod: PodInput): boolean {
  if (pod.hostNetwork) return false;
  const podMode = pod.labels?.[DataplaneModeLabel];
  return podMode === DataplaneModeAmbient || (ns.labels?.[DataplaneModeLabel] === DataplaneModeAmbient && podMode !== DataplaneModeNone);
}

/** Why no entry matched, read from the labels and the entries. */
function noMatchReason(nsLabels: Labels, pod: PodInput, all: readonly InjectorEntry[], active: readonly InjectorEntry[]): { code: ReasonCode; sentence: string } {
  const podLabels = pod.labels ?? {};
  const nsInjection = nsLabels[InjectionLabel];
  const nsRevision = nsLabels[RevisionLabel];
  const podRevision = podLabels[RevisionLabel];
  const podInject = podLabels[SidecarInjectLabel];
  const matchesWith = (labels: Labels) => active.some((e) => webhookSelectorMatches(e.namespaceSelector, nsLabels) && webhookSelectorMatches(e.objectSelector, labels));
  const deactivated = (revision: string) => all.some((e) => e.deactivated && e.revision === revision);
  const unserved = (value: string, code: ReasonCode, sentence: string) => deactivated(value)
    ? { code: 'webhookDeactivated' as const, sentence: `The injector webhook of revision ${q(value)} is deactivated (istioctl tag set default moved ${q(DefaultRevision)} to a tag webhook), and no other webhook serves it.` }
    : { code, sentence };

  if (nsInjection !== undefined && nsInjection !== InjectionEnabled) {
    return { code: 'namespaceDisabled', sentence: `The namespace has ${InjectionLabel}=${q(nsInjection)}: every value but "enabled" turns injection off, for every revision and every pod opt-in.` };
  }
  const asks = nsInjection !== undefined || nsRevision !== undefined || podRevision !== undefined || podInject === 'true';
  if (active.length === 0 && !(asks && all.length > 0)) {
    return { code: 'noInjector', sentence: 'No Istio sidecar-injector webhook is installed.' };
  }
  if (podInject === 'false') {
    const withoutOptOut = Object.fromEntries(Object.entries(podLabels).filter(([k]) => k !== SidecarInjectLabel));
    if (matchesWith(withoutOptOut)) return { code: 'optOutLabel', sentence: `The pod has the label ${SidecarInjectLabel}="false".` };
  }
  if (nsInjection === InjectionEnabled) {
    return unserved(DefaultRevision, 'noDefaultInjector', `No injector webhook serves ${InjectionLabel}=${InjectionEnabled} (no default revision and no "default" tag).`);
  }
  if (nsRevision !== undefined) {
    return unserved(nsRevision, 'namespaceRevisionUnknown', `The namespace has ${RevisionLabel}=${q(nsRevision)}, which no injector webhook serves (see istioctl tag list): its pods get no sidecar, whatever their own labels say.`);
  }
  if (podRevision !== undefined) {
    return unserved(podRevision, 'podRevisionUnknown', `The pod has ${RevisionLabel}=${q(podRevision)}, which no injector webhook serves.`);
  }
  if (podInject === 'true') {
    return unserved(DefaultRevision, 'noDefaultInjector', `The pod has ${SidecarInjectLabel}="true", but no injector webhook serves pod opt-in (no default revision and no "default" tag).`);
  }
  if (!has(podLabels, SidecarInjectLabel) && pod.annotations?.[SidecarInjectAnnotation] === 'true' && matchesWith({ ...podLabels, [SidecarInjectLabel]: 'true' })) {
    return { code: 'annotationCannotOptIn', sentence: `The pod asks with the annotation ${SidecarInjectAnnotation}="true", which webhooks never see: use the label.` };
  }
  return { code: 'noLabels', sentence: `Neither the namespace (${InjectionLabel}, ${RevisionLabel}) nor the pod (${SidecarInjectLabel}="true", ${RevisionLabel}) asks for a sidecar.` };
}

/**
 * The labels IST0123 NamespaceMultipleInjectionLabels lists, as `key=value`, exactly as Istio's analyzer collects
 * them (pkg/config/analysis/analyzers/injection/injection.go:66-88): `istio-injection` when present; `istio.io/rev`
 * and `istio.io/dataplane-mode` only when istio-injection is absent or `enabled`. More than one is the finding.
 * The analyzer skips the namespace named `istio-system`.
 */
export function multipleInjectionLabels(ns: NamespaceInput): string[] {
  if (ns.name === IstioSystemNamespace) return [];
  const labels = ns.labels ?? {};
  const out: string[] = [];
  const injection = labels[InjectionLabel];
  if (has(labels, InjectionLabel)) out.push(`${InjectionLabel}=${injection}`);
  for (const key of [RevisionLabel, DataplaneModeLabel]) {
    if (has(labels, key) && (injection === undefined || injection === InjectionEnabled)) out.push(`${key}=${labels[key]}`);
  }
  return out;
}

/** How the tree and the menus show a namespace. */
export type NamespaceState =
  /** New pods without labels of their own get a sidecar. */
  | 'on'
  /** `istio-injection` other than `enabled`: nothing is injected. */
  | 'off'
  /** No injection label: only pods that opt in get a sidecar. */
  | 'none'
  /** The namespace asks for injection (istio-injection=enabled or istio.io/rev) but no webhook serves it. */
  | 'unserved'
  /** IST0123: more than one of istio-injection, istio.io/rev, istio.io/dataplane-mode. */
  | 'conflict'
  /** Ambient: pods are captured by ztunnel, no sidecar. */
  | 'ambient'
  /** One of istiod's ignored namespaces: never injected. */
  | 'system';

export interface NamespaceInjection {
  readonly state: NamespaceState;
  /** A pod without injection labels of its own. */
  readonly plain: InjectionDecision;
  /** A pod with `sidecar.istio.io/inject: "true"`. */
  readonly optIn: InjectionDecision;
  /** IST0123. */
  readonly conflict: boolean;
  /** One sentence for tooltips. */
  readonly reason: string;
}

export function namespaceInjection(ns: NamespaceInput, mesh: MeshFacts): NamespaceInjection {
  const plain = decideInjection(ns, {}, mesh);
  const optIn = decideInjection(ns, { labels: { [SidecarInjectLabel]: 'true' } }, mesh);
  const labels = multipleInjectionLabels(ns);
  const conflict = labels.length > 1;
  const asks = ns.labels?.[InjectionLabel] === InjectionEnabled || ns.labels?.[RevisionLabel] !== undefined;
  const state: NamespaceState = IgnoredNamespaces.has(ns.name) ? 'system'
    : conflict ? 'conflict'
      : plain.webhook ? 'on'
        : plain.reason.code === 'namespaceDisabled' ? 'off'
          : asks ? 'unserved'
            : plain.dataplane === 'ambient' ? 'ambient'
              : 'none';
  const conflictText = conflict ? ` Several injection labels (${labels.join(', ')}) are set (IST0123).` : '';
  const ambientText = state === 'ambient' ? ' Pods are in the ambient mesh (ztunnel): no sidecar, no restart needed.' : '';
  const optInText = !plain.injected && optIn.injected ? ` Pods with ${SidecarInjectLabel}="true" get one.` : '';
  const reason = `${plain.injected ? 'New pods get a sidecar' : 'New pods get no sidecar'}: ${plain.reason.sentence}${optInText}${ambientText}${conflictText}`;
  return { state, plain, optIn, conflict, reason };
}

/**
 * With assumed (chart) webhooks, also assume that the revisions these label values name are installed, as a user who
 * may not read the webhooks would: their namespace's `istio.io/rev` is served. Real webhooks are returned unchanged.
 */
export function assumeNamedRevisions(mesh: MeshFacts, values: readonly (string | undefined)[]): MeshFacts {
  if (mesh.source !== 'chart') return mesh;
  const served = new Set(mesh.entries.flatMap((e) => [e.revision, ...(e.tag ? [e.tag] : [])]));
  const missing = [...new Set(values.filter((v): v is string => v !== undefined && v !== '' && !served.has(v)))];
  if (missing.length === 0) return mesh;
  const entries = [...mesh.entries, ...chartEntries(missing)].sort((a, b) => (a.configuration < b.configuration ? -1 : a.configuration > b.configuration ? 1 : 0));
  return { ...mesh, entries };
}

/** What the YAML checks know: manifests, and the cluster's revisions and tags when connected. */
export interface ManifestFacts {
  /** Revisions and tags of the connected cluster; undefined when unknown (then every value a label names is assumed served). */
  readonly revisions?: readonly string[];
  readonly tags?: readonly { readonly name: string; readonly revision: string }[];
  readonly enableNamespacesByDefault?: boolean;
}

/** Chart-shaped facts for manifests: the default revision plus the known (or, when unknown, the named) revisions and tags. */
export function manifestMeshFacts(facts: ManifestFacts, named: readonly (string | undefined)[] = []): MeshFacts {
  const tags = facts.tags ?? [];
  const revisions = facts.revisions
    ? facts.revisions.filter((r) => !tags.some((t) => t.name === r))
    : [DefaultRevision, ...named.filter((v): v is string => v !== undefined && v !== '')];
  const key = JSON.stringify([revisions, tags, facts.enableNamespacesByDefault]);
  let mesh = CHART_FACTS.get(key);
  if (!mesh) {
    if (CHART_FACTS.size >= 64) CHART_FACTS.clear();
    mesh = { entries: chartEntries(revisions.length ? revisions : [], tags, { enableNamespacesByDefault: facts.enableNamespacesByDefault }), source: 'chart' };
    CHART_FACTS.set(key, mesh);
  }
  return mesh;
}

/**
 * The chart's entries, by the revisions, tags and option they are made for: a file of a thousand workloads names a
 * handful of revisions, and building the entries for each pod decided was a sixth of `lint`'s time on such a file.
 * (Decisions never change the facts they are given.)
 */
const CHART_FACTS = new Map<string, MeshFacts>();

/**
 * The decision for a pod or pod template in YAML, against Istio's chart webhooks for the known revisions and tags
 * (or, without a cluster, for the default revision and whatever revision the labels name).
 */
export function decideFromManifests(ns: NamespaceInput, pod: PodInput, facts: ManifestFacts = {}): InjectionDecision {
  return decideInjection(ns, pod, manifestMeshFacts(facts, [ns.labels?.[RevisionLabel], pod.labels?.[RevisionLabel]]));
}

/**
 * Istio's sidecar-injector webhook entries: read from the cluster's MutatingWebhookConfigurations, or rendered as
 * istiod's chart renders them when they cannot be read (RBAC) or there is no cluster (YAML files).
 */
import type { LabelSelector, MutatingWebhookConfiguration } from '../cluster/types';
import {
  DeactivatedLabel,
  DeactivatedValue,
  DefaultRevision,
  InjectionEnabled,
  InjectionLabel,
  InjectorWebhookSuffix,
  IgnoredNamespaces,
  NamespaceNameLabel,
  RevisionLabel,
  SidecarInjectLabel,
  TagLabel,
  injectorWebhookName,
  revisionTagWebhookName,
} from './names';
import { webhookSelectorMatches } from './selector';

/** One webhook entry that can inject a sidecar (its name ends in `sidecar-injector.istio.io`). */
export interface InjectorEntry {
  /** The MutatingWebhookConfiguration; the API server calls configurations sorted by name, entries in order. */
  readonly configuration: string;
  /** The entry, e.g. `rev.namespace.sidecar-injector.istio.io`. */
  readonly name: string;
  /** Absent: every namespace (admissionregistration/v1). */
  readonly namespaceSelector?: LabelSelector;
  /** Absent: every object. */
  readonly objectSelector?: LabelSelector;
  /** The istiod revision that answers: the configuration's `istio.io/rev` label (`default` when absent). */
  readonly revision: string;
  /** The configuration's `istio.io/tag` label: a revision tag's webhook. */
  readonly tag?: string;
  /** Switched off by `istioctl tag set default` (both selectors never match; istioctl/pkg/tag/util.go). */
  readonly deactivated: boolean;
}

function isNeverMatch(selector: LabelSelector | undefined): boolean {
  return selector?.matchLabels?.[DeactivatedLabel] === DeactivatedValue;
}

/** The injector entries of the cluster's configurations, in the order the API server calls them. */
export function injectorEntries(configurations: Iterable<MutatingWebhookConfiguration>): InjectorEntry[] {
  const sorted = [...configurations].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  return sorted.flatMap((c) => {
    const labels = c.metadata.labels ?? {};
    return (c.webhooks ?? [])
      .filter((w) => w.name.endsWith(InjectorWebhookSuffix))
      .map((w): InjectorEntry => ({
        configuration: c.metadata.name,
        name: w.name,
        namespaceSelector: w.namespaceSelector,
        objectSelector: w.objectSelector,
        revision: labels[RevisionLabel] || DefaultRevision,
        ...(labels[TagLabel] ? { tag: labels[TagLabel] } : {}),
        deactivated: isNeverMatch(w.namespaceSelector) && isNeverMatch(w.objectSelector),
      }));
  });
}

const notFalse = { key: SidecarInjectLabel, operator: 'NotIn', values: ['false'] };
const absent = (key: string) => ({ key, operator: 'DoesNotExist' });
const oneOf = (key: string, value: string) => ({ key, operator: 'In', values: [value] });

/**
 * The entries of one configuration as the chart renders them for `value` (a revision, or a tag's name) answered by
 * `revision`. istio-discovery templates/mutatingwebhook.yaml (revision) and templates/revision-tags-mwc.yaml (tag):
 * `rev.namespace` and `rev.object` for every revision and tag; the default revision, and the `default` tag, also
 * carry `namespace` (istio-injection=enabled), `object` (pod opt-in) and, with enableNamespacesByDefault, `auto`.
 */
function renderedEntries(configuration: string, value: string, revision: string, tag: string | undefined, allNamespaces: boolean): InjectorEntry[] {
  const entry = (name: string, namespaceSelector: LabelSelector, objectSelector: LabelSelector): InjectorEntry =>
    ({ configuration, name: `${name}${InjectorWebhookSuffix}`, namespaceSelector, objectSelector, revision, ...(tag ? { tag } : {}), deactivated: false });
  const entries = [
    entry('rev.namespace.', { matchExpressions: [oneOf(RevisionLabel, value), absent(InjectionLabel)] }, { matchExpressions: [notFalse] }),
    entry('rev.object.', { matchExpressions: [absent(RevisionLabel), absent(InjectionLabel)] }, { matchExpressions: [notFalse, oneOf(RevisionLabel, value)] }),
  ];
  if (value !== DefaultRevision) return entries;
  entries.push(
    entry('namespace.', { matchExpressions: [oneOf(InjectionLabel, InjectionEnabled)] }, { matchExpressions: [notFalse] }),
    entry('object.', { matchExpressions: [absent(InjectionLabel), absent(RevisionLabel)] }, { matchExpressions: [oneOf(SidecarInjectLabel, 'true'), absent(RevisionLabel)] }),
  );
  if (allNamespaces) {
    entries.push(entry('auto.',
      { matchExpressions: [absent(InjectionLabel), absent(RevisionLabel), { key: NamespaceNameLabel, operator: 'NotIn', values: [...IgnoredNamespaces] }] },
      { matchExpressions: [absent(SidecarInjectLabel), absent(RevisionLabel)] }));
  }
  return entries;
}

export interface ChartOptions {
  /** `sidecarInjectorWebhook.enableNamespacesByDefault` (default false): the `auto.` entry. */
  readonly enableNamespacesByDefault?: boolean;
}

/**
 * The entries istiod's chart installs for these revisions and tags, for when the real ones cannot be read. The
 * default revision is assumed as the chart renders it (`istio-sidecar-injector`, not deactivated); a `default` tag,
 * when given, takes over `istio-injection=enabled` as `istioctl tag set default` does.
 */
export function chartEntries(revisions: readonly string[], tags: readonly { name: string; revision: string }[] = [], options: ChartOptions = {}): InjectorEntry[] {
  const all = options.enableNamespacesByDefault === true;
  const defaultTag = tags.some((t) => t.name === DefaultRevision);
  const entries = [
    ...[...new Set(revisions.map((r) => r || DefaultRevision))]
      .filter((r) => !(r === DefaultRevision && defaultTag))
      .flatMap((r) => renderedEntries(injectorWebhookName(r), r, r, undefined, all)),
    ...tags.flatMap((t) => renderedEntries(revisionTagWebhookName(t.name), t.name, t.revision || DefaultRevision, t.name, all)),
  ];
  return entries.sort((a, b) => (a.configuration < b.configuration ? -1 : a.configuration > b.configuration ? 1 : 0));
}

/** What "Enable Sidecar Injection…" can offer, read from the active entries' own selectors, not from names. */
export interface InjectionOffer {
  /** Some entry serves `istio-injection=enabled` (a default revision or the `default` tag exists). */
  readonly defaultInjector: boolean;
  /** Values of `istio.io/rev` some entry serves on a namespace: revisions and tags. Sorted. */
  readonly revisions: readonly string[];
}

export function injectionOffer(entries: readonly InjectorEntry[]): InjectionOffer {
  const active = entries.filter((e) => !e.deactivated);
  const defaultInjector = active.some((e) =>
    e.namespaceSelector !== undefined && webhookSelectorMatches(e.namespaceSelector, { [InjectionLabel]: InjectionEnabled }));
  const revisions = new Set<string>();
  for (const e of active) {
    for (const x of e.namespaceSelector?.matchExpressions ?? []) {
      if (x.key === RevisionLabel && x.operator === 'In') for (const v of x.values ?? []) revisions.add(v);
    }
  }
  return { defaultInjector, revisions: [...revisions].sort() };
}

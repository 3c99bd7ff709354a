import type { LabelSelector, MutatingWebhookConfiguration } from '../cluster/types';
import { INJECTION_LABEL, type Labels, POD_INJECT_LABEL, REVISION_LABEL } from './labels';
import { injectorWebhookName } from '../mesh/labels';
import { webhookSelectorMatches } from './selector';

/** One of istiod's sidecar-injector webhooks, reduced to what decides which pods it injects. */
export interface InjectorWebhook {
  /** The MutatingWebhookConfiguration, e.g. `istio-sidecar-injector-canary` or `istio-revision-tag-default`. */
  readonly configuration: string;
  readonly name: string;
  readonly namespaceSelector?: LabelSelector;
  readonly objectSelector?: LabelSelector;
}

/** Istio names its injector webhooks `*.sidecar-injector.istio.io` (revision and tag webhooks alike). */
const INJECTOR_SUFFIX = 'sidecar-injector.istio.io';

export function injectorWebhooks(configurations: readonly MutatingWebhookConfiguration[]): InjectorWebhook[] {
  return configurations.flatMap((c) =>
    (c.webhooks ?? [])
      .filter((w) => w.name.endsWith(INJECTOR_SUFFIX))
      .map((w) => ({
        configuration: c.metadata.name,
        name: w.name,
        namespaceSelector: w.namespaceSelector,
        objectSelector: w.objectSelector,
      })),
  );
}

/**
 * The injector webhooks istiod's chart renders for `revision` (istio-discovery's mutatingwebhook.yaml): each revision
 * serves `istio.io/rev=<revision>` on the namespace or the pod; the default revision also `istio-injection=enabled`
 * and the pod opt-in `sidecar.istio.io/inject=true`. Assumed when RBAC keeps the real ones from us.
 */
export function chartInjectorWebhooks(revision = 'default'): InjectorWebhook[] {
  const configuration = injectorWebhookName(revision);
  const optOut = { key: POD_INJECT_LABEL, operator: 'NotIn', values: ['false'] };
  const hooks: InjectorWebhook[] = [
    {
      configuration,
      name: 'rev.namespace.sidecar-injector.istio.io',
      namespaceSelector: { matchExpressions: [{ key: REVISION_LABEL, operator: 'In', values: [revision] }, { key: INJECTION_LABEL, operator: 'DoesNotExist' }] },
      objectSelector: { matchExpressions: [optOut] },
    },
    {
      configuration,
      name: 'rev.object.sidecar-injector.istio.io',
      namespaceSelector: { matchExpressions: [{ key: REVISION_LABEL, operator: 'DoesNotExist' }, { key: INJECTION_LABEL, operator: 'DoesNotExist' }] },
      objectSelector: { matchExpressions: [optOut, { key: REVISION_LABEL, operator: 'In', values: [revision] }] },
    },
  ];
  if (revision !== 'default') return hooks;
  return [
    ...hooks,
    {
      configuration,
      name: 'namespace.sidecar-injector.istio.io',
      namespaceSelector: { matchExpressions: [{ key: INJECTION_LABEL, operator: 'In', values: ['enabled'] }] },
      objectSelector: { matchExpressions: [optOut] },
    },
    {
      configuration,
      name: 'object.sidecar-injector.istio.io',
      namespaceSelector: { matchExpressions: [{ key: INJECTION_LABEL, operator: 'DoesNotExist' }, { key: REVISION_LABEL, operator: 'DoesNotExist' }] },
      objectSelector: { matchExpressions: [{ key: POD_INJECT_LABEL, operator: 'In', values: ['true'] }, { key: REVISION_LABEL, operator: 'DoesNotExist' }] },
    },
  ];
}

/** Whether some injector webhook would be called for a pod with these labels in a namespace with those. */
export function injectorFor(
  webhooks: readonly InjectorWebhook[],
  namespaceLabels: Labels,
  podLabels: Labels,
): InjectorWebhook | undefined {
  return webhooks.find(
    (w) => webhookSelectorMatches(w.namespaceSelector, namespaceLabels) && webhookSelectorMatches(w.objectSelector, podLabels),
  );
}

/** What "Enable Sidecar Injection…" can offer: read from the webhooks' own selectors, not from names. */
export interface InjectionOffer {
  /** Some webhook serves `istio-injection=enabled` (a default revision or the `default` tag exists). */
  readonly defaultInjector: boolean;
  /** Values of `istio.io/rev` some webhook serves: revisions and tags. Sorted. */
  readonly revisions: readonly string[];
}

export function injectionOffer(webhooks: readonly InjectorWebhook[]): InjectionOffer {
  const defaultInjector = webhooks.some((w) =>
    w.namespaceSelector !== undefined && webhookSelectorMatches(w.namespaceSelector, { [INJECTION_LABEL]: 'enabled' }),
  );
  const revisions = new Set<string>();
  for (const w of webhooks) {
    for (const e of w.namespaceSelector?.matchExpressions ?? []) {
      if (e.key === REVISION_LABEL && e.operator === 'In') for (const v of e.values ?? []) revisions.add(v);
    }
  }
  return { defaultInjector, revisions: [...revisions].sort() };
}

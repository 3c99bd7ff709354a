import type { LabelSelector, MutatingWebhookConfiguration } from '../cluster/types';
import { INJECTION_LABEL, type Labels, REVISION_LABEL } from './labels';
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

import type { Pod } from '../cluster/types';
import { DataplaneModeLabel, IgnoredNamespaces, InjectionLabel, RevisionLabel, SidecarInjectLabel, truthyInjectValue } from './labels';

/**
 * Injection state of a namespace, as the menus' context values spell it:
 * `on` injection enabled (istio-injection=enabled, or istio.io/rev), `off` explicitly disabled (or an
 * istio-injection value other than `enabled`), `none` no label, `conflict` both labels (istio-injection wins),
 * `ambient` istio.io/dataplane-mode=ambient, `system` a namespace Istio never injects.
 */
export type InjectionState = 'on' | 'off' | 'none' | 'conflict' | 'ambient' | 'system';

export interface NamespaceInjection {
  state: InjectionState;
  /** Whether new pods get a sidecar (for `conflict`, what istio-injection decides). */
  injects: boolean;
  /** The revision (or tag) whose injector serves the namespace; `default` for istio-injection=enabled. */
  revision?: string;
  /** Why, in a sentence, for tooltips. */
  reason: string;
}

/** Computes a namespace's injection state with the injector's rules (see shared notes on Istio facts). */
export function namespaceInjection(name: string, labels: Record<string, string> | undefined, controlPlaneNamespaces: ReadonlySet<string> = new Set()): NamespaceInjection {
  const l = labels ?? {};
  if (IgnoredNamespaces.has(name)) return { state: 'system', injects: false, reason: `Istio never injects sidecars into ${name}.` };
  if (controlPlaneNamespaces.has(name)) return { state: 'system', injects: false, reason: 'Istio control-plane namespace.' };
  const injection = l[InjectionLabel];
  const rev = l[RevisionLabel];
  if (injection !== undefined && rev !== undefined) {
    const injects = injection === 'enabled';
    return {
      state: 'conflict', injects, revision: injects ? 'default' : undefined,
      reason: `Both ${InjectionLabel}=${injection} and ${RevisionLabel}=${rev} are set; ${InjectionLabel} wins (IST0123), so injection is ${injects ? 'on (default revision)' : 'off'}.`,
    };
  }
  if (injection === 'enabled') return { state: 'on', injects: true, revision: 'default', reason: `${InjectionLabel}=enabled: new pods get a sidecar.` };
  if (injection !== undefined) {
    return {
      state: 'off', injects: false,
      reason: injection === 'disabled' ? `${InjectionLabel}=disabled: injection is off.` : `${InjectionLabel}=${injection} is not "enabled": injection is off.`,
    };
  }
  if (rev !== undefined) return { state: 'on', injects: true, revision: rev, reason: `${RevisionLabel}=${rev}: new pods get a sidecar from revision ${rev}.` };
  if (l[DataplaneModeLabel] === 'ambient') return { state: 'ambient', injects: false, reason: `${DataplaneModeLabel}=ambient: pods are in the ambient mesh (no sidecar, no restart needed).` };
  return { state: 'none', injects: false, reason: 'No injection label: pods get no sidecar.' };
}

/** The pod's own opt-in/opt-out: the label wins over the deprecated annotation. Undefined: no opinion. */
export function podInjectOverride(pod: Pick<Pod, 'metadata'>): boolean | undefined {
  const value = pod.metadata.labels?.[SidecarInjectLabel] ?? pod.metadata.annotations?.[SidecarInjectLabel];
  if (value === undefined || value === '') return undefined;
  return truthyInjectValue(value);
}

/** Whether the injector would add a sidecar to this pod if it were created now. */
export function podShouldHaveSidecar(pod: Pick<Pod, 'metadata' | 'spec'>, ns: NamespaceInjection): boolean {
  if (ns.state === 'system') return false;
  if (pod.spec?.hostNetwork) return false;
  const override = podInjectOverride(pod);
  if (ns.state === 'off' || (ns.state === 'conflict' && !ns.injects)) return false; // the namespace selector excludes it
  if (ns.injects) return override !== false;
  // No namespace label (or ambient): only the webhooks' object selectors match, which need the exact label
  // value "true" or a revision label on the pod.
  return pod.metadata.labels?.[SidecarInjectLabel] === 'true' || pod.metadata.labels?.[RevisionLabel] !== undefined;
}

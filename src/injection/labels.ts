/**
 * The labels and annotations that control sidecar injection and restarts, and the namespace's injection
 * mode read from them exactly as Istio's injector webhooks read them (istio.io "Controlling the injection policy").
 */
import {
  DataplaneModeLabel,
  IgnoredNamespaces,
  InjectionLabel,
  ProxyContainer,
  RevisionLabel,
  SidecarInjectLabel,
  truthyInjectValue,
} from '../mesh/labels';

// One source for Istio's names (src/mesh/labels.ts), under the names this feature reads best.
export const INJECTION_LABEL = InjectionLabel;
export const REVISION_LABEL = RevisionLabel;
export const DATAPLANE_MODE_LABEL = DataplaneModeLabel;
/** On a pod (template): "true"/"false" opts in or out. Also the deprecated annotation of the same name. */
export const POD_INJECT_LABEL = SidecarInjectLabel;
/** What `kubectl rollout restart` writes into the pod template. */
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';
export const SIDECAR_CONTAINER = ProxyContainer;

/** Namespaces Istio's injector never touches (pkg/kube/inject: IgnoredNamespaces). */
export const NEVER_INJECTED_NAMESPACES: ReadonlySet<string> = IgnoredNamespaces;

export type Labels = Readonly<Record<string, string>>;

/** What the user picks in "Enable Sidecar Injection…". */
export type InjectionTarget =
  | { readonly mode: 'default' }
  | { readonly mode: 'revision'; readonly revision: string }
  | { readonly mode: 'ambient' };

/** Enable targets plus "off": every label change this feature makes. */
export type InjectionChange = InjectionTarget | { readonly mode: 'disabled' };

/** How the injector webhooks see a namespace. */
export type NamespaceInjection =
  /** `revision` is undefined for `istio-injection=enabled` (the default injector). */
  | { readonly mode: 'sidecar'; readonly revision: string | undefined; readonly conflict: boolean }
  | { readonly mode: 'ambient' }
  | { readonly mode: 'disabled' }
  | { readonly mode: 'none' };

export function namespaceInjection(labels: Labels = {}): NamespaceInjection {
  const injection = labels[INJECTION_LABEL];
  const revision = labels[REVISION_LABEL];
  // Only the exact value "enabled" turns injection on; when both labels exist istio-injection wins (IST0123).
  if (injection === 'enabled') return { mode: 'sidecar', revision: undefined, conflict: revision !== undefined };
  // Revision webhooks require istio-injection to be absent, so "disabled" (or any other value) switches them off.
  if (injection !== undefined) return { mode: 'disabled' };
  if (revision !== undefined) return { mode: 'sidecar', revision, conflict: false };
  if (labels[DATAPLANE_MODE_LABEL] === 'ambient') return { mode: 'ambient' };
  return { mode: 'none' };
}

/** `"istio-injection=enabled"`, `"istio.io/rev=canary"`…: how the UI names a choice. */
export function describeChange(change: InjectionChange): string {
  switch (change.mode) {
    case 'default': return `${INJECTION_LABEL}=enabled`;
    case 'revision': return `${REVISION_LABEL}=${change.revision}`;
    case 'ambient': return `${DATAPLANE_MODE_LABEL}=ambient`;
    case 'disabled': return `${INJECTION_LABEL}=disabled`;
  }
}

/** The webhook's reading of `sidecar.istio.io/inject` (inject.go): y/yes/true/on in any case mean yes. */
export function parseInjectValue(value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  return truthyInjectValue(value);
}

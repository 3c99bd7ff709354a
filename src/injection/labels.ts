/** The label changes "Enable/Disable Sidecar Injection" make, and the kubectl annotation a restart writes. */
import { DataplaneModeAmbient, DataplaneModeLabel, InjectionDisabled, InjectionEnabled, InjectionLabel, RevisionLabel } from '../istio/names';

/** What `kubectl rollout restart` writes into the pod template. */
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

export type { Labels } from '../istio/selector';

/** What the user picks in "Enable Sidecar Injection…". */
export type InjectionTarget =
  | { readonly mode: 'default' }
  | { readonly mode: 'revision'; readonly revision: string }
  | { readonly mode: 'ambient' };

/** Enable targets plus "off": every label change this feature makes. */
export type InjectionChange = InjectionTarget | { readonly mode: 'disabled' };

/** `"istio-injection=enabled"`, `"istio.io/rev=canary"`…: how the UI names a choice. */
export function describeChange(change: InjectionChange): string {
  switch (change.mode) {
    case 'default': return `${InjectionLabel}=${InjectionEnabled}`;
    case 'revision': return `${RevisionLabel}=${change.revision}`;
    case 'ambient': return `${DataplaneModeLabel}=${DataplaneModeAmbient}`;
    case 'disabled': return `${InjectionLabel}=${InjectionDisabled}`;
  }
}

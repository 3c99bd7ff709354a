import { DataplaneModeAmbient, DataplaneModeLabel, InjectionDisabled, InjectionEnabled, InjectionLabel, RevisionLabel } from '../istio/names';
import { type InjectionChange, type Labels, RESTARTED_AT_ANNOTATION } from './labels';

/** Label values to set, or `null` to remove the label: the `labels` part of a JSON merge patch (RFC 7386). */
export type LabelChanges = Readonly<Record<string, string | null>>;

/** A JSON merge patch of a namespace's labels, pinned to the version the change was computed from. */
export interface NamespaceLabelPatch {
  readonly metadata: { readonly resourceVersion?: string; readonly labels: LabelChanges };
}

/** The patch `kubectl rollout restart` sends (strategic merge patch; identical as a JSON merge patch). */
export interface RestartPatch {
  readonly spec: { readonly template: { readonly metadata: { readonly annotations: Readonly<Record<string, string>> } } };
}

/**
 * The smallest set of label changes that puts a namespace into the wanted injection mode.
 * Like Kiali: setting `istio-injection` removes `istio.io/rev` and the other way round, because when both
 * exist `istio-injection` wins and the revision is silently ignored. A namespace is in one data-plane mode
 * at a time: sidecar modes drop `dataplane-mode=ambient` (a sidecar would take precedence over ztunnel
 * anyway) and ambient drops both sidecar labels (otherwise new pods would still get a sidecar).
 * Labels that need no change are left out, so an already-correct namespace yields `{}`.
 */
export function injectionLabelChanges(current: Labels, change: InjectionChange): LabelChanges {
  const wanted: Record<string, string | null> = {};
  switch (change.mode) {
    case 'default':
      wanted[InjectionLabel] = InjectionEnabled;
      wanted[RevisionLabel] = null;
      if (current[DataplaneModeLabel] === DataplaneModeAmbient) wanted[DataplaneModeLabel] = null;
      break;
    case 'revision':
      wanted[RevisionLabel] = change.revision;
      wanted[InjectionLabel] = null;
      if (current[DataplaneModeLabel] === DataplaneModeAmbient) wanted[DataplaneModeLabel] = null;
      break;
    case 'ambient':
      wanted[DataplaneModeLabel] = DataplaneModeAmbient;
      wanted[InjectionLabel] = null;
      wanted[RevisionLabel] = null;
      break;
    case 'disabled':
      // "disabled" rather than removal: it also stops the default webhook's per-pod opt-in
      // (`sidecar.istio.io/inject=true`) and every revision webhook, which all require the label to be absent.
      wanted[InjectionLabel] = InjectionDisabled;
      wanted[RevisionLabel] = null;
      break;
  }
  const changes: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(wanted)) {
    const present = Object.prototype.hasOwnProperty.call(current, key);
    if (value === null ? present : current[key] !== value) changes[key] = value;
  }
  return changes;
}

/**
 * The merge patch for label changes. With `resourceVersion` the API server rejects it with 409 Conflict
 * if the namespace changed since it was read, so the changes are never applied to labels we did not see.
 * Only `metadata.labels` keys named here are touched; other labels and all annotations stay as they are.
 */
export function namespaceLabelPatch(changes: LabelChanges, resourceVersion?: string): NamespaceLabelPatch {
  return { metadata: { ...(resourceVersion ? { resourceVersion } : {}), labels: { ...changes } } };
}

/** The labels after applying changes: what the namespace will look like. */
export function applyLabelChanges(current: Labels, changes: LabelChanges): Record<string, string> {
  const result: Record<string, string> = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete result[key];
    else result[key] = value;
  }
  return result;
}

/** Go's time.RFC3339 (second precision), which kubectl uses for `restartedAt`. */
export function rfc3339(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Patching the pod template's annotation makes the controller roll out new pods; top-level metadata would not. */
export function restartPatch(at: Date): RestartPatch {
  return { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: rfc3339(at) } } } } };
}

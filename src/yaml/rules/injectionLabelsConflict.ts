import { multipleInjectionLabels } from '../../istio/injection';
import { DataplaneModeLabel, InjectionEnabled, InjectionLabel, RevisionLabel } from '../../istio/names';
import { removeEntry } from '../edits';
import { namespaceInputOf, plainNamespaceInputOf } from '../injection';
import { isNamespace, labelsOf, metadataOf, rootOf } from '../kube';
import { entry, entrySpan } from '../nodes';
import { finding, fix, type Rule } from './rule';

/**
 * More than one of istio-injection, istio.io/rev and istio.io/dataplane-mode, exactly as Istio's IST0123
 * NamespaceMultipleInjectionLabels collects them (the engine's `multipleInjectionLabels`): `istio-injection=disabled`
 * beside istio.io/rev is not a conflict, `enabled` or istio.io/rev beside dataplane-mode is.
 */
export const injectionLabelsConflict: Rule = {
  code: 'injection-labels-conflict',
  severity: 'warning',
  summary: 'Namespace with more than one of istio-injection (enabled), istio.io/rev and istio.io/dataplane-mode',
  istio: 'IST0123',
  mayReport(m) {
    return isNamespace(m) && m.name !== undefined && multipleInjectionLabels(plainNamespaceInputOf(m)).length >= 2;
  },
  check(m, ctx) {
    const root = rootOf(m);
    const metadata = metadataOf(root);
    if (!isNamespace(m) || !root || !metadata || m.name === undefined) return [];
    const ns = namespaceInputOf(m);
    const listed = multipleInjectionLabels(ns);
    if (listed.length < 2) return [];
    const labels = labelsOf(root);
    const involved = listed.map((l) => entry(labels, l.slice(0, l.indexOf('='))));
    // On the second label: istio.io/rev beside istio-injection, dataplane-mode beside either.
    const at = involved[1];
    if (!at) return [];
    const keys = involved.map((e) => e?.key).filter((k): k is string => k !== undefined);
    // Named by their keys only: a quick fix that changes a value (revision-unknown, dataplane-mode-value) leaves the
    // same finding, not a new one.
    const effects = [
      ...(keys.includes(InjectionLabel) && keys.includes(RevisionLabel) ? [`${InjectionLabel}=${InjectionEnabled} wins and ${RevisionLabel} is ignored`] : []),
      ...(keys.includes(DataplaneModeLabel) ? [`sidecar injection and ${DataplaneModeLabel} each choose how pods join the mesh (a pod with a sidecar is not captured by ztunnel)`] : []),
    ];
    return [
      finding(ctx, this, entrySpan(at), `This namespace has several injection labels (${keys.join(', ')}), a combination Istio leaves undefined: ${effects.join('; ')}. Keep one.`,
        keys.map((key) => fix(`Remove ${key} (keep ${keys.filter((k) => k !== key).join(' and ')})`, removeEntry(ctx.file, metadata, 'labels', key)))),
    ];
  },
};

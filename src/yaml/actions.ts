import { mergeEdits, removeEntry, replaceEntry, setEntry } from './edits';
import { safeInTemplate } from './helmEdits';
import { multipleInjectionLabels } from '../istio/injection';
import { InjectionEnabled, InjectionLabel, RevisionLabel } from '../istio/names';
import { namespaceInputOf } from './injection';
import { isNamespace, labelsOf, metadataOf, rootOf } from './kube';
import { entry, scalarValue } from './nodes';
import type { ParsedFile, ParsedManifest } from './parse';
import type { Fix } from './types';

/** The document of a file that contains an offset (documents are in order and do not overlap). */
export function manifestAt(file: ParsedFile, offset: number): ParsedManifest | undefined {
  return file.manifests.find((m) => m.span[0] <= offset && offset <= m.span[1]);
}

/**
 * "Enable Istio sidecar injection" on a Namespace document: sets `istio-injection: enabled` and,
 * like Kiali's namespace action, removes `istio.io/rev` (which would be ignored beside it).
 * Undefined when the namespace already has exactly that, or when no safe edit does it.
 */
export function enableInjectionFix(file: ParsedFile, m: ParsedManifest): Fix | undefined {
  const root = rootOf(m);
  if (!isNamespace(m) || !root || m.hasErrors) return undefined;
  const labels = labelsOf(root);
  const enabled = scalarValue(entry(labels, InjectionLabel)?.value) === InjectionEnabled;
  const revision = entry(labels, RevisionLabel);
  if (enabled && !revision) return undefined;
  // Beside istio.io/dataplane-mode, istio-injection=enabled is IST0123's conflict: no one-click way around that choice.
  const after: Record<string, string> = { ...namespaceInputOf(m).labels, [InjectionLabel]: InjectionEnabled };
  delete after[RevisionLabel];
  if (multipleInjectionLabels({ name: m.name ?? '', labels: after }).length > 1) return undefined;
  const metadata = metadataOf(root);
  // Without istio-injection, the istio.io/rev entry becomes it: one edit in place, whatever the map's style.
  const edit = revision && !entry(labels, InjectionLabel)
    ? replaceEntry(file, revision, InjectionLabel, InjectionEnabled)
    : mergeEdits(file.text, [
      ...(enabled ? [] : [setEntry(file, root, ['metadata', 'labels'], InjectionLabel, InjectionEnabled)]),
      ...(revision ? [metadata && removeEntry(file, metadata, 'labels', RevisionLabel)] : []),
    ], true);
  return edit && safeInTemplate(file, edit, m.root?.range?.[0] ?? m.span[0]) ? { title: 'Enable Istio sidecar injection', edits: [edit] } : undefined;
}

import { mergeEdits, removeEntry, replaceEntry, setEntry } from './edits';
import { safeInTemplate } from './helmEdits';
import { isNamespace, LABEL, labelsOf, metadataOf, rootOf } from './kube';
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
  const enabled = scalarValue(entry(labels, LABEL.injection)?.value) === 'enabled';
  const revision = entry(labels, LABEL.revision);
  if (enabled && !revision) return undefined;
  const metadata = metadataOf(root);
  // Without istio-injection, the istio.io/rev entry becomes it: one edit in place, whatever the map's style.
  const edit = revision && !entry(labels, LABEL.injection)
    ? replaceEntry(file, revision, LABEL.injection, 'enabled')
    : mergeEdits(file.text, [
      ...(enabled ? [] : [setEntry(file, root, ['metadata', 'labels'], LABEL.injection, 'enabled')]),
      ...(revision ? [metadata && removeEntry(file, metadata, 'labels', LABEL.revision)] : []),
    ], true);
  return edit && safeInTemplate(file, edit, m.root?.range?.[0] ?? m.span[0]) ? { title: 'Enable Istio sidecar injection', edits: [edit] } : undefined;
}

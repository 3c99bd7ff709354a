import { mergeEdits, removeEntry, setEntry } from './edits';
import { isNamespace, LABEL, labelsOf, metadataOf } from './kube';
import { entry, scalarValue } from './nodes';
import type { ParsedFile, ParsedManifest } from './parse';
import type { Fix, TextEdit } from './types';

/** The document of a file that contains an offset (documents are in order and do not overlap). */
export function manifestAt(file: ParsedFile, offset: number): ParsedManifest | undefined {
  return file.manifests.find((m) => m.span[0] <= offset && offset <= m.span[1]);
}

/**
 * "Enable Istio sidecar injection" on a Namespace document: sets `istio-injection: enabled` and,
 * like Kiali's namespace action, removes `istio.io/rev` (which would be ignored beside it).
 * Undefined when the namespace already has exactly that.
 */
export function enableInjectionFix(file: ParsedFile, m: ParsedManifest): Fix | undefined {
  if (!isNamespace(m) || !m.root || m.hasErrors) return undefined;
  const labels = labelsOf(m.root);
  const enabled = scalarValue(entry(labels, LABEL.injection)?.value) === 'enabled';
  const revision = entry(labels, LABEL.revision);
  if (enabled && !revision) return undefined;
  const metadata = metadataOf(m.root);
  const set = enabled ? undefined : setEntry(file, m.root, ['metadata', 'labels'], LABEL.injection, 'enabled');
  const remove = revision && metadata ? removeEntry(file, metadata, 'labels', LABEL.revision) : undefined;
  // Removing the only other label would remove `labels:` that the new label needs: then only set.
  const labelCount = labels?.items.length ?? 0;
  const edit = revision && labelCount === 1 ? setEntryReplacing(m) : mergeEdits(file.text, [set, remove]);
  return edit ? { title: 'Enable Istio sidecar injection', edits: [edit] } : undefined;
}

/** `labels:` holding only `istio.io/rev`: replace that entry by `istio-injection: enabled`. */
function setEntryReplacing(m: ParsedManifest): TextEdit | undefined {
  const revision = entry(labelsOf(m.root), LABEL.revision);
  const key = revision?.keyNode.range;
  const end = revision?.value?.range?.[1];
  if (!key || end === undefined) return undefined;
  return { start: key[0], end, newText: `${LABEL.injection}: enabled` };
}

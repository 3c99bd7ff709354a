/**
 * Reads istioctl's install/uninstall output (operator/pkg/util/progress) into events the progress
 * notification shows. Without a terminal istioctl prints one line per state change:
 *   "✔ Istio core installed ⛵️", "- Processing resources for Istiod. Waiting for Deployment/istio-system/istiod",
 *   "✘ Istiod encountered an error: ...", "✔ Installation complete", "✔ Uninstall complete".
 */

export type ProgressEvent =
  | { readonly kind: 'componentInstalled'; readonly component: string }
  | { readonly kind: 'componentFailed'; readonly component: string; readonly error: string }
  | { readonly kind: 'processing'; readonly components: readonly string[]; readonly waitingFor: readonly string[] }
  | { readonly kind: 'pruning' }
  | { readonly kind: 'installComplete' }
  | { readonly kind: 'uninstallComplete' }
  | { readonly kind: 'removed'; readonly resource: string }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'text'; readonly text: string };

// CSI sequences (colours, cursor moves) that istioctl's progress bar library emits.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[ -/]*[@-~]`, 'g');

export function stripAnsi(line: string): string {
  return line.replace(ANSI, '');
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function parseProgressLine(rawLine: string): ProgressEvent | undefined {
  const line = stripAnsi(rawLine).trim();
  if (line === '') return undefined;
  let m: RegExpExecArray | null;
  if (/^✔\s+Installation complete/.test(line)) return { kind: 'installComplete' };
  if (/^✔\s+Uninstall complete/.test(line)) return { kind: 'uninstallComplete' };
  if ((m = /^✔\s+(.+?) installed\b/.exec(line))) return { kind: 'componentInstalled', component: m[1] };
  if ((m = /^✘\s+(.+?) encountered an error: (.*)$/.exec(line))) {
    return { kind: 'componentFailed', component: m[1], error: m[2] };
  }
  if (/^-?\s*Pruning removed resources/.test(line)) return { kind: 'pruning' };
  if ((m = /^-?\s*Processing resources for (.+?)\.(?:\s+Waiting for (.+?))?(?:\.\.\.)?$/.exec(line))) {
    return { kind: 'processing', components: splitList(m[1]), waitingFor: m[2] ? splitList(m[2]) : [] };
  }
  if ((m = /^✔?\s*Removed (\S+?)\.?$/.exec(line))) return { kind: 'removed', resource: m[1] };
  if ((m = /^Error:\s*(.*)$/.exec(line))) return { kind: 'error', message: m[1] };
  return { kind: 'text', text: line };
}

/** A short sentence for the progress notification, or undefined to keep the previous one. */
export function describeProgress(event: ProgressEvent): string | undefined {
  switch (event.kind) {
    case 'componentInstalled':
      return `${event.component} installed`;
    case 'componentFailed':
      return `${event.component} failed: ${event.error}`;
    case 'processing':
      return event.waitingFor.length > 0
        ? `Waiting for ${event.waitingFor.join(', ')}`
        : `Applying ${event.components.join(', ')}`;
    case 'pruning':
      return 'Pruning removed resources';
    case 'installComplete':
      return 'Installation complete';
    case 'uninstallComplete':
      return 'Uninstall complete';
    case 'removed':
      return `Removed ${event.resource}`;
    case 'error':
      return `Error: ${event.message}`;
    case 'text':
      return undefined;
  }
}

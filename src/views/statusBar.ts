import * as vscode from 'vscode';
import type { MeshSession } from './session';

/** How long the item waits for the first connection (see below). */
const revealAfterMs = 500;

/** Shows the current context and the mesh version; a click opens the context picker. */
export function createContextStatusBar(session: MeshSession): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('istio.context', vscode.StatusBarAlignment.Left, 10);
  item.name = 'Istio Mesh: Kubernetes context';
  item.command = 'istio.selectContext';
  let shown = false;
  let revealTimer: NodeJS.Timeout | undefined;
  let waited = false;
  const update = () => {
    const context = session.contextName;
    const store = session.store;
    if (!context) {
      if (shown) item.hide();
      shown = false;
      return;
    }
    // While the first connection is made the window is drawing the Mesh view's first rows: the item shows once they
    // are in (the session is ready or failed) or half a second later, whichever comes first.
    if (!shown && !waited && session.state === 'connecting') {
      revealTimer ??= setTimeout(() => {
        waited = true;
        update();
      }, revealAfterMs);
      return;
    }
    let mesh = '';
    if (session.state === 'ready' && store) {
      const cp = store.controlPlane;
      mesh = cp.installed ? ` · Istio ${cp.version ?? ''}`.trimEnd() : ' · Istio not installed';
    } else if (session.state !== 'connecting') {
      mesh = ` · ${session.state}`;
    }
    // Each assignment is sent to the window, even of the same text, and the mesh changes many times a second.
    const text = `$(server-environment) ${context}${mesh}`;
    const tooltip = `Kubernetes context "${context}" (${session.client?.server ?? ''}). Click to switch.`;
    if (item.text !== text) item.text = text;
    if (item.tooltip !== tooltip) item.tooltip = tooltip;
    if (!shown) item.show();
    shown = true;
  };
  const subscription = session.onDidChange(update);
  update();
  return vscode.Disposable.from(item, subscription, { dispose: () => clearTimeout(revealTimer) });
}

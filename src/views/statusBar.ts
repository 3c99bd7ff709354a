import * as vscode from 'vscode';
import type { MeshSession } from './session';

/** Shows the current context and the mesh version; a click opens the context picker. */
export function createContextStatusBar(session: MeshSession): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('istio.context', vscode.StatusBarAlignment.Left, 10);
  item.name = 'Istio Mesh: Kubernetes context';
  item.command = 'istio.selectContext';
  const update = () => {
    const context = session.contextName;
    const store = session.store;
    if (!context) {
      item.hide();
      return;
    }
    let mesh = '';
    if (session.state === 'ready' && store) {
      const cp = store.controlPlane;
      mesh = cp.installed ? ` · Istio ${cp.version ?? ''}`.trimEnd() : ' · Istio not installed';
    } else if (session.state !== 'connecting') {
      mesh = ` · ${session.state}`;
    }
    item.text = `$(server-environment) ${context}${mesh}`;
    item.tooltip = `Kubernetes context "${context}" (${session.client?.server ?? ''}). Click to switch.`;
    item.show();
  };
  const subscription = session.onDidChange(update);
  update();
  return vscode.Disposable.from(item, subscription);
}

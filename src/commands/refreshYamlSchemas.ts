import * as vscode from 'vscode';
import { refreshSchemas } from '../editor/clusterBridge';
import { showError } from '../output';
import type { Services } from '../services';
import { errorMessage } from '../util/errors';

/** Istio: Refresh YAML Schemas from Cluster — validate and hover with the cluster's own Istio CRDs. Read-only. */
export const refreshYamlSchemas = (s: Services) => async () => {
  try {
    const client = await s.mesh.getClient();
    const kinds = await refreshSchemas(s.yaml, client);
    if (kinds === 0) void vscode.window.showInformationMessage(`Context "${client.context}" has no Istio CRDs: YAML checks keep the bundled schemas.`);
    else void vscode.window.showInformationMessage(`YAML checks now use the Istio CRDs of context "${client.context}" (${kinds} kind versions).`);
  } catch (err) {
    await showError(s.output, `Could not read the Istio CRDs: ${errorMessage(err)}`);
  }
};

import * as vscode from 'vscode';
import { isClusterError } from '../cluster/errors';
import { apiVersionsOf, forReading, LIVE_OBJECT_SCHEME, parseLiveObjectPath } from '../cluster/liveObject';
import type { Services } from '../services';
import { errorMessage } from '../util/errors';

/**
 * The `istio-mesh:` documents: a cluster object's YAML as the API server has it now, read-only. The Problems panel's
 * cluster analysis entries open them. The context is part of the address, so an object is never read from another
 * cluster than the one that reported it.
 */
class LiveObjects implements vscode.TextDocumentContentProvider {
  constructor(private readonly services: Services) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const ref = parseLiveObjectPath(uri.path);
    const context = decodeURIComponent(uri.query);
    if (!ref) return `# Not the address of a cluster object: ${uri.toString()}\n`;
    const title = `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
    try {
      // A context of the Mesh view's Clusters level is read through its own session; any other through the selected one.
      const client = this.services.clusters.clientFor(context) ?? await this.services.mesh.getClient();
      if (client.context !== context) return `# ${title} is in context "${context}"; the mesh view shows context "${client.context}". Select context "${context}" to read it.\n`;
      const apiVersions = apiVersionsOf(ref.kind);
      for (const apiVersion of apiVersions) {
        try {
          const kind = await client.resolveKind(apiVersion, ref.kind);
          const object = await client.get(kind, ref.name, kind.namespaced ? ref.namespace : undefined);
          const { stringify } = await import('yaml');
          return stringify(forReading(object));
        } catch (err) {
          if (!isClusterError(err, 'notFound')) throw err;
        }
      }
      return apiVersions.length ? `# ${title} no longer exists in context "${context}".\n` : `# Istio Mesh does not know which API serves the kind ${ref.kind}.\n`;
    } catch (err) {
      return `# ${title} could not be read from context "${context}": ${errorMessage(err)}\n`;
    }
  }
}

export function registerLiveObjects(services: Services): vscode.Disposable {
  return vscode.workspace.registerTextDocumentContentProvider(LIVE_OBJECT_SCHEME, new LiveObjects(services));
}

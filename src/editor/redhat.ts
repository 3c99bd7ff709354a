import * as vscode from 'vscode';
import type { Logger } from '../util/log';
import { errorMessage } from '../util/errors';

export const REDHAT_YAML = 'redhat.vscode-yaml';

/** The part of Red Hat's YAML extension API we use (its `activate` returns it). */
interface RedHatYamlApi {
  registerContributor(
    schema: string,
    requestSchema: (resource: string) => string | undefined,
    requestSchemaContent: (uri: string) => Promise<string> | string,
    label?: string,
  ): boolean;
}

const SCHEME = 'istio-mesh';
const SCHEMA_URI = `${SCHEME}://schemas/kubernetes-istio.schema.json`;
const KUBERNETES_SHAPED = /^apiVersion:/m;

export function redHatYamlInstalled(): boolean {
  return vscode.extensions.getExtension(REDHAT_YAML) !== undefined;
}

/**
 * With Red Hat's YAML extension installed, it validates, hovers and completes YAML itself. We give
 * it our schema for Kubernetes-shaped files (so there is one schema diagnostic per problem, from
 * it) and publish only the Istio rules' findings.
 */
export async function contributeSchemaToRedHat(schemaJson: () => Promise<string>, log: Logger): Promise<boolean> {
  const extension = vscode.extensions.getExtension<RedHatYamlApi>(REDHAT_YAML);
  if (!extension) return false;
  try {
    const api = await extension.activate();
    if (typeof api?.registerContributor !== 'function') {
      log.warn(`${REDHAT_YAML} has no registerContributor API: Istio schemas are not given to it.`);
      return false;
    }
    api.registerContributor(
      SCHEME,
      (resource) => {
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === resource);
        return doc && KUBERNETES_SHAPED.test(doc.getText()) ? SCHEMA_URI : undefined;
      },
      (uri) => (uri === SCHEMA_URI ? schemaJson() : ''),
      'Kubernetes and Istio (Istio Mesh)',
    );
    return true;
  } catch (err) {
    log.warn(`Could not give Istio schemas to ${REDHAT_YAML}: ${errorMessage(err)}`);
    return false;
  }
}

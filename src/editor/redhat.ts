import * as vscode from 'vscode';
import type { Logger } from '../util/log';
import { errorMessage } from '../util/errors';
import type { YamlService } from './yamlService';

const REDHAT_YAML = 'redhat.vscode-yaml';

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
 * Red Hat's YAML extension, by its contract: while it is installed and enabled, it validates, hovers and completes
 * YAML itself; we give it our schema for Kubernetes-shaped files through `registerContributor` (never through the
 * user's `yaml.schemas` setting, which stays theirs) and publish only the Istio findings. When it is enabled or
 * disabled while VS Code runs (`extensions.onDidChange`), the schema work moves with it.
 */
export function followRedHatYaml(yaml: YamlService, log: Logger): vscode.Disposable {
  let contributedTo: unknown;
  const update = () => {
    const extension = vscode.extensions.getExtension<RedHatYamlApi>(REDHAT_YAML);
    yaml.setSchemaDiagnostics(!extension);
    if (!extension) {
      if (contributedTo) log.info(`${REDHAT_YAML} is gone: Istio Mesh validates schemas and gives hovers and completion again.`);
      contributedTo = undefined;
      return;
    }
    // One contribution per activation of Red Hat YAML: a disabled and re-enabled extension is a new one.
    if (contributedTo === extension) return;
    contributedTo = extension;
    log.info(`${REDHAT_YAML} is installed: it validates YAML against Istio Mesh's schemas and shows hovers and completion; Istio Mesh adds only its Istio rules.`);
    void contributeSchemaToRedHat(extension, () => yaml.schema(), log);
  };
  update();
  return vscode.extensions.onDidChange(update);
}

async function contributeSchemaToRedHat(extension: vscode.Extension<RedHatYamlApi>, schemaJson: () => Promise<string>, log: Logger): Promise<boolean> {
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

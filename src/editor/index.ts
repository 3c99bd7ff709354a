import * as vscode from 'vscode';
import type { Config } from '../config';
import type { Services } from '../services';
import type { Logger } from '../util/log';
import { bridgeClusterToYaml } from './clusterBridge';
import { ClusterProblems } from './clusterProblems';
import { YamlCodeActions } from './codeActions';
import { YamlCompletion, YamlHover } from './languageFeatures';
import { followRedHatYaml, redHatYamlInstalled } from './redhat';
import { registerInjectionVerdicts } from './verdicts';
import { registerLiveObjects } from './liveObjects';
import { MeshProblems } from './meshProblems';
import { YamlService } from './yamlService';

const YAML: vscode.DocumentSelector = { language: 'yaml' };

/**
 * The YAML checks in the editor: diagnostics as you type, quick fixes, hovers and completion, and the sidecar verdict.
 * With Red Hat's YAML extension installed and enabled, it gets our schemas and does the schema diagnostics,
 * hovers and completion itself; we add only the Istio rules (no duplicate schema errors, hovers or completions).
 */
export function registerYamlEditor(services: Services): void {
  const { yaml } = services;
  const subscriptions = services.context.subscriptions;
  subscriptions.push(
    yaml,
    vscode.languages.registerCodeActionsProvider(YAML, new YamlCodeActions(yaml), YamlCodeActions.metadata),
    vscode.workspace.onDidOpenTextDocument((d) => yaml.schedule(d, 0)),
    vscode.workspace.onDidChangeTextDocument((e) => yaml.schedule(e.document)),
    vscode.workspace.onDidCloseTextDocument((d) => yaml.forget(d)),
    bridgeClusterToYaml(services, yaml),
    registerInjectionVerdicts(services, yaml),
    new ClusterProblems(services),
    new MeshProblems(services.clusters),
    registerLiveObjects(services),
    services.config.onDidChange((e) => {
      if (e.affectsConfiguration('istio.yaml') || e.affectsConfiguration('istio.analysis') || e.affectsConfiguration('istio.meshConfig')) yaml.recheckAll();
    }),
  );
  // Registered either way: they answer nothing while Red Hat's YAML extension, which may come and go, answers.
  subscriptions.push(
    vscode.languages.registerHoverProvider(YAML, new YamlHover(yaml)),
    vscode.languages.registerCompletionItemProvider(YAML, new YamlCompletion(yaml), ':', ' ', '"'),
    followRedHatYaml(yaml, services.log),
  );
  yaml.recheckAll();
}

/** The YAML service, built before the `Services` that carry it; `registerYamlEditor` wires it to the editor. */
export function createYamlService(context: vscode.ExtensionContext, config: Config, log: Logger): YamlService {
  return new YamlService({ extensionPath: context.extensionPath, config, log, schemaDiagnostics: !redHatYamlInstalled() });
}

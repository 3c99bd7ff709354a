import * as vscode from 'vscode';
import type { Services } from '../services';
import { InjectionSources } from './injectionSources';
import { InjectionCodeLens, InjectionHover } from './languageFeatures';
import type { YamlService } from './yamlService';

const YAML: vscode.DocumentSelector = { language: 'yaml' };

/**
 * The sidecar verdict in YAML: a hover on Namespaces, workloads and Pods, and a CodeLens above each workload and Pod.
 * Lenses are asked again when a setting, a YAML file or what the cluster says about injection changes.
 */
export function registerInjectionVerdicts(services: Services, yaml: YamlService): vscode.Disposable {
  const sources = new InjectionSources(services);
  const lenses = new InjectionCodeLens(yaml, services.config, sources);
  let liveInputs: readonly unknown[] = [];
  return vscode.Disposable.from(
    sources,
    lenses,
    sources.onDidChangeFiles(() => lenses.refresh()),
    vscode.languages.registerHoverProvider(YAML, new InjectionHover(yaml, sources)),
    vscode.languages.registerCodeLensProvider(YAML, lenses),
    services.mesh.onDidChange(() => {
      const inputs = sources.liveInputs();
      if (inputs.length !== liveInputs.length || inputs.some((x, i) => x !== liveInputs[i])) lenses.refresh();
      liveInputs = inputs;
    }),
    vscode.workspace.onDidSaveTextDocument((d) => d.languageId === 'yaml' && lenses.refresh()),
    vscode.workspace.onDidCloseTextDocument((d) => sources.forget(d.uri)),
    services.config.onDidChange((e) => {
      if (e.affectsConfiguration('istio.yaml') || e.affectsConfiguration('istio.codeLens')) lenses.refresh();
    }),
  );
}

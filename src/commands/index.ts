import * as vscode from 'vscode';
import type { Services } from '../services';
import { analyzeWorkspace } from './analyzeWorkspace';
import { analyzeCluster } from './analyzeCluster';
import { chooseClusters } from './chooseClusters';
import { clearClusterAnalysis } from './clearClusterAnalysis';
import { disableInjection } from './disableInjection';
import { enableInjection } from './enableInjection';
import { install } from './install';
import { installMultiCluster } from './installMultiCluster';
import { linkCluster } from './linkCluster';
import { migrateLegacyApis } from './migrateLegacyApis';
import { openSample } from './openSample';
import { refresh } from './refresh';
import { refreshYamlSchemas } from './refreshYamlSchemas';
import { removeRevisionTag } from './removeRevisionTag';
import { restartWorkloads } from './restartWorkloads';
import { selectContext } from './selectContext';
import { setRevisionTag } from './setRevisionTag';
import { showLogs } from './showLogs';
import { showMorePods } from './showMorePods';
import { uninstall } from './uninstall';
import { unlinkCluster } from './unlinkCluster';
import { upgradeCanary } from './upgradeCanary';
import { cancelUpgrade, resumeUpgrade, rollBackCanary } from './upgradeControls';

/** A command is a factory from the services to its handler; handlers take the arguments VS Code passes. */
export type CommandFactory = (services: Services) => (...args: never[]) => unknown;

/** Every command of the extension, by id. The ids match `contributes.commands` in package.json. */
const commands: Record<string, CommandFactory> = {
  'istio.showLogs': showLogs,
  'istio.openSample': openSample,
  'istio.mesh.refresh': refresh,
  'istio.mesh.showMorePods': showMorePods,
  'istio.selectContext': selectContext,
  'istio.mesh.chooseClusters': chooseClusters,
  'istio.install': install,
  'istio.uninstall': uninstall,
  'istio.installMultiCluster': installMultiCluster,
  'istio.linkCluster': linkCluster,
  'istio.unlinkCluster': unlinkCluster,
  'istio.setRevisionTag': setRevisionTag,
  'istio.removeRevisionTag': removeRevisionTag,
  'istio.upgradeCanary': upgradeCanary,
  'istio.upgradeCanary.resume': resumeUpgrade,
  'istio.upgradeCanary.rollback': rollBackCanary,
  'istio.upgradeCanary.cancel': cancelUpgrade,
  'istio.namespace.enableInjection': enableInjection,
  'istio.namespace.disableInjection': disableInjection,
  'istio.namespace.restartWorkloads': restartWorkloads,
  'istio.yaml.refreshSchemas': refreshYamlSchemas,
  'istio.migrateLegacyApis': migrateLegacyApis,
  'istio.analyzeWorkspace': analyzeWorkspace,
  'istio.analyzeCluster': analyzeCluster,
  'istio.clearClusterAnalysis': clearClusterAnalysis,
};

export function registerCommands(services: Services): void {
  for (const [id, factory] of Object.entries(commands)) {
    services.context.subscriptions.push(vscode.commands.registerCommand(id, factory(services)));
  }
}

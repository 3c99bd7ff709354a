import type { WorkspaceAnalyzer } from '../analyzer';
import { deploymentServicesAnalyzer } from './deploymentServices';
import { destinationHostsAnalyzer } from './destinationHosts';
import { gatewaysAnalyzer } from './gateways';
import { meshGatewayHostsAnalyzer } from './meshGatewayHosts';
import { sidecarSelectorsAnalyzer } from './sidecarSelectors';
import { subsetsAnalyzer } from './subsets';

/** Every cross-resource analyzer. Add one: a file, one line here, its codes in src/analyzers/messages.ts, a test, a README row. */
export const workspaceAnalyzers: readonly WorkspaceAnalyzer[] = [
  gatewaysAnalyzer,
  destinationHostsAnalyzer,
  subsetsAnalyzer,
  meshGatewayHostsAnalyzer,
  sidecarSelectorsAnalyzer,
  deploymentServicesAnalyzer,
];

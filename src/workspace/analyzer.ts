import type { Report } from '../analyzers/analyzer';
import type { KnownCode } from '../analyzers/messages';
import type { WorkspaceResource } from './resource';

/** What a cross-resource analyzer reads: the workspace's resources by type, and whether they are the whole scope. */
export interface WorkspaceContext {
  ofType(type: string): readonly WorkspaceResource[];
  /**
   * The workspace holds every resource the mesh has (`istio.analysis.workspaceIsComplete`). While false, a reference
   * the workspace does not hold may live in the cluster, so "not found" is said as "not found in the workspace".
   */
  readonly complete: boolean;
}

/** A finding about one resource, in the file that defines it. */
export interface WorkspaceReport extends Report {
  readonly resource: WorkspaceResource;
  /** A reference the workspace does not hold (IST0101): softened while the workspace is not the whole scope. */
  readonly notFound?: boolean;
  /** A finding that only holds if the workspace is the whole scope (it follows from a reference not found): left out otherwise. */
  readonly wholeScopeOnly?: boolean;
}

/**
 * A pure function over the workspace's resources, following one of Istio's analyzers that reads several
 * (pkg/config/analysis/analyzers), in the shape of the single-resource ones (src/analyzers/analyzer.ts).
 */
export interface WorkspaceAnalyzer {
  /** The Istio analyzer it follows, as `istioctl analyze -L` lists it. */
  readonly name: string;
  readonly codes: readonly KnownCode[];
  analyze(ctx: WorkspaceContext): WorkspaceReport[];
}

/** Resource types, named as `resourceType` names them. */
export const TYPES = {
  virtualService: 'networking.istio.io/VirtualService',
  gateway: 'networking.istio.io/Gateway',
  destinationRule: 'networking.istio.io/DestinationRule',
  serviceEntry: 'networking.istio.io/ServiceEntry',
  sidecar: 'networking.istio.io/Sidecar',
  service: 'Service',
  deployment: 'apps/Deployment',
  namespace: 'Namespace',
} as const;

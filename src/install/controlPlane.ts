/**
 * What is installed: istiod deployments by revision, their version and readiness, and the
 * sidecar-injector webhooks. Pure functions over the objects the cluster returns.
 */
import type { Deployment, UnstructuredObject } from '../cluster/types';
import { InjectionEnabled, InjectionLabel, RevisionLabel, revisionOf } from '../istio/names';
import { deploymentStatus } from '../istio/rolloutStatus';
import { istioImageVersion } from '../istio/version';
import type { UninstallScope } from './args';

export interface ControlPlaneRevision {
  /** `default` when istiod carries no `istio.io/rev` label. */
  readonly revision: string;
  readonly deployment: string;
  readonly namespace: string;
  /** The Istio version of the discovery container's image, e.g. `1.29.0`; empty when it cannot be read. */
  readonly version: string;
  readonly ready: boolean;
  readonly readyReplicas: number;
  readonly replicas: number;
}

/** A Deployment read by kind name: the install flow's objects are unstructured. */
const asDeployment = (object: UnstructuredObject) => object as unknown as Partial<Deployment> & Pick<Deployment, 'metadata'>;

/** Rolled out as `kubectl rollout status` says (src/istio/rolloutStatus.ts): a Deployment past its progress deadline is not. */
export function deploymentReady(object: UnstructuredObject): boolean {
  return deploymentStatus(object as unknown as Deployment).state === 'done';
}

/** Reads istiod deployments (label `app=istiod`) into control-plane revisions, sorted by revision. */
export function controlPlaneRevisions(istiodDeployments: readonly UnstructuredObject[]): ControlPlaneRevision[] {
  return istiodDeployments
    // Being deleted (an uninstall in progress): no longer a control plane to plan against.
    .filter((object) => !object.metadata.deletionTimestamp)
    .map((object) => {
      const d = asDeployment(object);
      const containers = d.spec?.template?.spec?.containers ?? [];
      const discovery = containers.find((c) => c.name === 'discovery') ?? containers[0];
      return {
        revision: revisionOf(object.metadata.labels),
        deployment: d.metadata.name,
        namespace: d.metadata.namespace ?? '',
        version: istioImageVersion(discovery?.image) ?? '',
        ready: deploymentReady(object),
        readyReplicas: d.status?.readyReplicas ?? 0,
        replicas: d.spec?.replicas ?? 1,
      };
    })
    .sort((a, b) => a.revision.localeCompare(b.revision));
}

/** One line for messages: `1.29.0 (revision canary, 1/1 ready)`. */
export function describeRevision(r: ControlPlaneRevision): string {
  const version = r.version || 'unknown version';
  return `${version} (revision ${r.revision}, ${r.readyReplicas}/${r.replicas} ready)`;
}

/**
 * Label selectors of the namespaces whose sidecars an uninstall leaves without a control plane: those on the
 * revision or on a tag pointing at it, and `istio-injection=enabled` ones when the default revision or the
 * `default` tag goes (that label is served by whichever of them exists).
 */
export function namespacesUsingSelectors(scope: UninstallScope, tags: readonly { name: string; revision: string }[]): string[] {
  const injected = `${InjectionLabel}=${InjectionEnabled}`;
  if (scope.kind === 'purge') return [RevisionLabel, injected];
  const names = [scope.revision, ...tags.filter((t) => t.revision === scope.revision).map((t) => t.name)];
  const selectors = [`${RevisionLabel} in (${[...new Set(names)].join(',')})`];
  if (names.includes('default')) selectors.push(injected);
  return selectors;
}

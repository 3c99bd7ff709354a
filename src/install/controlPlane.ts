/**
 * What is installed: istiod deployments by revision, their version and readiness, and the
 * sidecar-injector webhooks. Pure functions over the objects the cluster returns.
 */
import { InjectionLabel, RevisionLabel } from '../mesh/labels';
import type { UninstallScope } from './args';
import type { KubeObjectLike } from './cluster';
import { parseMinorVersion } from './versions';

export interface ControlPlaneRevision {
  /** `default` when istiod carries no `istio.io/rev` label. */
  readonly revision: string;
  readonly deployment: string;
  readonly namespace: string;
  /** The image tag of the discovery container, e.g. `1.29.0`; empty when it cannot be read. */
  readonly version: string;
  readonly ready: boolean;
  readonly readyReplicas: number;
  readonly replicas: number;
}

interface DeploymentShape {
  metadata: { name: string; namespace?: string; generation?: number; labels?: Record<string, string> };
  spec?: { replicas?: number; template?: { spec?: { containers?: { name?: string; image?: string }[] } } };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
  };
}

/** Rollout is done (kubectl's rule): generation observed, all replicas updated and available, no old ones left. */
export function deploymentReady(object: KubeObjectLike): boolean {
  const d = object as unknown as DeploymentShape;
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  return (
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) &&
    (s.updatedReplicas ?? 0) >= want &&
    (s.availableReplicas ?? 0) >= want &&
    (s.replicas ?? 0) <= want
  );
}

/** `docker.io/istio/pilot:1.29.0-distroless` → `1.29.0`; digests, missing tags and tags that are not versions (`latest`) give ''. */
export function imageVersion(image: string | undefined): string {
  if (!image) return '';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const at = lastSegment.indexOf('@');
  const withoutDigest = at >= 0 ? lastSegment.slice(0, at) : lastSegment;
  const colon = withoutDigest.indexOf(':');
  if (colon < 0) return '';
  const tag = withoutDigest.slice(colon + 1).replace(/-distroless$/, '');
  return parseMinorVersion(tag) ? tag : '';
}

export function revisionOf(object: KubeObjectLike): string {
  return object.metadata.labels?.['istio.io/rev'] || 'default';
}

/** Reads istiod deployments (label `app=istiod`) into control-plane revisions, sorted by revision. */
export function controlPlaneRevisions(istiodDeployments: readonly KubeObjectLike[]): ControlPlaneRevision[] {
  return istiodDeployments
    // Being deleted (an uninstall in progress): no longer a control plane to plan against.
    .filter((object) => !object.metadata.deletionTimestamp)
    .map((object) => {
      const d = object as unknown as DeploymentShape;
      const containers = d.spec?.template?.spec?.containers ?? [];
      const discovery = containers.find((c) => c.name === 'discovery') ?? containers[0];
      return {
        revision: revisionOf(object),
        deployment: d.metadata.name,
        namespace: d.metadata.namespace ?? '',
        version: imageVersion(discovery?.image),
        ready: deploymentReady(object),
        readyReplicas: d.status?.readyReplicas ?? 0,
        replicas: d.spec?.replicas ?? 1,
      };
    })
    .sort((a, b) => a.revision.localeCompare(b.revision));
}

/** istioctl names istiod `istiod` for the default revision and `istiod-<rev>` otherwise; same for the injector webhook. */
export function istiodName(revision: string): string {
  return revision === '' || revision === 'default' ? 'istiod' : `istiod-${revision}`;
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
  const injected = `${InjectionLabel}=enabled`;
  if (scope.kind === 'purge') return [RevisionLabel, injected];
  const names = [scope.revision, ...tags.filter((t) => t.revision === scope.revision).map((t) => t.name)];
  const selectors = [`${RevisionLabel} in (${[...new Set(names)].join(',')})`];
  if (names.includes('default')) selectors.push(injected);
  return selectors;
}

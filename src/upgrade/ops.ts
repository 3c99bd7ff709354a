/**
 * The upgrade machine's port: every read and mutation it needs, each bound to one kube context. `upgradeOpsFrom`
 * (opsAdapter.ts) implements it with the install, tag, injection and rollout flows; unit tests pass a fake.
 */
import type { InjectionChange } from '../injection/labels';
import type { ControlPlaneRevision } from '../install/controlPlane';
import type { PrecheckFinding } from '../install/precheck';
import type { RevisionTag, RevisionUsers } from '../install/usage';
import type { PodRevisionSource } from './verify';

export interface RestartResult {
  /** `kind/name in namespace: why` for each workload that did not roll out. */
  readonly failed: readonly string[];
  readonly restarted: number;
}

export interface UpgradeOps extends PodRevisionSource {
  readonly context: string;
  /** `istioctl x precheck --from-version <version>`, with the permission checks the install runs. */
  precheck(fromVersion: string, signal?: AbortSignal): Promise<PrecheckFinding[]>;
  revisions(signal?: AbortSignal): Promise<ControlPlaneRevision[]>;
  tags(signal?: AbortSignal): Promise<RevisionTag[]>;
  /** The install flow for a new revision (istioctl install --revision; idempotent: running it again finishes it). */
  install(revision: string, signal?: AbortSignal): Promise<void>;
  /** `istioctl tag set <tag> --revision <revision> --overwrite`, verified on the tag's webhook. */
  setTag(tag: string, revision: string, signal?: AbortSignal): Promise<void>;
  /** The namespace's injection now (what a rollback restores). */
  injectionOf(namespace: string): Promise<InjectionChange>;
  /** One merge patch of the injection labels (no change when already so). */
  setInjection(namespace: string, change: InjectionChange): Promise<void>;
  /** Restarts the Deployments, StatefulSets and DaemonSets of the namespaces, as `kubectl rollout restart`, and follows them. */
  restart(namespaces: readonly string[], signal?: AbortSignal): Promise<RestartResult>;
  /** Namespaces, tags and pods still using a revision. */
  users(revision: string, signal?: AbortSignal): Promise<RevisionUsers>;
  /** `istioctl uninstall --revision <revision>`, waiting until its objects are gone. */
  uninstall(revision: string, signal?: AbortSignal): Promise<void>;
}

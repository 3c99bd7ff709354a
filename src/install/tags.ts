/**
 * Revision tags (`istioctl tag set` / `tag remove`): the plan shown before anything changes, the refusals, and the
 * run with its verification against the tag's MutatingWebhookConfiguration. Pure of VS Code; the commands
 * (src/commands/setRevisionTag.ts, removeRevisionTag.ts) add the questions.
 */
import { TagLabel, revisionOf, revisionTagWebhookName } from '../istio/names';
import { waitUntil } from '../util/wait';
import { formatCommandLine, tagRemoveArgs, tagSetArgs, type ClusterTarget } from './args';
import { describeRevision, type ControlPlaneRevision } from './controlPlane';
import { InstallError, runIstioctl, type FlowDeps } from './installer';
import type { RevisionTag } from './usage';

/**
 * A tag is a namespace label value and part of object names (`istio-revision-tag-<tag>`, the `istiod-<tag>`
 * Service): a DNS-1123 label, short enough for the Service name's 63 characters.
 */
export function tagNameProblem(tag: string): string | undefined {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(tag)) return 'A tag is lower-case letters, digits and "-", starting and ending with a letter or digit.';
  if (tag.length > 56) return 'A tag has at most 56 characters.';
  return undefined;
}

interface TagPlanBase {
  readonly tag: string;
  readonly revision: string;
  readonly args: readonly string[];
  readonly commandLine: string;
  /** Namespaces the tag serves now: their pods change control plane when restarted (set) or lose injection (remove). */
  readonly users: readonly string[];
  /** The body of the confirmation. */
  readonly summary: readonly string[];
}

export interface TagSetPlan extends TagPlanBase {
  readonly kind: 'set';
  /** The revision the tag points at before the move; undefined for a new tag. */
  readonly previous?: string;
}

export interface TagRemovePlan extends TagPlanBase {
  readonly kind: 'remove';
}

export type Refusal = { readonly refused: string };

export interface TagSetInput {
  readonly tag: string;
  readonly revision: string;
  readonly revisions: readonly ControlPlaneRevision[];
  readonly tags: readonly RevisionTag[];
  readonly users: readonly string[];
  readonly target: ClusterTarget;
  readonly istioctlPath: string;
}

/**
 * The plan of `tag set`, or why it is refused: a bad name, an unknown revision, a revision whose istiod is not
 * ready (the tag's namespaces would get pods that no istiod answers; run it again once ready), a tag named like
 * a revision, moved or not (istioctl refuses a new one itself, but not with the `--overwrite` a move passes), or no
 * change.
 */
export function planTagSet(input: TagSetInput): TagSetPlan | Refusal {
  const { tag, revision, target } = input;
  const problem = tagNameProblem(tag);
  if (problem) return { refused: `"${tag}" is not a valid tag. ${problem}` };
  const control = input.revisions.find((r) => r.revision === revision);
  if (!control) return { refused: `No istiod of revision "${revision}" in context "${target.context}".` };
  if (!control.ready) return { refused: `istiod of revision "${revision}" is not ready (${control.readyReplicas}/${control.replicas}): a tag pointing at it would send new pods to a control plane that does not answer. Set the tag once it is ready.` };
  if (tag !== 'default' && input.revisions.some((r) => r.revision === tag)) return { refused: `"${tag}" is the name of a revision; a tag may not shadow it.` };
  const previous = input.tags.find((t) => t.name === tag)?.revision;
  if (previous === revision) return { refused: `Tag "${tag}" already points at revision "${revision}".` };
  const args = tagSetArgs(tag, revision, previous !== undefined, target);
  const commandLine = formatCommandLine(input.istioctlPath, args);
  const users = input.users;
  const summary = [
    previous === undefined ? `New tag "${tag}" → revision ${describeRevision(control)}.` : `Move tag "${tag}" from revision "${previous}" to ${describeRevision(control)}.`,
    ...(tag === 'default' ? ['The default tag also serves namespaces labelled istio-injection=enabled; istioctl deactivates the istio-sidecar-injector webhook of the default revision.'] : []),
    users.length
      ? `Namespaces using the tag (their pods get the new revision's proxy when restarted): ${users.join(', ')}`
      : 'No namespace uses the tag yet.',
    `Command: ${commandLine}`,
  ];
  return { kind: 'set', tag, revision, previous, args, commandLine, users, summary };
}

export interface TagRemoveInput {
  readonly tag: string;
  readonly tags: readonly RevisionTag[];
  readonly users: readonly string[];
  readonly target: ClusterTarget;
  readonly istioctlPath: string;
}

/** The plan of `tag remove`, or a refusal when the tag does not exist. Namespaces using it are in `users`: the command asks with them listed. */
export function planTagRemove(input: TagRemoveInput): TagRemovePlan | Refusal {
  const { tag, target, users } = input;
  const found = input.tags.find((t) => t.name === tag);
  if (!found) return { refused: `No revision tag "${tag}" in context "${target.context}".` };
  const args = tagRemoveArgs(tag, target);
  const commandLine = formatCommandLine(input.istioctlPath, args);
  const summary = [
    `Remove tag "${tag}" (→ revision "${found.revision}").`,
    users.length
      ? `Namespaces still using it (new pods there get no sidecar; running ones keep theirs until restarted): ${users.join(', ')}`
      : 'No namespace uses the tag.',
    `Command: ${commandLine}`,
  ];
  return { kind: 'remove', tag, revision: found.revision, args, commandLine, users, summary };
}

/** How long the tag's webhook may take to appear or go after istioctl returned (it writes it synchronously: seconds at most). */
const VERIFY_TIMEOUT_MS = 10_000;

/** What the tag's webhook says now: the revision it points at, or undefined when it is gone (or being deleted). */
async function tagRevisionNow(tag: string, deps: FlowDeps): Promise<string | undefined> {
  const webhook = await deps.cluster.get('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', revisionTagWebhookName(tag), undefined, deps.signal);
  if (!webhook || webhook.metadata.deletionTimestamp || webhook.metadata.labels?.[TagLabel] !== tag) return undefined;
  return revisionOf(webhook.metadata.labels);
}

/**
 * Runs the plan, then waits until `istio-revision-tag-<tag>` points at the revision (set) or is gone (remove).
 * istioctl exits 0 without applying when it declined on its own (a conflicting webhook and no terminal to ask):
 * the verification catches that and names the log, where istioctl said why.
 */
export async function executeTagPlan(plan: TagSetPlan | TagRemovePlan, deps: FlowDeps, verifyTimeoutMs = VERIFY_TIMEOUT_MS): Promise<void> {
  deps.log.info(`running: ${plan.commandLine}`);
  deps.onProgress?.(`Running istioctl tag ${plan.kind}`);
  await runIstioctl(deps, plan.args, `istioctl tag ${plan.kind}`);
  deps.onProgress?.(`Checking ${revisionTagWebhookName(plan.tag)}`);
  const wanted = plan.kind === 'set' ? plan.revision : undefined;
  const done = await waitUntil(async () => ((await tagRevisionNow(plan.tag, deps)) === wanted ? true : undefined), verifyTimeoutMs, deps.pollIntervalMs ?? 500, deps.signal);
  if (done) return;
  if (deps.signal?.aborted) throw new InstallError('cancelled', `Stopped checking tag "${plan.tag}"; istioctl itself finished.`);
  const now = await tagRevisionNow(plan.tag, deps);
  const state = now === undefined ? 'does not exist' : `points at revision "${now}"`;
  throw new InstallError('istioctlFailed', `istioctl tag ${plan.kind} finished, but ${revisionTagWebhookName(plan.tag)} ${state}. istioctl's output is in the log.`);
}

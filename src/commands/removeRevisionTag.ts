import { planTagRemove } from '../install/tags';
import { tagCommand, tagUsers } from './tagFlow';

/**
 * `Istio: Remove Revision Tag…` (`istioctl tag remove`). A tag that namespaces still use is removed only after a
 * modal that lists them: new pods there would get no sidecar.
 */
export const removeRevisionTag = tagCommand('istio.removeRevisionTag', async (step) => {
  const context = step.connected.target.context;
  const candidates = step.fromNode === undefined ? step.tags : step.tags.filter((t) => t.revision === step.fromNode);
  if (candidates.length === 0) return { refused: `No revision tag${step.fromNode ? ` points at revision "${step.fromNode}"` : ''} in context "${context}".` };
  const tag = await step.prompter.pickOne(
    `Remove a revision tag from context "${context}"`,
    candidates.map((t) => ({ label: t.name, description: `→ ${t.revision}`, value: t.name })),
    'Which tag?',
  );
  if (tag === undefined) return undefined;
  const plan = planTagRemove({ tag, tags: step.tags, users: await tagUsers(step, tag), target: step.connected.target, istioctlPath: step.istioctlPath });
  if ('refused' in plan) return plan;
  const question = plan.users.length
    ? `Tag "${tag}" is used by ${plan.users.length} namespace(s) in Kubernetes context "${context}": ${plan.users.join(', ')}. Remove it anyway?`
    : `Remove revision tag "${tag}" from Kubernetes context "${context}"?`;
  const ok = await step.prompter.confirm(question, plan.summary.join('\n'), plan.users.length ? 'Remove Anyway' : 'Remove Tag');
  return ok ? plan : undefined;
});

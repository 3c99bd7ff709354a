import { describeRevision } from '../install/controlPlane';
import { planTagSet, tagNameProblem } from '../install/tags';
import type { PickItem } from './prompter';
import { tagCommand, tagUsers, type TagStep } from './tagFlow';

const NEW_TAG = Symbol('new tag');

/** An existing tag (to move it) or a new name. */
async function askTag(step: TagStep, context: string): Promise<string | undefined> {
  const items: PickItem<string | typeof NEW_TAG>[] = [
    ...step.tags.map((t) => ({ label: t.name, description: `→ ${t.revision}`, value: t.name })),
    { label: 'New tag…', description: 'e.g. prod, stable, canary', value: NEW_TAG, picked: step.tags.length === 0 },
  ];
  const picked = await step.prompter.pickOne(`Set a revision tag in context "${context}"`, items, 'Which tag?');
  if (picked !== NEW_TAG) return picked;
  return step.prompter.input({ title: `New revision tag in context "${context}"`, placeholder: 'prod', validate: tagNameProblem });
}

/** `Istio: Set Revision Tag…`: a new tag, or an existing one moved to another revision (`istioctl tag set`). */
export const setRevisionTag = tagCommand('istio.setRevisionTag', async (step) => {
  const context = step.connected.target.context;
  if (step.revisions.length === 0) return { refused: `No istiod in context "${context}": a tag needs a revision to point at.` };
  const tag = await askTag(step, context);
  if (tag === undefined) return undefined;
  const revision = step.fromNode ?? (await step.prompter.pickOne(
    `Point tag "${tag}" at which revision? (context "${context}")`,
    step.revisions.map((r) => ({ label: r.revision, description: describeRevision(r) + (r.ready ? '' : ' — not ready'), value: r.revision })),
  ));
  if (revision === undefined) return undefined;
  const plan = planTagSet({ tag, revision, revisions: step.revisions, tags: step.tags, users: await tagUsers(step, tag), target: step.connected.target, istioctlPath: step.istioctlPath });
  if ('refused' in plan) return plan;
  const verb = plan.previous === undefined ? 'Set' : 'Move';
  const ok = await step.prompter.confirm(`${verb} revision tag "${tag}" → "${revision}" in Kubernetes context "${context}"?`, plan.summary.join('\n'), `${verb} Tag`);
  return ok ? plan : undefined;
});

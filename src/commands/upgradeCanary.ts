import { listControlPlanes } from '../install/installer';
import { describeRevision } from '../install/controlPlane';
import { validateRevision } from '../install/options';
import { listRevisionTags, namespacesMatching, tagUserSelectors } from '../install/usage';
import { InjectionEnabled, InjectionLabel, RevisionLabel } from '../istio/names';
import type { Services } from '../services';
import { revisionNameFor } from '../upgrade/revisionName';
import { newUpgrade, type MovePlan, type UpgradeState } from '../upgrade/state';
import { continueUpgrade, openSession, upgradePrompter, upgradeFailure, type UpgradeCommandResult, type UpgradeSession } from './upgradeRun';
import { resumeOrAsk } from './upgradeControls';

/** The tag to move, or namespaces to relabel: only those on the old revision are offered. */
async function askMove(session: UpgradeSession, from: string, to: string): Promise<MovePlan | undefined> {
  const { cluster } = session.connected;
  const tags = (await listRevisionTags(cluster)).filter((t) => t.revision === from);
  const withUsers = await Promise.all(tags.map(async (t) => ({ tag: t.name, namespaces: await namespacesMatching(cluster, tagUserSelectors(t.name)) })));
  const choice = await session.prompter.pickOne<{ tag: string; namespaces: string[] } | 'relabel'>(`How do namespaces move to ${to}? (context "${cluster.context}")`, [
    ...withUsers.map((t) => ({ label: `Move tag "${t.tag}"`, description: t.namespaces.length ? t.namespaces.join(', ') : 'no namespace uses it', value: t })),
    { label: 'Relabel namespaces…', description: `istio.io/rev=${to} on namespaces you choose`, value: 'relabel' as const, picked: tags.length === 0 },
  ], 'A tag moves every namespace that uses it at once; relabelling moves the ones you pick');
  if (!choice) return undefined;
  if (choice !== 'relabel') return { kind: 'tag', tag: choice.tag, namespaces: choice.namespaces };
  const direct = [`${RevisionLabel}=${from}`, ...(from === 'default' ? [`${InjectionLabel}=${InjectionEnabled}`] : [])];
  const names = await namespacesMatching(cluster, direct);
  if (names.length === 0) throw new Error(`No namespace is labelled for revision "${from}" directly in context "${cluster.context}"; move a tag instead.`);
  const picked = await session.prompter.pickMany(`Namespaces to move to ${to} (context "${cluster.context}")`, names.map((n) => ({ label: n, value: n, picked: true })), 'Their workloads restart in the next step');
  if (!picked?.length) return undefined;
  const namespaces = await Promise.all(picked.map(async (name) => ({ name, previous: await session.ops.injectionOf(name) })));
  return { kind: 'relabel', namespaces };
}

async function askUpgrade(session: UpgradeSession): Promise<UpgradeState | undefined> {
  const { cluster, target } = session.connected;
  const [revisions, tags] = await Promise.all([listControlPlanes(cluster), listRevisionTags(cluster)]);
  if (revisions.length === 0) throw new Error(`No Istio control plane in context "${target.context}": Istio: Install… installs one.`);
  const from = revisions.length === 1 ? revisions[0] : await session.prompter.pickOne(`Upgrade which revision? (context "${target.context}")`, revisions.map((r) => ({ label: r.revision, description: describeRevision(r), value: r })));
  if (!from) return undefined;
  const suggested = revisionNameFor(session.istioctlVersion, [...revisions.map((r) => r.revision), ...tags.map((t) => t.name)]);
  const taken = new Set([...revisions.map((r) => r.revision), ...tags.map((t) => t.name)]);
  const to = await session.prompter.input({
    title: `New revision for Istio ${session.istioctlVersion} (istioctl ${session.istioctlPath})`, value: suggested,
    validate: (v) => validateRevision(v) ?? (v === '' ? 'A canary needs a revision name.' : taken.has(v) ? `"${v}" exists already.` : undefined),
  });
  if (!to) return undefined;
  const move = await askMove(session, from.revision, to);
  if (!move) return undefined;
  const state = newUpgrade({ context: target.context, from: { revision: from.revision, version: from.version }, to: { revision: to, version: session.istioctlVersion }, move });
  const moved = move.kind === 'tag' ? `Tag "${move.tag}" (${move.namespaces.join(', ') || 'no namespace yet'})` : `Namespaces ${move.namespaces.map((n) => n.name).join(', ')}`;
  const ok = await session.prompter.confirm(`Upgrade Istio in Kubernetes context "${target.context}"?`, [
    `From revision ${describeRevision(from)} to a new revision "${to}" running Istio ${session.istioctlVersion} (istiod only: gateways stay on their revision).`,
    `Steps: istioctl x precheck --from-version ${from.version || '?'} → istioctl install --revision ${to} → wait until ready → ${moved} → ${to} → restart their workloads → verify every pod's proxy → offer to uninstall "${from.revision}".`,
    'Each step shows in the Upgrade view; Roll Back works from any step.',
  ].join('\n'), 'Start Upgrade');
  return ok ? state : undefined;
}

/** `Istio: Upgrade (Canary)…`: a flow already under way in this context is resumed, rolled back or cancelled instead. */
export const upgradeCanary = (services: Services) => async (args?: unknown): Promise<UpgradeCommandResult> => {
  const prompter = upgradePrompter(services, 'istio.upgradeCanary', args);
  try {
    const session = await openSession(services, prompter);
    if ('status' in session) return session;
    const existing = services.upgrades.get(session.connected.target.context);
    if (existing?.phase === 'active') return resumeOrAsk(session, existing);
    const state = await askUpgrade(session);
    if (!state) return { status: 'cancelled', message: 'Not confirmed.' };
    await services.upgrades.set(state);
    return await continueUpgrade(session, state);
  } catch (err) {
    return upgradeFailure(services, err);
  }
};

import { rootOf } from '../kube';
import { migrationEdit, migrationOf, removedApi } from '../legacyApis';
import { entry, entrySpan } from '../nodes';
import { finding, fix, type Rule } from './rule';

/**
 * A document of an Istio 1.x API that Istio removed (authentication.istio.io and rbac.istio.io in 1.6, Mixer's
 * config.istio.io in 1.8: see src/yaml/legacyApis.ts for the release notes). An error: the API server has no such
 * kind, so applying the file fails. A MeshPolicy or Policy whose translation is mechanical gets a fix that replaces
 * the document with its PeerAuthentication; any other says what to do by hand.
 */
export const removedApiRule: Rule = {
  code: 'removed-api',
  severity: 'error',
  summary: 'An Istio 1.x API that Istio removed (MeshPolicy, Policy, rbac.istio.io, Mixer): names the release and its replacement',
  mayReport(m) {
    return removedApi(m) !== undefined;
  },
  check(m, ctx) {
    const removed = removedApi(m);
    const root = rootOf(m);
    const kind = entry(root, 'kind');
    if (!removed || !kind) return [];
    // The mesh-wide policy's replacement goes to the mesh's root namespace, as the mesh config names it when known.
    const plan = migrationOf(m, ctx.cluster.rootNamespace);
    const byHand = plan?.kind === 'manual' ? ` Not migrated automatically: ${plan.reason}.` : '';
    const edit = migrationEdit(ctx.file, m, plan);
    const title = plan?.kind === 'peerAuthentication' ? `Replace with PeerAuthentication ${plan.namespace ? `${plan.namespace}/` : ''}default (mtls ${plan.mode})` : '';
    return [finding(ctx, this, entrySpan(kind), removed.message + byHand, [edit && fix(title, edit, true)])];
  },
};

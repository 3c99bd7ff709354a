import { Document, isMap } from 'yaml';
import { IstioSystemNamespace } from '../istio/names';
import type { ParsedFile, ParsedManifest } from './parse';
import type { TextEdit } from './types';
import { isRecord } from '../util/objects';

/**
 * The Istio 1.x APIs that no current Istio serves: applying them fails with "no matches for kind". Taken from Istio's
 * release notes, not from memory:
 * - istio.io: news/releases/1.6.x/announcing-1.6/upgrade-notes ("Support ended for v1alpha1 security policy"): the
 *   v1alpha1 authentication policy (authentication.istio.io Policy, MeshPolicy) and RBAC (rbac.istio.io) are gone;
 *   PeerAuthentication, RequestAuthentication and AuthorizationPolicy (security.istio.io) replace them.
 * - istio.io: news/releases/1.8.x/announcing-1.8/upgrade-notes ("Mixer is no longer supported"): config.istio.io,
 *   Mixer's policy and telemetry configuration, is gone; the Telemetry API and Wasm extensions replace it.
 * Each group is gone as a whole (the charts of the testbed's Istio define no CRD of any of them), so every kind of it is
 * flagged, not only the kinds listed here; the 1.8 notes name Mixer, not its kinds.
 */
interface RemovedGroup {
  readonly release: string;
  readonly notes: string;
  /** What replaces a kind of the group, by kind; `*` for the others. */
  readonly replacement: Readonly<Record<string, string>>;
}

const NOTES_16 = 'https://istio.io/latest/news/releases/1.6.x/announcing-1.6/upgrade-notes/';
const NOTES_18 = 'https://istio.io/latest/news/releases/1.8.x/announcing-1.8/upgrade-notes/';

const MIXER = 'the Telemetry API (telemetry.istio.io Telemetry) for metrics, logs and traces, or a Wasm extension (extensions.istio.io WasmPlugin) for policy';

const REMOVED_GROUPS: Readonly<Record<string, RemovedGroup>> = {
  'authentication.istio.io': {
    release: '1.6',
    notes: NOTES_16,
    replacement: {
      MeshPolicy: 'a PeerAuthentication (security.istio.io) named default in the root namespace (istio-system by default)',
      Policy: 'a PeerAuthentication (security.istio.io) for its peers (mTLS), and a RequestAuthentication with an AuthorizationPolicy for its origins (JWT)',
      '*': 'PeerAuthentication and RequestAuthentication (security.istio.io)',
    },
  },
  'rbac.istio.io': {
    release: '1.6',
    notes: NOTES_16,
    // RbacConfig, ClusterRbacConfig, ServiceRole, ServiceRoleBinding.
    replacement: { '*': 'AuthorizationPolicy (security.istio.io)' },
  },
  'config.istio.io': {
    release: '1.8',
    notes: NOTES_18,
    // rule, handler, instance, attributemanifest, adapter, template, HTTPAPISpec(Binding), QuotaSpec(Binding) and the
    // adapter kinds (prometheus, stdio, memquota, ...): all Mixer's.
    replacement: { '*': MIXER },
  },
};

/** The API groups Istio removed, whose every kind `removedApi` reports. */
export const REMOVED_API_GROUPS: readonly string[] = Object.keys(REMOVED_GROUPS);

export interface RemovedApi {
  readonly group: string;
  readonly kind: string;
  readonly release: string;
  readonly message: string;
}

/** What a document of a removed API is, and what replaces it; undefined for any other document. */
export function removedApi(m: Pick<ParsedManifest, 'apiVersion' | 'kind'>): RemovedApi | undefined {
  if (m.apiVersion === undefined || m.kind === undefined) return undefined;
  const group = m.apiVersion.slice(0, Math.max(0, m.apiVersion.indexOf('/')));
  const removed = REMOVED_GROUPS[group];
  if (!removed) return undefined;
  const instead = removed.replacement[m.kind] ?? removed.replacement['*'];
  const mixer = group === 'config.istio.io' ? ', like all of Mixer' : '';
  return {
    group,
    kind: m.kind,
    release: removed.release,
    // 1.6 first ignored these APIs ("Istio ignores these v1alpha1 security policy APIs"); a current Istio has no such CRD.
    message: `${m.kind} (${group}) is no longer supported since Istio ${removed.release}${mixer}, and no current Istio has it: applying it fails with "no matches for kind". Use ${instead} instead (${removed.notes}).`,
  };
}

/** The PeerAuthentication that does what a 1.x authentication policy did, or why that cannot be written for you. */
export type Migration =
  | {
      readonly kind: 'peerAuthentication';
      readonly namespace: string | undefined;
      readonly mode: 'STRICT' | 'PERMISSIVE';
      /** The policy's labels and annotations, kept on the PeerAuthentication. */
      readonly labels?: unknown;
      readonly annotations?: unknown;
    }
  | { readonly kind: 'manual'; readonly reason: string };

/**
 * The translation of an authentication.istio.io/v1alpha1 policy (istio/api authentication/v1alpha1/policy.proto, as
 * the 1.6 upgrade notes map it) when it is mechanical: a MeshPolicy `default`, or a namespace's Policy `default`
 * without targets, whose only setting is one `peers` entry `{mtls: {}}` or `{mtls: {mode: STRICT|PERMISSIVE}}`.
 * An empty `mtls` meant STRICT (the mode's default). Anything else has no one-to-one PeerAuthentication.
 */
function migration(kind: string, object: unknown, rootNamespace: string): Migration | undefined {
  if (kind !== 'MeshPolicy' && kind !== 'Policy') return undefined;
  const manual = (reason: string): Migration => ({ kind: 'manual', reason });
  if (!isRecord(object) || !isRecord(object.metadata)) return manual('the policy has no metadata');
  const { name, namespace } = object.metadata;
  const spec = object.spec ?? {};
  if (!isRecord(spec)) return manual('its spec is not a mapping');
  // What the policy does first: that is what a person has to rewrite, whatever its name.
  const others = Object.keys(spec).filter((k) => k !== 'peers');
  if (others.includes('origins')) return manual('origins (JWT) become a RequestAuthentication, with an AuthorizationPolicy that requires a request principal');
  if (others.includes('principalBinding')) return manual('principalBinding has no equivalent: an AuthorizationPolicy decides which principal counts');
  if (others.includes('targets')) return manual('targets name services (and ports), while a PeerAuthentication selects workloads by label (selector, portLevelMtls)');
  if (others.length > 0) return manual(`${others.join(', ')} has no mechanical translation`);
  if (name !== 'default') return manual(`only a policy named default applies to a whole ${kind === 'MeshPolicy' ? 'mesh' : 'namespace'}; write a PeerAuthentication with a workload selector`);
  if (namespace !== undefined && typeof namespace !== 'string') return manual('its namespace is not a string');
  const peers = spec.peers;
  if (!Array.isArray(peers) || peers.length !== 1) return manual('only a single peers entry with mtls translates (no peers meant plain text: mode DISABLE)');
  const peer: unknown = peers[0];
  if (!isRecord(peer) || Object.keys(peer).length !== 1 || !('mtls' in peer)) return manual('only a peers entry with mtls translates');
  const mtls = peer.mtls ?? {};
  if (!isRecord(mtls) || Object.keys(mtls).some((k) => k !== 'mode')) return manual('only mtls with a mode translates (allowTls has no equivalent)');
  const mode = mtls.mode ?? 'STRICT';
  if (mode !== 'STRICT' && mode !== 'PERMISSIVE') return manual(`mtls mode ${JSON.stringify(mode)} is neither STRICT nor PERMISSIVE`);
  const { labels, annotations } = object.metadata;
  return {
    kind: 'peerAuthentication',
    namespace: kind === 'MeshPolicy' ? rootNamespace : namespace,
    mode,
    ...(isRecord(labels) ? { labels } : {}),
    ...(isRecord(annotations) ? { annotations } : {}),
  };
}

/**
 * `migration` of a document, for authentication.istio.io's MeshPolicy and Policy only. Their data is read with its
 * aliases expanded (the other rules never expand them): within yaml's default limit, so an alias bomb is refused
 * rather than expanded.
 */
export function migrationOf(m: ParsedManifest, rootNamespace: string = IstioSystemNamespace): Migration | undefined {
  if (removedApi(m)?.group !== 'authentication.istio.io' || !m.root || !isMap(m.root) || m.hasErrors) return undefined;
  let object: unknown;
  try {
    object = m.doc.toJS({ maxAliasCount: 100 });
  } catch {
    return { kind: 'manual', reason: 'its aliases expand too far to be read' };
  }
  return migration(m.kind ?? '', object, rootNamespace);
}

/** The PeerAuthentication's YAML. */
function peerAuthenticationYaml(m: Extract<Migration, { kind: 'peerAuthentication' }>): string {
  const metadata: Record<string, unknown> = { name: 'default' };
  if (m.namespace !== undefined) metadata.namespace = m.namespace;
  if (m.labels !== undefined) metadata.labels = m.labels;
  if (m.annotations !== undefined) metadata.annotations = m.annotations;
  const doc = new Document({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata, spec: { mtls: { mode: m.mode } } });
  return doc.toString({ lineWidth: 0 });
}

/**
 * The edit that replaces a policy's document with its PeerAuthentication: the document's root mapping, from the
 * start of its line (so an indented root leaves no stray indentation) to its end, in the file's line endings.
 * Undefined unless `plan` is a PeerAuthentication (see `migration`).
 */
export function migrationEdit(file: ParsedFile, manifest: ParsedManifest, plan: Migration | undefined): TextEdit | undefined {
  const range = manifest.root?.range;
  if (plan?.kind !== 'peerAuthentication' || !range) return undefined;
  const text = file.text;
  let start = range[0];
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  const end = range[1];
  let yaml = peerAuthenticationYaml(plan);
  const atLineStart = start === 0 || text[start - 1] === '\n';
  if (!atLineStart) yaml = '\n' + yaml;
  // The root's range ends after its last line break when it has one: keep the same shape.
  if (!/\r?\n$/.test(text.slice(start, end))) yaml = yaml.replace(/\n$/, '');
  if (text.includes('\r\n')) yaml = yaml.replace(/\n/g, '\r\n');
  return { start, end, newText: yaml };
}

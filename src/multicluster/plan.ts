/**
 * The plan of a multi-cluster mesh (multi-primary, Istio's "Install Multi-Primary" guide): per context what is
 * there, what this run changes, and why it refuses when it must. One plan serves three commands: install a mesh
 * (every cluster a new or re-applied primary), add a cluster to a mesh (the others are members, only linked) and link
 * two existing primaries (both members). Re-running is safe: a `cacerts` of the same root is kept, Istio is
 * re-applied with the same values, remote secrets are re-applied. Pure.
 */
import { formatCommandLine, type ClusterTarget } from '../install/args';
import type { ControlPlaneRevision } from '../install/controlPlane';
import { DEFAULT_OPTIONS, type InstallOptions, type Profile } from '../install/options';
import { buildPlan, type InstallPlan } from '../install/plan';
import { describeFinding, type PrecheckFinding } from '../install/precheck';
import { rootCertificates, type ClusterFacts } from '../mesh/clusterFacts';
import { bundleHoldsRoot, CacertsSecret, describeRoot, type RootCa } from './ca';
import { NetworkLabel } from '../istio/names';

export interface MeshClusterChoice {
  readonly context: string;
  /** Istio's cluster ID (`values.global.multiCluster.clusterName`): unique in the mesh. */
  readonly clusterName: string;
  readonly network: string;
  /** `primary`: gets `cacerts` and Istio (new or re-applied); `member`: already in the mesh, only linked. */
  readonly role: 'primary' | 'member';
  /** `--set` values for this cluster's install only, after the mesh-wide ones. */
  readonly setValues?: readonly string[];
}

export interface MeshOptions {
  readonly meshId: string;
  readonly profile: Profile;
  /** Further `--set` values for every primary's install. */
  readonly setValues: readonly string[];
  readonly readinessTimeoutSeconds: number;
  readonly clusters: readonly MeshClusterChoice[];
}

/** What the inspection read from one cluster. */
export interface ClusterState {
  readonly target: ClusterTarget;
  /** The context's API server; what other clusters' remote secrets point at. */
  readonly server: string;
  /** The `root-cert.pem` of its `cacerts` Secret; undefined when there is no such Secret. */
  readonly cacertsRoot?: string;
  /** Its facts (clusterName undefined without Istio); rootCerts as istiod publishes them. */
  readonly facts: ClusterFacts;
  readonly existing: readonly ControlPlaneRevision[];
  /** Precheck and permission findings (primaries only). */
  readonly findings: readonly PrecheckFinding[];
  readonly lastApplied?: InstallOptions;
}

export interface ClusterPlan {
  readonly choice: MeshClusterChoice;
  readonly state: ClusterState;
  /** `create`: a new intermediate of the root; `keep`: its `cacerts` already holds the root; `none`: a member. */
  readonly cacerts: 'create' | 'keep' | 'none';
  /** istioctl install with the mesh values; undefined for a member. */
  readonly install?: InstallPlan;
  /** Lines for the confirmation, about this context. */
  readonly lines: readonly string[];
}

export interface MeshPlan {
  readonly options: MeshOptions;
  readonly clusters: readonly ClusterPlan[];
  /** [local, remote] contexts: `remote`'s remote secret is written into `local`. */
  readonly links: readonly (readonly [string, string])[];
  /** Why the run cannot go ahead; empty when it can. */
  readonly refusals: readonly string[];
  /** The body of the one confirmation. */
  readonly summary: readonly string[];
}

export interface MeshPlanInput {
  readonly options: MeshOptions;
  readonly states: readonly ClusterState[];
  /** The root the primaries' intermediates come from; undefined when only members are linked. */
  readonly root?: RootCa;
  /** Where a generated root's key was saved; undefined: it is discarded when the run ends. */
  readonly rootKeptAt?: string;
  readonly istioctlPath: string;
  readonly istioctlVersion: string;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A cluster name or network: istioctl puts the name into Secret names, so a DNS-1123 label (max 63). */
export function validateMeshName(value: string, what: string): string | undefined {
  return value.length <= 63 && DNS1123_LABEL.test(value) ? undefined : `"${value}" is not a valid ${what}: use lower-case letters, digits and '-' (max 63).`;
}

/** The values every primary of the mesh is installed with (Istio's multi-primary guide). */
function meshValues(meshId: string, choice: MeshClusterChoice): string[] {
  return [`values.global.meshID=${meshId}`, `values.global.multiCluster.clusterName=${choice.clusterName}`, `values.global.network=${choice.network}`];
}

export function primaryInstallOptions(options: MeshOptions, choice: MeshClusterChoice): InstallOptions {
  return {
    ...DEFAULT_OPTIONS, profile: options.profile, readinessTimeoutSeconds: options.readinessTimeoutSeconds,
    setValues: [...meshValues(options.meshId, choice), ...options.setValues, ...(choice.setValues ?? [])],
  };
}

const q = (s: string) => `"${s}"`;

function cacertsDecision(choice: MeshClusterChoice, state: ClusterState, root: RootCa | undefined, refusals: string[]): ClusterPlan['cacerts'] {
  if (choice.role === 'member') return 'none';
  const ctx = q(choice.context);
  if (!root) {
    refusals.push(`${ctx} is to get Istio, but no root CA was chosen.`);
    return 'none';
  }
  if (state.cacertsRoot !== undefined) {
    if (bundleHoldsRoot(state.cacertsRoot, root.certPem)) return 'keep';
    const theirs = rootCertificates(state.cacertsRoot).length ? describeRoot(state.cacertsRoot) : 'no readable certificate';
    refusals.push(`${ctx} already has the Secret istio-system/${CacertsSecret} of another root, ${theirs}, not the chosen ${describeRoot(root.certPem)}: its istiod and workloads trust that root only, so replacing it would cut them off. ` +
      'Choose that root\'s files ("Use an existing root CA"), or delete the Secret yourself if nothing uses it yet.');
    return 'none';
  }
  if (state.facts.clusterName !== undefined) {
    refusals.push(`${ctx} runs Istio without a plugged-in CA (no Secret istio-system/${CacertsSecret}): its workloads hold certificates of istiod's self-signed root. ` +
      `Plugging a root in needs istiod and every workload restarted: create ${CacertsSecret} (kubectl --context=${choice.context} -n istio-system create secret generic ${CacertsSecret} --from-file=...), restart istiod and the workloads, then run this again.`);
    return 'none';
  }
  return 'create';
}

function memberChecks(choice: MeshClusterChoice, state: ClusterState, options: MeshOptions, root: RootCa | undefined, refusals: string[]): void {
  const ctx = q(choice.context);
  const facts = state.facts;
  if (facts.clusterName === undefined) {
    refusals.push(`${ctx} has no Istio to link: add it as a new cluster instead.`);
    return;
  }
  if (facts.clusterName !== choice.clusterName) refusals.push(`${ctx}'s istiod calls itself ${q(facts.clusterName)}, not ${q(choice.clusterName)}.`);
  if (facts.meshId !== undefined && facts.meshId !== options.meshId) {
    refusals.push(`${ctx} is in mesh ${q(facts.meshId)}, not ${q(options.meshId)}: one mesh needs one mesh ID.`);
  }
  const roots = facts.rootCerts ?? [];
  if (root && roots.length && !roots.some((r) => rootCertificates(root.certPem).includes(r))) {
    refusals.push(`${ctx} trusts another root CA than the chosen ${describeRoot(root.certPem)}: workloads of the two would reject each other's certificates.`);
  }
}

function sharedRootChecks(plans: readonly ClusterState[], refusals: string[]): void {
  const known = plans.filter((s) => (s.facts.rootCerts ?? []).length > 0);
  for (const a of known) {
    for (const b of known.filter((s) => s !== a && s.target.context > a.target.context)) {
      if (!a.facts.rootCerts!.some((r) => b.facts.rootCerts!.includes(r))) {
        refusals.push(`${q(a.target.context)} and ${q(b.target.context)} trust different root CAs: linking them would not let their workloads talk (mTLS fails). Give them one root first.`);
      }
    }
  }
}

function uniqueChecks(options: MeshOptions, refusals: string[]): void {
  const seen = (key: (c: MeshClusterChoice) => string, what: string) => {
    const values = options.clusters.map(key);
    for (const v of new Set(values.filter((x, i) => values.indexOf(x) !== i))) refusals.push(`${what} ${q(v)} is chosen twice: each cluster needs its own.`);
  };
  if (options.clusters.length < 2) refusals.push('A multi-cluster mesh needs two or more contexts.');
  seen((c) => c.context, 'Context');
  seen((c) => c.clusterName, 'Cluster name');
  // Members keep the names they have; only a primary's are new.
  for (const c of options.clusters.filter((x) => x.role === 'primary')) {
    for (const error of [validateMeshName(c.clusterName, 'cluster name'), validateMeshName(c.network, 'network name')]) if (error) refusals.push(error);
  }
  const meshIdError = validateMeshName(options.meshId, 'mesh ID');
  if (meshIdError) refusals.push(meshIdError);
}

/** Remote secrets to write: every pair with a primary in it (new links), or every pair when all are members. */
function meshLinks(choices: readonly MeshClusterChoice[]): [string, string][] {
  const allMembers = choices.every((c) => c.role === 'member');
  return choices.flatMap((local) => choices
    .filter((remote) => remote !== local && (allMembers || local.role === 'primary' || remote.role === 'primary'))
    .map((remote): [string, string] => [local.context, remote.context]));
}

export function planMesh(input: MeshPlanInput): MeshPlan {
  const { options, root } = input;
  const refusals: string[] = [];
  uniqueChecks(options, refusals);
  const links = meshLinks(options.clusters);
  const clusters = options.clusters.map((choice): ClusterPlan => {
    const state = input.states.find((s) => s.target.context === choice.context);
    if (!state) throw new Error(`No inspection of context ${choice.context}`);
    const cacerts = cacertsDecision(choice, state, root, refusals);
    if (choice.role === 'member') memberChecks(choice, state, options, root, refusals);
    for (const f of state.findings.filter((x) => x.level === 'error')) refusals.push(`${q(choice.context)}: ${describeFinding(f)}`);
    const install = choice.role === 'primary'
      ? buildPlan({ target: state.target, istioctlPath: input.istioctlPath, istioctlVersion: input.istioctlVersion, options: primaryInstallOptions(options, choice), existing: state.existing, lastApplied: state.lastApplied, findings: state.findings })
      : undefined;
    const lines = describeCluster(choice, state, cacerts, install, links, root);
    return { choice, state, cacerts, install, lines };
  });
  if (!root) sharedRootChecks(clusters.map((c) => c.state), refusals);
  const summary = [
    `Mesh ${q(options.meshId)}, multi-primary: ${options.clusters.length} clusters.`,
    root ? `Root CA: ${describeRoot(root.certPem)}, ${rootOrigin(root, input.rootKeptAt)}.` : 'Root CA: the clusters\' own (they must share one).',
    ...clusters.flatMap((c) => c.lines),
    ...refusals.map((r) => `Cannot go ahead: ${r}`),
  ];
  return { options, clusters, links, refusals, summary };
}

function rootOrigin(root: RootCa, keptAt: string | undefined): string {
  if (root.source === 'files') return 'from your files; its key is read to sign and stored nowhere';
  return keptAt ? `made now; its key is saved to ${keptAt} (readable by you only): keep it to add clusters later` : 'made now; its key is discarded when this run ends (adding a cluster later then needs a new root)';
}

function describeCluster(choice: MeshClusterChoice, state: ClusterState, cacerts: ClusterPlan['cacerts'], install: InstallPlan | undefined, links: readonly (readonly [string, string])[], root: RootCa | undefined): string[] {
  const lines = [`Context ${q(choice.context)} (${state.server}): cluster ${q(choice.clusterName)}${choice.network ? `, network ${q(choice.network)}` : ''}.`];
  if (cacerts === 'create' && root) lines.push(`  • creates Secret istio-system/${CacertsSecret}: a new intermediate CA (CN=Intermediate CA, L=${choice.clusterName}) signed by the root`);
  if (cacerts === 'keep') lines.push(`  • keeps Secret istio-system/${CacertsSecret}: it already holds this root`);
  if (choice.role === 'primary') lines.push(`  • labels namespace istio-system ${NetworkLabel}=${choice.network}`);
  if (install) {
    lines.push(`  • ${install.summary[0]}`);
    lines.push(`  • runs ${formatCommandLine(install.istioctlPath, install.installArgs)}`);
    if (state.facts.clusterName !== undefined && state.facts.clusterName !== choice.clusterName) {
      lines.push(`  • renames the cluster ${q(state.facts.clusterName)} → ${q(choice.clusterName)}: remote secrets elsewhere that use the old name must be recreated`);
    }
  } else {
    lines.push(`  • keeps its Istio as it is (cluster ${q(state.facts.clusterName ?? '?')}, mesh ${q(state.facts.meshId ?? '?')})`);
  }
  const from = links.filter(([local]) => local === choice.context).map(([, remote]) => q(remote));
  if (from.length) lines.push(`  • writes remote secrets (istioctl create-remote-secret) so its istiod watches ${from.join(', ')}`);
  for (const f of state.findings.filter((x) => x.level !== 'error')) lines.push(`  • ${describeFinding(f)}`);
  return lines;
}

/**
 * The plan shown before anything changes: what is installed now, what this run does, the exact
 * istioctl command line, and the objects the extension applies itself. Pure.
 */
import type { UnstructuredObject } from '../cluster/types';
import { DefaultRevision, IstioSystemNamespace, RevisionLabel } from '../istio/names';
import { addonObjects, describeObject, strictMtlsPolicy } from './addons';
import { formatCommandLine, installArgs, manifestGenerateArgs, type ClusterTarget } from './args';
import { describeRevision, type ControlPlaneRevision } from './controlPlane';
import {
  ADDON_DESCRIPTIONS,
  optionsFromSaved,
  optionsToSaved,
  PROFILE_DESCRIPTIONS,
  profileHasIngressGateway,
  type InstallOptions,
} from './options';
import { describeFinding, type PrecheckFinding } from './precheck';

export type InstallAction = 'install' | 'upgrade' | 'reconfigure' | 'canary';

export interface InstallPlan {
  readonly target: ClusterTarget;
  readonly istioctlPath: string;
  readonly istioctlVersion: string;
  readonly options: InstallOptions;
  readonly action: InstallAction;
  readonly installArgs: readonly string[];
  readonly manifestArgs: readonly string[];
  readonly commandLine: string;
  /** Applied with server-side apply after istioctl: addons, strict mTLS, the record of these options. */
  readonly objects: readonly UnstructuredObject[];
  readonly existing: readonly ControlPlaneRevision[];
  readonly findings: readonly PrecheckFinding[];
  /** Human-readable lines, in order: the body of the confirmation. */
  readonly summary: readonly string[];
}

export interface PlanInput {
  readonly target: ClusterTarget;
  readonly istioctlPath: string;
  readonly istioctlVersion: string;
  readonly options: InstallOptions;
  readonly existing: readonly ControlPlaneRevision[];
  /** The options of the previous install of this revision by the extension, read from the cluster. */
  readonly lastApplied?: InstallOptions;
  readonly findings: readonly PrecheckFinding[];
}

/** The name of the ConfigMap recording the options of the last install of a revision. */
export function installRecordName(revision: string): string {
  return revision === '' || revision === 'default' ? 'istio-mesh-install' : `istio-mesh-install-${revision}`;
}

const INSTALL_RECORD_KEY = 'options.json';

export function installRecord(options: InstallOptions, istioVersion: string): UnstructuredObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: installRecordName(options.revision),
      namespace: IstioSystemNamespace,
      labels: { 'app.kubernetes.io/managed-by': 'istio-mesh', [RevisionLabel]: options.revision || DefaultRevision },
    },
    data: { [INSTALL_RECORD_KEY]: JSON.stringify(optionsToSaved(options)), version: istioVersion },
  };
}

/** Reads a record ConfigMap back; undefined when absent or unreadable. */
export function optionsFromRecord(record: UnstructuredObject | undefined): InstallOptions | undefined {
  const text = (record?.data as Record<string, string> | undefined)?.[INSTALL_RECORD_KEY];
  if (!text) return undefined;
  try {
    return optionsFromSaved(JSON.parse(text) as Record<string, unknown>);
  } catch {
    return undefined;
  }
}

function revisionKey(revision: string): string {
  return revision === '' ? 'default' : revision;
}

/** Decides what this run is, given what is installed. */
export function classifyAction(existing: readonly ControlPlaneRevision[], revision: string, istioctlVersion: string): InstallAction {
  if (existing.length === 0) return 'install';
  const same = existing.find((r) => r.revision === revisionKey(revision));
  if (!same) return 'canary';
  return same.version !== '' && same.version !== istioctlVersion ? 'upgrade' : 'reconfigure';
}

function list(values: readonly string[]): string {
  return values.length === 0 ? 'none' : values.join(', ');
}

/** Lines naming what changes against the last install's options; empty when nothing does. */
export function describeOptionChanges(before: InstallOptions, after: InstallOptions): string[] {
  const changes: string[] = [];
  if (before.profile !== after.profile) changes.push(`profile ${before.profile} → ${after.profile}`);
  if (before.gatewayServiceType !== after.gatewayServiceType) {
    changes.push(`ingress gateway service ${before.gatewayServiceType} → ${after.gatewayServiceType}`);
  }
  if (before.strictMtls !== after.strictMtls) changes.push(`strict mTLS ${before.strictMtls ? 'on' : 'off'} → ${after.strictMtls ? 'on' : 'off'}`);
  const added = after.addons.filter((a) => !before.addons.includes(a));
  const removed = before.addons.filter((a) => !after.addons.includes(a));
  if (added.length) changes.push(`addons added: ${added.join(', ')}`);
  if (removed.length) changes.push(`addons no longer chosen (left installed): ${removed.join(', ')}`);
  const setAdded = after.setValues.filter((v) => !before.setValues.includes(v));
  const setRemoved = before.setValues.filter((v) => !after.setValues.includes(v));
  if (setAdded.length) changes.push(`--set added: ${setAdded.join(' ')}`);
  if (setRemoved.length) changes.push(`--set removed: ${setRemoved.join(' ')}`);
  return changes;
}

export function buildPlan(input: PlanInput): InstallPlan {
  const { options, existing } = input;
  const action = classifyAction(existing, options.revision, input.istioctlVersion);
  const argv = installArgs(options, input.target);
  const objects = [
    ...addonObjects(options.addons, IstioSystemNamespace),
    ...(options.strictMtls ? [strictMtlsPolicy(IstioSystemNamespace)] : []),
    installRecord(options, input.istioctlVersion),
  ];
  const revision = revisionKey(options.revision);
  const summary: string[] = [];
  const same = existing.find((r) => r.revision === revision);
  switch (action) {
    case 'install':
      summary.push(`Installs Istio ${input.istioctlVersion} (revision ${revision}); no control plane is installed now.`);
      break;
    case 'upgrade':
      summary.push(`Upgrades revision ${revision} in place: ${describeRevision(same!)} → ${input.istioctlVersion}.`);
      break;
    case 'reconfigure':
      summary.push(`Istio is already installed: ${describeRevision(same!)}. Re-applies it with the options below.`);
      break;
    case 'canary':
      summary.push(
        `Adds revision ${revision} (Istio ${input.istioctlVersion}) beside ${existing.map(describeRevision).join('; ')}. ` +
          `Namespaces move to it with the label istio.io/rev=${revision}.`,
      );
      break;
  }
  if (input.lastApplied && (action === 'reconfigure' || action === 'upgrade')) {
    const changes = describeOptionChanges(input.lastApplied, options);
    summary.push(changes.length ? `Changes since the last install: ${changes.join('; ')}.` : 'Same options as the last install.');
  }
  summary.push(`Profile: ${options.profile} — ${PROFILE_DESCRIPTIONS[options.profile]}`);
  if (profileHasIngressGateway(options.profile)) {
    summary.push(`Ingress gateway service: ${options.gatewayServiceType === 'default' ? 'LoadBalancer (profile default)' : options.gatewayServiceType}`);
  }
  summary.push(`Mesh-wide strict mTLS: ${options.strictMtls ? `on (PeerAuthentication ${IstioSystemNamespace}/default)` : 'off (permissive)'}`);
  summary.push(`Addons: ${list(options.addons.map((a) => ADDON_DESCRIPTIONS[a].split(':')[0]))}`);
  if (options.setValues.length) summary.push(`Extra values: ${options.setValues.join(' ')}`);
  summary.push(`Command: ${formatCommandLine(input.istioctlPath, argv)}`);
  const applied = objects.slice(0, -1);
  if (applied.length) summary.push(`Then applies (server-side, field manager istio-mesh): ${applied.map(describeObject).join(', ')}`);
  for (const f of input.findings) summary.push(describeFinding(f));
  return {
    target: input.target,
    istioctlPath: input.istioctlPath,
    istioctlVersion: input.istioctlVersion,
    options,
    action,
    installArgs: argv,
    manifestArgs: manifestGenerateArgs(options, input.target),
    commandLine: formatCommandLine(input.istioctlPath, argv),
    objects,
    existing,
    findings: input.findings,
    summary,
  };
}

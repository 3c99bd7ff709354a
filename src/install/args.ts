/**
 * Pure builders of istioctl argument arrays. Every istioctl call of the extension is built here,
 * so the exact argv is unit-tested and the plan shows the user the very command that runs.
 * Flags checked against istioctl 1.31 (`operator/cmd/mesh`, `istioctl/pkg/precheck`).
 */
import type { InstallOptions } from './options';

/** Which cluster istioctl talks to: always explicit, so it never drifts from the context the user confirmed. */
export interface ClusterTarget {
  /** Path of the kubeconfig; empty: istioctl's own default (KUBECONFIG or ~/.kube/config). */
  readonly kubeconfig: string;
  /** The kube context the user confirmed. */
  readonly context: string;
}

function targetArgs(target: ClusterTarget): string[] {
  const args: string[] = [];
  if (target.kubeconfig !== '') args.push('--kubeconfig', target.kubeconfig);
  if (target.context !== '') args.push('--context', target.context);
  return args;
}

/** The `--set`/`--revision` part shared by install and manifest generate, so the plan's manifest matches the install. */
function valueArgs(options: InstallOptions): string[] {
  const args = ['--set', `profile=${options.profile}`];
  if (options.revision !== '') args.push('--revision', options.revision);
  if (options.gatewayServiceType !== 'default') {
    args.push('--set', `values.gateways.istio-ingressgateway.type=${options.gatewayServiceType}`);
  }
  // Jaeger only receives spans when the mesh is told to send them.
  if (options.addons.includes('tracing')) args.push('--set', 'meshConfig.enableTracing=true');
  for (const value of options.setValues) args.push('--set', value);
  return args;
}

/** `istioctl install -y ...`: `-y` skips istioctl's own terminal prompt; our modal confirmation happens before. */
export function installArgs(options: InstallOptions, target: ClusterTarget): string[] {
  return [
    'install',
    '-y',
    ...valueArgs(options),
    '--readiness-timeout',
    `${options.readinessTimeoutSeconds}s`,
    ...targetArgs(target),
  ];
}

/** `istioctl manifest generate` with the same values: the manifest the install would apply. */
export function manifestGenerateArgs(options: InstallOptions, target: ClusterTarget): string[] {
  return ['manifest', 'generate', ...valueArgs(options), ...targetArgs(target)];
}

/**
 * `istioctl x precheck -o json`: Kubernetes version, install permissions, Gateway API CRDs, alpha config; with
 * `fromVersion` (a canary upgrade) also what changed in Istio since that version (`--from-version`).
 */
export function precheckArgs(revision: string, target: ClusterTarget, fromVersion = ''): string[] {
  const args = ['x', 'precheck', '--output', 'json'];
  if (revision !== '') args.push('--revision', revision);
  // istioctl reads `<major>.<minor>` only: "1.30.1" fails its minor-version parse (istioctl/pkg/precheck checkFromVersion).
  const majorMinor = /^v?(\d+\.\d+)/.exec(fromVersion)?.[1];
  if (majorMinor) args.push('--from-version', majorMinor);
  return [...args, ...targetArgs(target)];
}

export type UninstallScope = { readonly kind: 'revision'; readonly revision: string } | { readonly kind: 'purge' };

/** `istioctl uninstall -y --revision X` (one control plane) or `--purge` (everything Istio installed). */
export function uninstallArgs(scope: UninstallScope, target: ClusterTarget): string[] {
  const which = scope.kind === 'purge' ? ['--purge'] : ['--revision', scope.revision];
  return ['uninstall', '-y', ...which, ...targetArgs(target)];
}

/**
 * `istioctl tag set <tag> --revision <rev>` (istioctl/pkg/tag). `--overwrite` moves an existing tag; istioctl refuses
 * an existing tag without it. No `--skip-confirmation`: a tag webhook that would conflict with another injector
 * then makes istioctl ask on a closed stdin, which it takes as "no", and the verification reports nothing changed.
 */
export function tagSetArgs(tag: string, revision: string, overwrite: boolean, target: ClusterTarget): string[] {
  return ['tag', 'set', tag, '--revision', revision, ...(overwrite ? ['--overwrite'] : []), ...targetArgs(target)];
}

/** `istioctl tag remove <tag> --skip-confirmation`: it skips istioctl's own question on namespaces using the tag; ours, with the list, comes first. */
export function tagRemoveArgs(tag: string, target: ClusterTarget): string[] {
  return ['tag', 'remove', tag, '--skip-confirmation', ...targetArgs(target)];
}

/**
 * `istioctl create-remote-secret --name <cluster>` for the cluster of `remote`: a Secret with a kubeconfig (a token of
 * istio-reader-service-account) that another cluster's istiod reads to watch this one. Its output holds the token.
 */
export function createRemoteSecretArgs(clusterName: string, remote: ClusterTarget): string[] {
  return ['create-remote-secret', '--name', clusterName, ...targetArgs(remote)];
}

/** All namespaces, or one. */
export type AnalyzeScope = { readonly kind: 'all' } | { readonly kind: 'namespace'; readonly namespace: string };

/**
 * `istioctl analyze -o json` on the live cluster: JSON is parsed, never the log format, and with JSON istioctl exits 0
 * whatever it found. `--color=false` keeps escape codes out of the messages.
 */
export function analyzeArgs(scope: AnalyzeScope, target: ClusterTarget): string[] {
  const which = scope.kind === 'all' ? ['--all-namespaces'] : ['--namespace', scope.namespace];
  return ['analyze', '--output', 'json', '--color=false', ...which, ...targetArgs(target)];
}

/** The client version only: never contacts the cluster. */
export function clientVersionArgs(): string[] {
  return ['version', '--remote=false', '--output', 'json'];
}

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** For display only (the plan, the output channel): a POSIX-shell-quoted command line. Never executed. */
export function formatCommandLine(executable: string, args: readonly string[]): string {
  return [executable, ...args].map((a) => (SAFE_WORD.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

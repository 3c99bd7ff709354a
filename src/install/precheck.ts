/**
 * Checks before changing anything: istioctl's own precheck, our permission checks
 * (SelfSubjectAccessReview through the cluster wrapper), and version compatibility.
 */
import type { InstallCluster } from './installCluster';
import type { Compatibility } from './versions';

export type FindingLevel = 'error' | 'warning' | 'info';

export interface PrecheckFinding {
  readonly level: FindingLevel;
  /** Istio's analyzer code (IST0141...) where there is one. */
  readonly code?: string;
  readonly message: string;
  readonly source: 'istioctl' | 'permissions' | 'versions';
}

/** What installing creates (mirrors istioctl's `checkInstallPermissions`) plus what the extension applies itself. */
function installPermissionChecks(istioNamespace: string): { group: string; resource: string; namespace?: string }[] {
  return [
    { group: '', resource: 'namespaces' },
    { group: 'rbac.authorization.k8s.io', resource: 'clusterroles' },
    { group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings' },
    { group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' },
    { group: 'admissionregistration.k8s.io', resource: 'mutatingwebhookconfigurations' },
    { group: 'admissionregistration.k8s.io', resource: 'validatingwebhookconfigurations' },
    { group: 'rbac.authorization.k8s.io', resource: 'roles', namespace: istioNamespace },
    { group: '', resource: 'serviceaccounts', namespace: istioNamespace },
    { group: '', resource: 'services', namespace: istioNamespace },
    { group: 'apps', resource: 'deployments', namespace: istioNamespace },
    { group: '', resource: 'configmaps', namespace: istioNamespace },
    { group: 'security.istio.io', resource: 'peerauthentications', namespace: istioNamespace },
  ];
}

function qualified(check: { group: string; resource: string; namespace?: string }): string {
  const name = check.group ? `${check.resource}.${check.group}` : check.resource;
  return check.namespace ? `${name} in namespace ${check.namespace}` : `${name} (cluster-wide)`;
}

/** Asks the API server which of the needed `create` permissions the user lacks; one finding naming all of them. */
export async function checkPermissions(cluster: InstallCluster, istioNamespace: string): Promise<PrecheckFinding[]> {
  const checks = installPermissionChecks(istioNamespace);
  const answers = await Promise.all(checks.map((c) => cluster.canI('create', { group: c.group, resource: c.resource }, c.namespace)));
  const missing = checks.filter((_, i) => !answers[i]).map(qualified);
  if (missing.length === 0) return [];
  return [
    {
      level: 'error',
      code: 'IST0141',
      source: 'permissions',
      message: `Your user in context "${cluster.context}" may not create: ${missing.join(', ')}. Installing Istio needs cluster-admin-like rights.`,
    },
  ];
}

const LEVELS: Record<string, FindingLevel> = { Error: 'error', Warning: 'warning', Info: 'info' };

/**
 * Reads `istioctl x precheck -o json`. With no findings istioctl prints nothing on stdout (a
 * success line goes to stderr); with findings, a JSON array; when it cannot run at all, an
 * `Error: ...` line on stderr and a non-zero exit.
 */
export function parsePrecheckOutput(exitCode: number | null, stdout: string, stderr: string): PrecheckFinding[] {
  const text = stdout.trim();
  if (text.startsWith('[')) {
    try {
      const messages = JSON.parse(text) as { code?: string; level?: string; message?: string; origin?: string }[];
      return messages.map((m) => ({
        level: LEVELS[m.level ?? ''] ?? 'warning',
        code: m.code,
        source: 'istioctl' as const,
        message: m.origin && m.origin !== 'Cluster' ? `${m.message} (${m.origin})` : String(m.message ?? ''),
      }));
    } catch {
      // Fall through: treat as text.
    }
  }
  if (exitCode === 0) return [];
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  // With findings istioctl also ends with "Error: Issues found when checking the cluster..." (already reported above).
  const error = lines.reverse().find((l) => l.startsWith('Error:')) ?? lines[0] ?? `istioctl x precheck exited with ${exitCode}`;
  return [{ level: 'error', source: 'istioctl', message: `istioctl x precheck failed: ${error.replace(/^Error:\s*/, '')}` }];
}

export function compatibilityFinding(c: Compatibility): PrecheckFinding | undefined {
  return c.level === 'ok' ? undefined : { level: c.level, source: 'versions', message: c.message };
}

export function hasBlockingFindings(findings: readonly PrecheckFinding[]): boolean {
  return findings.some((f) => f.level === 'error');
}

export function describeFinding(f: PrecheckFinding): string {
  const mark = f.level === 'error' ? '✘' : f.level === 'warning' ? '⚠' : 'ℹ';
  return `${mark} ${f.code ? `${f.code} ` : ''}${f.message}`;
}

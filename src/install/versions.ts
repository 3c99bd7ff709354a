/**
 * Versions: parsing istioctl's and the API server's version reports, and checking that an istioctl
 * release supports the cluster's Kubernetes version (Istio's published support table).
 */

export interface MinorVersion {
  readonly major: number;
  readonly minor: number;
}

/** Parses `1.29.0`, `v1.34.2+k3s1`, `1.31-dev`, `1.31.0-alpha.1` into major.minor; undefined when not a version. */
export function parseMinorVersion(text: string): MinorVersion | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(text.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

function formatMinor(v: MinorVersion): string {
  return `${v.major}.${v.minor}`;
}

function compareMinor(a: MinorVersion, b: MinorVersion): number {
  return a.major - b.major || a.minor - b.minor;
}

/**
 * Kubernetes minors each Istio minor supports (istio.io "Supported Releases").
 * 1.31 is the development line the testbed builds: its minimum comes from istioctl's own check
 * (`k8sversion.MinK8SVersion = 32`); no maximum is published yet, so newer clusters only warn.
 */
const SUPPORTED_KUBERNETES: Readonly<Record<string, { readonly min: string; readonly max?: string }>> = {
  '1.31': { min: '1.32' },
  '1.29': { min: '1.31', max: '1.35' },
  '1.28': { min: '1.30', max: '1.34' },
  '1.27': { min: '1.29', max: '1.33' },
  '1.26': { min: '1.29', max: '1.33' },
  '1.25': { min: '1.29', max: '1.32' },
  '1.24': { min: '1.28', max: '1.31' },
};

/** `istioctl version --remote=false -o json` prints `{"clientVersion": {"version": "1.29.0", ...}}`. */
export function parseIstioctlVersionJson(stdout: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(stdout);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const client = (parsed as { clientVersion?: unknown }).clientVersion;
    if (typeof client !== 'object' || client === null) return undefined;
    const version = (client as { version?: unknown }).version;
    return typeof version === 'string' && version !== '' ? version : undefined;
  } catch {
    return undefined;
  }
}

export type CompatibilityLevel = 'ok' | 'warning' | 'error';

export interface Compatibility {
  readonly level: CompatibilityLevel;
  readonly message: string;
}

/**
 * Checks istioctl against the cluster's Kubernetes version (`gitVersion` of `/version`).
 * Too old a cluster is an error (Istio relies on APIs it does not have); a cluster newer than the
 * tested range is a warning (usually works, not tested upstream); an unknown istioctl minor is a warning.
 */
export function checkKubernetesSupport(istioctlVersion: string, kubernetesVersion: string): Compatibility {
  const istio = parseMinorVersion(istioctlVersion);
  const kube = parseMinorVersion(kubernetesVersion);
  if (!istio) return { level: 'warning', message: `Cannot read the istioctl version "${istioctlVersion}".` };
  if (!kube) return { level: 'warning', message: `Cannot read the Kubernetes version "${kubernetesVersion}".` };
  const range = SUPPORTED_KUBERNETES[formatMinor(istio)];
  if (!range) {
    return {
      level: 'warning',
      message: `Istio ${formatMinor(istio)} is not in this extension's support table; istioctl's precheck decides.`,
    };
  }
  const min = parseMinorVersion(range.min)!;
  const described = range.max ? `${range.min}–${range.max}` : `${range.min} or newer`;
  if (compareMinor(kube, min) < 0) {
    return {
      level: 'error',
      message: `istioctl ${istioctlVersion} is too new for this cluster: Istio ${formatMinor(istio)} supports Kubernetes ${described}, the cluster runs ${kubernetesVersion}. Use an older istioctl (setting istio.istioctlPath) or upgrade the cluster.`,
    };
  }
  if (range.max && compareMinor(kube, parseMinorVersion(range.max)!) > 0) {
    return {
      level: 'warning',
      message: `istioctl ${istioctlVersion} may be too old for this cluster: Istio ${formatMinor(istio)} is tested on Kubernetes ${described}, the cluster runs ${kubernetesVersion}.`,
    };
  }
  return { level: 'ok', message: `Istio ${formatMinor(istio)} supports Kubernetes ${formatMinor(kube)}.` };
}

/**
 * Checks istioctl against a control plane already installed: Istio upgrades in place by at most
 * two minors, and an older istioctl would downgrade it.
 */
export function checkUpgrade(istioctlVersion: string, installedVersion: string): Compatibility {
  const to = parseMinorVersion(istioctlVersion);
  const from = parseMinorVersion(installedVersion);
  if (!to || !from) return { level: 'ok', message: '' };
  const diff = compareMinor(to, from);
  if (diff < 0) {
    return {
      level: 'warning',
      message: `istioctl ${istioctlVersion} is older than the installed control plane ${installedVersion}: this is a downgrade.`,
    };
  }
  if (to.major === from.major && to.minor - from.minor > 2) {
    return {
      level: 'error',
      message: `Upgrading from ${installedVersion} to ${istioctlVersion} skips more than two minor versions, which Istio does not support. Upgrade in steps.`,
    };
  }
  return { level: 'ok', message: diff === 0 ? 'Same minor version.' : `Upgrade from ${installedVersion} to ${istioctlVersion}.` };
}

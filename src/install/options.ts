/** The install options the user picks, their defaults, and how saved defaults are read back. */

export const PROFILES = ['default', 'demo', 'minimal', 'ambient', 'empty', 'preview', 'remote'] as const;
export type Profile = (typeof PROFILES)[number];

/** One line each, shown beside the profile in the pick. Paraphrased from Istio's profile docs. */
export const PROFILE_DESCRIPTIONS: Readonly<Record<Profile, string>> = {
  default: 'istiod and an ingress gateway: recommended for production',
  demo: 'everything on, with high trace sampling: for trying Istio out, not for production',
  minimal: 'istiod only, no gateways: add gateways yourself later',
  ambient: 'sidecar-less data plane: istiod, CNI and ztunnel',
  empty: 'nothing: a base to build on with --set values',
  preview: 'experimental features that are not yet stable',
  remote: 'a cluster whose control plane runs in another cluster',
};

export const ADDONS = ['kiali', 'grafana', 'prometheus', 'tracing'] as const;
export type Addon = (typeof ADDONS)[number];

export const ADDON_DESCRIPTIONS: Readonly<Record<Addon, string>> = {
  kiali: 'Kiali: mesh topology and configuration console',
  grafana: 'Grafana: dashboards for mesh metrics',
  prometheus: 'Prometheus: collects the metrics Kiali and Grafana read',
  tracing: 'Jaeger: distributed tracing (also turns on meshConfig.enableTracing)',
};

/** `default` keeps what the profile says (LoadBalancer where the profile has an ingress gateway). */
export const GATEWAY_SERVICE_TYPES = ['default', 'LoadBalancer', 'NodePort'] as const;
export type GatewayServiceType = (typeof GATEWAY_SERVICE_TYPES)[number];

export interface InstallOptions {
  readonly profile: Profile;
  /** Empty: the default revision. Otherwise a DNS-1123 label, e.g. `canary` or `1-31`. */
  readonly revision: string;
  readonly gatewayServiceType: GatewayServiceType;
  readonly strictMtls: boolean;
  readonly addons: readonly Addon[];
  /** Free `--set` values, each `path=value`, passed to istioctl as they are. */
  readonly setValues: readonly string[];
  /** istioctl's `--readiness-timeout`, in seconds. */
  readonly readinessTimeoutSeconds: number;
}

export const DEFAULT_OPTIONS: InstallOptions = {
  profile: 'default',
  revision: '',
  gatewayServiceType: 'default',
  strictMtls: false,
  addons: [],
  setValues: [],
  readinessTimeoutSeconds: 300,
};

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Same rule istioctl applies to `--revision`: a DNS-1123 label (max 63 characters). */
export function validateRevision(revision: string): string | undefined {
  if (revision === '') return undefined;
  if (revision.length > 63 || !DNS1123_LABEL.test(revision)) {
    return `"${revision}" is not a valid revision: use lower-case letters, digits and '-', starting and ending with a letter or digit (max 63).`;
  }
  return undefined;
}

/** A `--set` value must be `path=value` with a non-empty path without spaces. */
export function validateSetValue(entry: string): string | undefined {
  const eq = entry.indexOf('=');
  if (eq <= 0) return `"${entry}" is not path=value (e.g. meshConfig.accessLogFile=/dev/stdout).`;
  if (/\s/.test(entry.slice(0, eq))) return `The path in "${entry}" contains a space.`;
  return undefined;
}

/**
 * Splits what the user typed in the free `--set` box at whitespace. A comma stays inside its value: istioctl's
 * `--set` is a string array, one value per flag (operator/cmd/mesh/install.go:86, StringArrayVarP), so `a=x,y` is one.
 */
export function parseSetValues(text: string): string[] {
  return text
    .split(/\s+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function oneOf<T extends string>(allowed: readonly T[], value: unknown, fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/**
 * Reads the saved `istio.install.defaults` object. Users can edit settings by hand, so every field
 * is checked and anything unknown or malformed falls back to the default instead of failing.
 */
export function optionsFromSaved(saved: Record<string, unknown> | undefined): InstallOptions {
  const s = saved ?? {};
  const revision = typeof s.revision === 'string' && validateRevision(s.revision) === undefined ? s.revision : '';
  const addons = Array.isArray(s.addons) ? ADDONS.filter((a) => (s.addons as unknown[]).includes(a)) : [];
  const setValues = Array.isArray(s.setValues)
    ? s.setValues.filter((v): v is string => typeof v === 'string' && validateSetValue(v) === undefined)
    : [];
  const timeout = typeof s.readinessTimeoutSeconds === 'number' && s.readinessTimeoutSeconds > 0
    ? Math.round(s.readinessTimeoutSeconds)
    : DEFAULT_OPTIONS.readinessTimeoutSeconds;
  return {
    profile: oneOf(PROFILES, s.profile, DEFAULT_OPTIONS.profile),
    revision,
    gatewayServiceType: oneOf(GATEWAY_SERVICE_TYPES, s.gatewayServiceType, DEFAULT_OPTIONS.gatewayServiceType),
    strictMtls: typeof s.strictMtls === 'boolean' ? s.strictMtls : DEFAULT_OPTIONS.strictMtls,
    addons,
    setValues,
    readinessTimeoutSeconds: timeout,
  };
}

/** The object stored in `istio.install.defaults` (plain JSON). */
export function optionsToSaved(options: InstallOptions): Record<string, unknown> {
  return {
    profile: options.profile,
    revision: options.revision,
    gatewayServiceType: options.gatewayServiceType,
    strictMtls: options.strictMtls,
    addons: [...options.addons],
    setValues: [...options.setValues],
    readinessTimeoutSeconds: options.readinessTimeoutSeconds,
  };
}

/** Whether the profile installs an ingress gateway, so the service-type question makes sense. */
export function profileHasIngressGateway(profile: Profile): boolean {
  return profile === 'default' || profile === 'demo' || profile === 'preview';
}

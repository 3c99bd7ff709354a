/**
 * The install questions, in order, with the last-used answers as defaults. Pure: the prompter is
 * passed in (the command passes the VS Code one, tests a scripted one).
 */
import {
  ADDON_DESCRIPTIONS,
  ADDONS,
  GATEWAY_SERVICE_TYPES,
  parseSetValues,
  PROFILE_DESCRIPTIONS,
  PROFILES,
  profileHasIngressGateway,
  validateRevision,
  validateSetValue,
  type Addon,
  type GatewayServiceType,
  type InstallOptions,
  type Profile,
} from './options';

/** The subset of the commands' `Prompter` the questions use (structurally the same). */
export interface OptionPrompter {
  pickOne<T>(title: string, items: readonly { label: string; description?: string; value: T; picked?: boolean }[], placeholder?: string): Promise<T | undefined>;
  pickMany<T>(title: string, items: readonly { label: string; description?: string; value: T; picked?: boolean }[], placeholder?: string): Promise<T[] | undefined>;
  input(request: { title: string; prompt?: string; value?: string; placeholder?: string; validate?: (v: string) => string | undefined }): Promise<string | undefined>;
}

const GATEWAY_DESCRIPTIONS: Readonly<Record<GatewayServiceType, string>> = {
  default: "keep the profile's choice (LoadBalancer)",
  LoadBalancer: 'an external load balancer from the cloud provider',
  NodePort: 'a port on every node: for clusters without a load balancer (kind, minikube, bare metal)',
};

const step = (n: number, total: number, what: string) => `Install Istio (${n}/${total}): ${what}`;

function validateSetText(text: string): string | undefined {
  for (const entry of parseSetValues(text)) {
    const error = validateSetValue(entry);
    if (error) return error;
  }
  return undefined;
}

/** Asks every question; undefined as soon as one is dismissed (nothing is changed then). */
export async function askInstallOptions(prompter: OptionPrompter, defaults: InstallOptions): Promise<InstallOptions | undefined> {
  const total = 6;
  const profile = await prompter.pickOne<Profile>(
    step(1, total, 'profile'),
    PROFILES.map((p) => ({ label: p, description: PROFILE_DESCRIPTIONS[p], value: p, picked: p === defaults.profile })),
    'Which configuration profile?',
  );
  if (profile === undefined) return undefined;

  const revision = await prompter.input({
    title: step(2, total, 'revision'),
    prompt: 'Optional revision name, e.g. canary or 1-29 (a second control plane beside the default one). Empty: the default revision.',
    value: defaults.revision,
    placeholder: 'default revision',
    validate: (v) => validateRevision(v.trim()),
  });
  if (revision === undefined) return undefined;

  let gatewayServiceType: GatewayServiceType = 'default';
  if (profileHasIngressGateway(profile)) {
    const picked = await prompter.pickOne<GatewayServiceType>(
      step(3, total, 'ingress gateway service'),
      GATEWAY_SERVICE_TYPES.map((t) => ({ label: t === 'default' ? 'Profile default' : t, description: GATEWAY_DESCRIPTIONS[t], value: t, picked: t === defaults.gatewayServiceType })),
      'How is the ingress gateway exposed?',
    );
    if (picked === undefined) return undefined;
    gatewayServiceType = picked;
  }

  const strictMtls = await prompter.pickOne<boolean>(
    step(4, total, 'mutual TLS'),
    [
      { label: 'Permissive', description: 'accept plaintext and mTLS: safe while workloads join the mesh', value: false, picked: !defaults.strictMtls },
      { label: 'Strict mesh-wide', description: 'only mTLS between workloads (PeerAuthentication default in istio-system)', value: true, picked: defaults.strictMtls },
    ],
    'Mesh-wide mutual TLS',
  );
  if (strictMtls === undefined) return undefined;

  const addons = await prompter.pickMany<Addon>(
    step(5, total, 'addons'),
    ADDONS.map((a) => ({ label: ADDON_DESCRIPTIONS[a].split(':')[0], description: ADDON_DESCRIPTIONS[a].split(': ')[1], value: a, picked: defaults.addons.includes(a) })),
    'Observability addons (none is fine)',
  );
  if (addons === undefined) return undefined;

  const setText = await prompter.input({
    title: step(6, total, 'extra values'),
    prompt: 'Optional --set values, separated by spaces, e.g. meshConfig.accessLogFile=/dev/stdout',
    value: defaults.setValues.join(' '),
    placeholder: 'none',
    validate: validateSetText,
  });
  if (setText === undefined) return undefined;

  return {
    profile,
    revision: revision.trim(),
    gatewayServiceType,
    strictMtls,
    addons: ADDONS.filter((a) => addons.includes(a)),
    setValues: parseSetValues(setText),
    readinessTimeoutSeconds: defaults.readinessTimeoutSeconds,
  };
}

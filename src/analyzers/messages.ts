import type { IstCode, Severity } from '../yaml/types';

export type { IstCode };

export type IstLevel = 'Error' | 'Warning' | 'Info';

export interface MessageType {
  readonly name: string;
  readonly level: IstLevel;
  /** Go format text, as in Istio's pkg/config/analysis/msg/messages.yaml (a unit test compares them). */
  readonly template: string;
}

/**
 * The messages our analyzers report, written to say exactly what `istioctl analyze` says (same name, level and
 * template as messages.yaml at the testbed's Istio; test/unit/analyzers/messages.test.ts reads that file).
 */
export const MESSAGES = {
  IST0002: { name: 'Deprecated', level: 'Warning', template: 'Deprecated: %s' },
  IST0101: { name: 'ReferencedResourceNotFound', level: 'Error', template: 'Referenced %s not found: %q' },
  IST0107: { name: 'MisplacedAnnotation', level: 'Warning', template: 'Misplaced annotation: %s can only be applied to %s' },
  IST0108: { name: 'UnknownAnnotation', level: 'Warning', template: 'Unknown annotation: %s' },
  IST0109: {
    name: 'ConflictingMeshGatewayVirtualServiceHosts',
    level: 'Error',
    template: 'The VirtualServices %s associated with mesh gateway define the same host %s which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.',
  },
  IST0111: { name: 'MultipleSidecarsWithoutWorkloadSelectors', level: 'Error', template: 'The Sidecars %v in namespace %q have no workload selector, which can lead to undefined behavior.' },
  IST0112: {
    name: 'VirtualServiceDestinationPortSelectorRequired',
    level: 'Error',
    template: 'This VirtualService routes to a service %q that exposes multiple ports %v. Specifying a port in the destination is required to disambiguate.',
  },
  IST0116: {
    name: 'DeploymentAssociatedToMultipleServices',
    level: 'Warning',
    template: 'This deployment %s is associated with multiple services using port %d but different protocols: %v',
  },
  IST0118: { name: 'PortNameIsNotUnderNamingConvention', level: 'Info', template: "Port name %s (port: %d, targetPort: %s) doesn't follow the naming convention of Istio port." },
  IST0125: { name: 'InvalidAnnotation', level: 'Warning', template: 'Invalid annotation %s: %s' },
  IST0128: {
    name: 'NoServerCertificateVerificationDestinationLevel',
    level: 'Warning',
    template: 'DestinationRule %s in namespace %s has TLS mode set to %s but no caCertificates are set to validate server identity for host: %s',
  },
  IST0129: {
    name: 'NoServerCertificateVerificationPortLevel',
    level: 'Warning',
    template: 'DestinationRule %s in namespace %s has TLS mode set to %s but no caCertificates are set to validate server identity for host: %s at port %s',
  },
  IST0132: { name: 'VirtualServiceHostNotFoundInGateway', level: 'Warning', template: 'one or more host %v defined in VirtualService %s not found in Gateway %s.' },
  IST0134: { name: 'ServiceEntryAddressesRequired', level: 'Warning', template: 'ServiceEntry addresses are required for this protocol.' },
  IST0135: { name: 'DeprecatedAnnotation', level: 'Info', template: 'Annotation %q has been deprecated%s and may not work in future Istio versions.' },
  IST0144: { name: 'InvalidApplicationUID', level: 'Warning', template: 'User ID (UID) 1337 is reserved for the sidecar proxy.' },
  IST0150: {
    name: 'ExternalNameServiceTypeInvalidPortName',
    level: 'Warning',
    template: 'Port name for ExternalName service is invalid. Proxy may prevent tcp named ports and unmatched traffic for ports serving TCP protocol from being forwarded correctly',
  },
  IST0151: {
    name: 'EnvoyFilterUsesRelativeOperation',
    level: 'Warning',
    template: 'This EnvoyFilter does not have a priority and has a relative patch operation set which can cause the EnvoyFilter not to be applied. Using the INSERT_FIRST of ADD option or setting the priority may help in ensuring the EnvoyFilter is applied correctly.',
  },
  IST0152: { name: 'EnvoyFilterUsesReplaceOperationIncorrectly', level: 'Error', template: 'The REPLACE operation is only valid for HTTP_FILTER and NETWORK_FILTER.' },
  IST0153: { name: 'EnvoyFilterUsesAddOperationIncorrectly', level: 'Error', template: 'The ADD operation will be ignored when applyTo is set to ROUTE_CONFIGURATION, or HTTP_ROUTE.' },
  IST0154: { name: 'EnvoyFilterUsesRemoveOperationIncorrectly', level: 'Error', template: 'The REMOVE operation will be ignored when applyTo is set to ROUTE_CONFIGURATION, or HTTP_ROUTE.' },
  IST0155: {
    name: 'EnvoyFilterUsesRelativeOperationWithProxyVersion',
    level: 'Warning',
    template: 'This EnvoyFilter does not have a priority and has a relative patch operation (NSTERT_BEFORE/AFTER, REPLACE, MERGE, DELETE) and proxyVersion set which can cause the EnvoyFilter not to be applied during an upgrade. Using the INSERT_FIRST or ADD option or setting the priority may help in ensuring the EnvoyFilter is applied correctly.',
  },
  IST0157: { name: 'InvalidTelemetryProvider', level: 'Warning', template: 'The Telemetry %v in namespace %q with empty providers will be ignored.' },
} as const satisfies Record<IstCode, MessageType>;

export type KnownCode = keyof typeof MESSAGES;

export const KNOWN_CODES = Object.keys(MESSAGES) as KnownCode[];

export function severityOf(level: IstLevel): Severity {
  return level === 'Error' ? 'error' : level === 'Warning' ? 'warning' : 'info';
}

/** Each code's reference page, the diagnostic's link. */
export function docsUrl(code: IstCode): string {
  return `https://istio.io/latest/docs/reference/config/analysis/${code.toLowerCase()}/`;
}

export function isIstCode(code: string): code is IstCode {
  return /^IST[0-9]{4}$/.test(code);
}

/** Go's `%s %v %d %q` (the verbs the templates use), so our messages read as istioctl's. */
export function format(template: string, args: readonly (string | number)[]): string {
  let i = 0;
  return template.replace(/%[svdq%]/g, (verb) => {
    if (verb === '%%') return '%';
    const arg = args[i++];
    if (verb === '%q') return JSON.stringify(String(arg));
    return String(arg);
  });
}

export function messageText(code: KnownCode, ...args: (string | number)[]): string {
  return format(MESSAGES[code].template, args);
}

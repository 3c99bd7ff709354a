/**
 * Istio settings of earlier releases that no current Istio reads (or no longer supports). Taken from Istio's own
 * sources, and checked against them by test/unit/yaml/removedFields.test.ts at the testbed's pinned versions:
 * - installation values (`spec.values`): each path is absent from the values schema (operator/pkg/apis/values_types.proto);
 * - mesh config (`spec.meshConfig`, `spec.values.meshConfig`): every name MeshConfig and ProxyConfig reserve in
 *   istio.io/api (mesh/v1alpha1/config.proto, proxy.proto) is here;
 * - components (`spec.components.*`, `spec.addonComponents`): absent from IstioOperatorSpec (operator/pkg/apis/types.go);
 * - a removed enum value (`outboundTrafficPolicy.mode: VIRTUAL_SERVICE_ONLY`): reserved by its enum in istio.io/api;
 * - the Lightstep and OpenCensus tracers: still fields, but release note 54002.yaml removed their support in 1.27.
 * A `note` is the file of Istio's releasenotes/notes that announced the removal. Most notes carry no release number:
 * Mixer's (25669.yaml) is the upgrade note istio.io publishes for 1.8, and 54002.yaml names 1.27 in its text; for the
 * others the release is left unnamed. The same table serves an IstioOperator, the `istio` ConfigMap's mesh config
 * and Helm values files (src/yaml/removedFieldScan.ts).
 *
 * What a current istioctl does with them (operator/pkg/apis/validation/validation.go): values and mesh config are read
 * leniently, so a removed setting is dropped without a word and does nothing; the IstioOperator's own fields are read
 * strictly, so a removed component fails the install ("unknown field").
 */

/** Where a removed setting lives in an IstioOperator's spec. */
export type RemovedPlace = 'values' | 'meshConfig' | 'components';

/** What the quick fix may do: remove the dead key, only when it turns a component off, or nothing (done by hand). */
export type RemovedFix = 'remove' | 'removeWhenDisabled' | undefined;

export interface RemovedField {
  readonly place: RemovedPlace;
  /**
   * Keys under `spec` (mesh config: under `meshConfig`, in lowerCamelCase; its snake_case spelling is matched too).
   * `[]` stands for every item of a list (`extensionProviders[].lightstep`).
   */
  readonly path: readonly string[];
  /** Only this value of the setting is gone (an enum value Istio reserves); the setting itself stays. */
  readonly value?: string;
  /** The release, only when an Istio note names it (the note's text says it: the oracle test checks). */
  readonly release?: string;
  readonly note?: string;
  /** The istio.io/api file that reserves a removed enum value (no release note announced it). */
  readonly reservedIn?: string;
  /** What a current Istio does with it, when that is not what its place implies (see `removedFieldMessage`). */
  readonly effect?: string;
  /** Istio refuses it (the install, or the whole mesh config): an error, not a warning. */
  readonly rejected?: boolean;
  /** What to do instead: the replacement, or why nothing is needed. */
  readonly instead: string;
  readonly fix?: RemovedFix;
}

const MIXER_NOTE = '25669.yaml';
const HELM_CLEANUP_NOTE = '51987.yaml';
const UPGRADE_NOTES_18 = 'https://istio.io/latest/news/releases/1.8.x/announcing-1.8/upgrade-notes/';
const TELEMETRY = 'Mixer is gone; the Telemetry API (telemetry.istio.io) configures metrics, logs and traces, and a WasmPlugin can enforce policy';
const ADDONS = "Istio no longer installs addons; apply Istio's samples/addons manifests (or each project's own chart)";
const ISTIOD = 'nothing: istiod does this since the control plane became one binary';

const mixer = (place: RemovedPlace, path: string, fix: RemovedFix = 'remove'): RemovedField => ({
  place,
  path: path.split('.'),
  release: '1.8',
  note: MIXER_NOTE,
  instead: TELEMETRY,
  fix,
});

const value = (path: string, instead: string, fix?: RemovedFix, note?: string): RemovedField => ({ place: 'values', path: ['values', ...path.split('.')], instead, fix, note });
const cleanup = (path: string, instead = 'it had no effect any more') => value(path, instead, 'remove', HELM_CLEANUP_NOTE);
const mesh = (name: string, instead: string, fix?: RemovedFix, note?: string): RemovedField => ({ place: 'meshConfig', path: name.split('.'), instead, fix, note });

// Lightstep and OpenCensus: 54002.yaml says "The telemetry providers Lightstep and Opencensus are removed in v1.27".
const TRACERS_NOTE = '54002.yaml';
const OTEL = 'define an opentelemetry provider in meshConfig.extensionProviders and select it with a Telemetry resource (tracing.providers)';
const NO_TRACING = 'istiod sets up no tracing for it (it logs that the provider is deprecated), so it does nothing';
const UNSUPPORTED = 'Istio no longer supports this tracer (the sidecar still hands it to Envoy, untested by Istio)';
const tracer = (entry: Omit<RemovedField, 'release' | 'note' | 'instead'>): RemovedField => ({ ...entry, release: '1.27', note: TRACERS_NOTE, instead: OTEL });
const component = (path: string, instead: string, fix: RemovedFix = 'removeWhenDisabled', note?: string): RemovedField => ({ place: 'components', path: path.split('.'), instead, fix, note });

export const REMOVED_FIELDS: readonly RemovedField[] = [
  // Installation values.
  mixer('values', 'values.mixer'),
  mixer('values', 'values.telemetry.v1'),
  mixer('values', 'values.global.disablePolicyChecks'),
  mixer('values', 'values.global.policyCheckFailOpen'),
  mixer('values', 'values.global.remotePolicyAddress'),
  mixer('values', 'values.global.remoteTelemetryAddress'),
  value(
    'global.mtls',
    'for mtls.enabled: true, apply a PeerAuthentication named default in the root namespace (istio-system by default) with mtls.mode STRICT, a new resource rather than a one-line edit; for mtls.auto, set meshConfig.enableAutoMtls (on by default)',
  ),
  value('global.controlPlaneSecurityEnabled', 'the control plane always uses mutual TLS through istiod', 'remove'),
  value('global.trustDomain', 'set meshConfig.trustDomain', undefined, '27734.yaml'),
  value('global.meshExpansion', "follow the upgrade note: apply Istio's samples/istiod-gateway, then unset it", undefined, 'mesh-expansion.yaml'),
  value('gateways.istio-ingressgateway.meshExpansionPorts', 'move the ports to components.ingressGateways[name=istio-ingressgateway].k8s.service.ports', undefined, 'mesh-expansion.yaml'),
  value('gateways.istio-ingressgateway.sds', 'gateways read their certificates over SDS from istiod without it', 'remove'),
  value('global.enableTracing', 'set meshConfig.enableTracing'),
  value('global.localityLbSetting', 'set meshConfig.localityLbSetting'),
  value('global.outboundTrafficPolicy', 'set meshConfig.outboundTrafficPolicy'),
  value('global.proxy.accessLogFile', 'set meshConfig.accessLogFile, or use the Telemetry API'),
  value('global.proxy.envoyStatsd', 'statsd is no longer configured by Istio: scrape the proxies with Prometheus'),
  value('global.proxy.envoyMetricsService', 'set meshConfig.defaultConfig.envoyMetricsService'),
  value('global.proxy.envoyAccessLogService', 'set meshConfig.defaultConfig.envoyAccessLogService'),
  value('global.proxy.protocolDetectionTimeout', 'set meshConfig.protocolDetectionTimeout'),
  value('global.proxy.dnsRefreshRate', 'set meshConfig.dnsRefreshRate'),
  value('global.k8sIngress', 'set meshConfig.ingressControllerMode and meshConfig.ingressClass for Kubernetes Ingress'),
  value('global.createRemoteSvcEndpoints', 'multicluster installs no longer need it', 'remove'),
  cleanup('global.useMCP'),
  cleanup('global.configRootNamespace', 'meshConfig.rootNamespace names the root namespace'),
  cleanup('global.autoscalingV2API'),
  cleanup('global.defaultConfigVisibilitySettings', 'meshConfig.defaultServiceExportTo, defaultVirtualServiceExportTo and defaultDestinationRuleExportTo set the default visibility'),
  cleanup('pilot.configNamespace'),
  cleanup('pilot.configSource'),
  cleanup('pilot.enableProtocolSniffingForOutbound', 'protocol sniffing is always on'),
  cleanup('pilot.enableProtocolSniffingForInbound', 'protocol sniffing is always on'),
  cleanup('pilot.useMCP'),
  cleanup('sidecarInjectorWebhook.objectSelector'),
  cleanup('sidecarInjectorWebhook.useLegacySelectors'),
  value('security', ISTIOD, 'removeWhenDisabled'),
  value('galley', ISTIOD, 'removeWhenDisabled'),
  value('nodeagent', ISTIOD, 'removeWhenDisabled'),
  value('certmanager', 'install cert-manager and istio-csr (or another CA integration) by their own charts', 'removeWhenDisabled'),
  value('grafana', ADDONS, 'removeWhenDisabled', 'addon-remove.yaml'),
  value('kiali', ADDONS, 'removeWhenDisabled', 'addon-remove.yaml'),
  value('tracing', ADDONS, 'removeWhenDisabled', 'addon-remove.yaml'),
  value('prometheus', ADDONS, 'removeWhenDisabled', 'addon-remove.yaml'),
  value('istiocoredns', 'the sidecar resolves DNS itself: set meshConfig.defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE to "true"', 'removeWhenDisabled', 'agent-dns-capture.yaml'),

  // Mesh config: MeshConfig's reserved names (istio.io/api mesh/v1alpha1/config.proto).
  mixer('meshConfig', 'mixerCheckServer'),
  mixer('meshConfig', 'mixerReportServer'),
  mixer('meshConfig', 'mixerAddress'),
  mixer('meshConfig', 'disablePolicyChecks'),
  mixer('meshConfig', 'disableMixerHttpReports'),
  mixer('meshConfig', 'policyCheckFailOpen'),
  mixer('meshConfig', 'sidecarToTelemetrySessionAffinity'),
  mixer('meshConfig', 'enableClientSidePolicyCheck'),
  mixer('meshConfig', 'disableReportBatch'),
  mixer('meshConfig', 'reportBatchMaxEntries'),
  mixer('meshConfig', 'reportBatchMaxTime'),
  mesh('authPolicy', 'apply a PeerAuthentication named default in the root namespace (MUTUAL_TLS was mtls.mode STRICT), a new resource rather than a one-line edit'),
  mesh('rdsRefreshDelay', 'routes are pushed by istiod: nothing to configure', 'remove'),
  mesh('sdsUdsPath', 'the sidecar serves SDS itself: nothing to configure', 'remove'),
  mesh('sdsRefreshDelay', 'the sidecar serves SDS itself: nothing to configure', 'remove'),
  mesh('enableSdsTokenMount', 'the sidecar serves SDS itself: nothing to configure', 'remove'),
  mesh('sdsUseK8sSaJwt', 'the sidecar serves SDS itself: nothing to configure', 'remove'),
  mesh('thriftConfig', 'Istio no longer routes Thrift: nothing reads it', 'remove'),
  mesh('terminationDrainDuration', 'set meshConfig.defaultConfig.terminationDrainDuration (or the proxy.istio.io/config annotation)'),
  mesh('fileFlushInterval', 'set meshConfig.defaultConfig.fileFlushInterval', undefined, '58651.yaml'),
  mesh('fileFlushMinSize', 'set meshConfig.defaultConfig.fileFlushMinSizeKb (in kilobytes)', undefined, '58651.yaml'),
  // Still in MeshConfig, but no longer supported (and its section of the release notes says removed).
  mesh('certificates', 'use cert-manager or another provisioning of DNS certificates', 'remove', 'chiron.yaml'),
  // An enum value MeshConfig reserves: Istio's JSON reader refuses an unknown enum value, unknown fields it drops.
  {
    place: 'meshConfig',
    path: ['outboundTrafficPolicy', 'mode'],
    value: 'VIRTUAL_SERVICE_ONLY',
    reservedIn: 'mesh/v1alpha1/config.proto',
    rejected: true,
    effect: 'Istio cannot read a mesh config that holds it: istioctl refuses the install, and istiod ignores the whole mesh config (it keeps its last good one, or the defaults)',
    instead: 'set mode to REGISTRY_ONLY (only hosts in the service registry, ServiceEntries included) or ALLOW_ANY (the default)',
  },
  // The tracers Istio removed (release note 54002.yaml).
  tracer({ place: 'meshConfig', path: ['extensionProviders', '[]', 'lightstep'], effect: NO_TRACING }),
  tracer({ place: 'meshConfig', path: ['extensionProviders', '[]', 'opencensus'], effect: NO_TRACING }),
  tracer({ place: 'meshConfig', path: ['defaultConfig', 'tracing', 'openCensusAgent'], effect: 'the sidecar no longer sets up this tracer, so it does nothing' }),
  tracer({ place: 'meshConfig', path: ['defaultConfig', 'tracing', 'lightstep'], effect: UNSUPPORTED }),
  tracer({ place: 'values', path: ['values', 'global', 'proxy', 'tracer'], value: 'lightstep', effect: UNSUPPORTED }),
  tracer({ place: 'values', path: ['values', 'global', 'tracer', 'lightstep'], effect: UNSUPPORTED }),
  tracer({ place: 'values', path: ['values', 'global', 'proxy', 'tracer'], value: 'openCensusAgent', effect: "Istio's chart renders no tracer for it, so it does nothing" }),
  // ProxyConfig's reserved names (proxy.proto), as meshConfig.defaultConfig.
  mesh('defaultConfig.parentShutdownDuration', 'Envoy no longer hot-restarts: nothing to configure (drainDuration still applies)', 'remove'),
  mesh('defaultConfig.connectTimeout', 'set meshConfig.connectTimeout, or connectionPool.tcp.connectTimeout in a DestinationRule'),

  // Components: IstioOperatorSpec has no such field, so istioctl refuses the file.
  component('addonComponents', ADDONS, 'removeWhenDisabled', 'addon-remove.yaml'),
  { ...mixer('components', 'components.policy', 'removeWhenDisabled') },
  { ...mixer('components', 'components.telemetry', 'removeWhenDisabled') },
  component('components.citadel', ISTIOD),
  component('components.galley', ISTIOD),
  component('components.sidecarInjector', ISTIOD),
  component('components.nodeAgent', ISTIOD),
];

/** `mixerCheckServer` → `mixer_check_server`: protobuf's JSON reader takes either. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** What reads the settings of a file: istioctl (an IstioOperator), istiod (the `istio` ConfigMap), or Istio's Helm charts. */
export type SettingsReader = 'istioctl' | 'istiod' | 'chart';

const DROPPED: Readonly<Record<SettingsReader, string>> = {
  istioctl: 'a current istioctl drops it without a word, so it does nothing',
  istiod: 'istiod drops it without a word, so it does nothing',
  chart: 'Istio no longer reads it, so it does nothing',
};

/** The setting as the message shows it: its path as written, with the removed value when only a value is gone. */
function shownSetting(field: RemovedField, path: string): string {
  return field.value === undefined ? path : `${path}: ${field.value}`;
}

/** The message of a removed setting found at `shown` (its path as written, from the document's root). */
export function removedFieldMessage(field: RemovedField, shown: string, reader: SettingsReader = 'istioctl'): string {
  const when = field.release ? `in Istio ${field.release}` : "in an Istio release that Istio's release notes do not name";
  const effect = field.place === 'components' ? 'a current istioctl refuses this IstioOperator (unknown field)' : (field.effect ?? DROPPED[reader]);
  const source = [field.note && `Istio's release note ${field.note}`, field.release === '1.8' && UPGRADE_NOTES_18, field.reservedIn && `istio.io/api ${field.reservedIn}, which reserves it`]
    .filter(Boolean)
    .join(', ');
  return `${shownSetting(field, shown)} was removed ${when}: ${effect}. What to do: ${field.instead}${source ? ` (see ${source})` : ''}.`;
}

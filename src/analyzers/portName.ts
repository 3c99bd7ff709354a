import { labelsOf } from '../yaml/kube';
import { entry, scalarValue } from '../yaml/nodes';
import type { Analyzer, Report, Resource } from './analyzer';
import { isIstioControlPlane } from './controlPlane';
import { child, mapsIn, num, str } from './values';

/**
 * Istio's service.PortNameAnalyzer (pkg/config/analysis/analyzers/service/portname.go:49-88): a Service port whose
 * protocol Istio cannot tell from its name or appProtocol (IST0118), and on an ExternalName Service such a port or
 * one named `tcp` (IST0150).
 */

/** pkg/config/protocol/instance.go:68-98 (Parse), lower-cased as there; `DoubleHBONE` can never match. */
const PROTOCOLS = new Set(['tcp', 'udp', 'grpc', 'grpc-web', 'http', 'http_proxy', 'http2', 'https', 'tls', 'mongo', 'redis', 'mysql']);

/** pkg/config/kube/conversion.go:35-40: SMTP, DNS, MySQL, MongoDB default to TCP. */
const WELL_KNOWN_PORTS = new Set([25, 53, 3306, 27017]);

/** Kubernetes' own appProtocol names (conversion.go:61-71). */
const KUBERNETES_APP_PROTOCOLS = new Set(['kubernetes.io/h2c', 'kubernetes.io/ws', 'kubernetes.io/wss']);

/** Gateway Services Istio creates itself (portname.go:63-68). */
const MANAGED = new Set(['istio.io-gateway-controller', 'istio.io-mesh-controller', 'istio.io-eastwest-controller']);

/** conversion.go:48-94 (ConvertProtocol): whether Istio can tell the port's protocol. */
function protocolKnown(port: number | undefined, name: string, protocol: string | undefined, appProtocol: string | undefined): boolean {
  if (protocol === 'UDP') return true;
  const n = appProtocol ?? name;
  if (appProtocol !== undefined && KUBERNETES_APP_PROTOCOLS.has(appProtocol)) return true;
  if (n.length >= 8 && n.slice(0, 8).toLowerCase() === 'grpc-web') return true;
  const dash = n.indexOf('-');
  if (PROTOCOLS.has((dash >= 0 ? n.slice(0, dash) : n).toLowerCase())) return true;
  return port !== undefined && WELL_KNOWN_PORTS.has(port);
}

/** Whether a port is reported: its protocol unknown, or named `tcp` on an ExternalName Service. */
function reported(port: number | undefined, name: string, protocol: string | undefined, appProtocol: string | undefined, externalName: boolean): boolean {
  return !protocolKnown(port, name, protocol, appProtocol) || (name === 'tcp' && externalName);
}

/** `str` of a plain value: a string field as the analyzer reads it (numbers and booleans as text); other shapes undefined. */
const plainStr = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Whether the analyzer may report on a Service read as a plain value (js-yaml's, src/yaml/schema/fastYaml.ts), told
 * without parsing it with `yaml`: no when every port's protocol is known, as `analyze` tells it. A value of any
 * other shape (a port that is not a mapping, a `spec` that is not one) says yes: the document is parsed and analyzed.
 */
export function portsMayBeReported(value: unknown): boolean {
  if (!isRecord(value) || value.kind !== 'Service') return true;
  if (value.spec === undefined || value.spec === null) return false;
  if (!isRecord(value.spec)) return true;
  const ports = value.spec.ports;
  if (ports === undefined || ports === null) return false;
  if (!Array.isArray(ports)) return true;
  const externalName = plainStr(value.spec.type) === 'ExternalName';
  return ports.some((p) => !isRecord(p) || reported(typeof p.port === 'number' ? p.port : undefined, plainStr(p.name) ?? '', plainStr(p.protocol), plainStr(p.appProtocol), externalName));
}

export const portNameAnalyzer: Analyzer = {
  name: 'service.PortNameAnalyzer',
  codes: ['IST0118', 'IST0150'],
  types: ['Service'],
  mayReport: (m) => portsMayBeReported(m.root),
  analyze(r: Resource): Report[] {
    if (isIstioControlPlane(r.root)) return [];
    if (MANAGED.has(String(scalarValue(entry(labelsOf(r.root), 'gateway.istio.io/managed')?.value) ?? ''))) return [];
    const spec = child(r.root, 'spec');
    const externalName = str(spec, 'type') === 'ExternalName';
    const reports: Report[] = [];
    for (const { map, span } of mapsIn(spec, 'ports')) {
      const name = str(map, 'name') ?? '';
      const port = num(map, 'port');
      if (!reported(port, name, str(map, 'protocol'), str(map, 'appProtocol'), externalName)) continue;
      // IntOrString.String(): an unset targetPort is the int 0 in the file (the API server would default it).
      const target = str(map, 'targetPort') ?? '0';
      reports.push(externalName ? { code: 'IST0150', args: [], span } : { code: 'IST0118', args: [name, port ?? 0, target], span });
    }
    return reports;
  },
};

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

export const portNameAnalyzer: Analyzer = {
  name: 'service.PortNameAnalyzer',
  codes: ['IST0118', 'IST0150'],
  types: ['Service'],
  analyze(r: Resource): Report[] {
    if (isIstioControlPlane(r.root)) return [];
    if (MANAGED.has(String(scalarValue(entry(labelsOf(r.root), 'gateway.istio.io/managed')?.value) ?? ''))) return [];
    const spec = child(r.root, 'spec');
    const externalName = str(spec, 'type') === 'ExternalName';
    const reports: Report[] = [];
    for (const { map, span } of mapsIn(spec, 'ports')) {
      const name = str(map, 'name') ?? '';
      const port = num(map, 'port');
      if (protocolKnown(port, name, str(map, 'protocol'), str(map, 'appProtocol')) && !(name === 'tcp' && externalName)) continue;
      // IntOrString.String(): an unset targetPort is the int 0 in the file (the API server would default it).
      const target = str(map, 'targetPort') ?? '0';
      reports.push(externalName ? { code: 'IST0150', args: [], span } : { code: 'IST0118', args: [name, port ?? 0, target], span });
    }
    return reports;
  },
};

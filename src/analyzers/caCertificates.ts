import { entrySpan, entry, mapAt, type MapRef } from '../yaml/nodes';
import type { Analyzer, Report, Resource } from './analyzer';
import { child, hasKey, mapsIn, num, str } from './values';
import { plainAt, plainMapAt } from '../yaml/plain';

/**
 * Istio's destinationrule.CaCertificateAnalyzer (pkg/config/analysis/analyzers/destinationrule/ca-certificates.go):
 * TLS mode SIMPLE or MUTUAL without caCertificates (unless a credentialName with a workloadSelector), at the
 * destination level (IST0128) and per port (IST0129).
 */
function unverified(tls: MapRef | undefined, selected: boolean): string | undefined {
  const mode = str(tls, 'mode');
  if (mode !== 'SIMPLE' && mode !== 'MUTUAL') return undefined;
  if ((str(tls, 'caCertificates') ?? '') !== '') return undefined;
  return (str(tls, 'credentialName') ?? '') !== '' && selected ? undefined : mode;
}

export const caCertificatesAnalyzer: Analyzer = {
  name: 'destinationrule.CaCertificateAnalyzer',
  codes: ['IST0128', 'IST0129'],
  types: ['networking.istio.io/DestinationRule'],
  mayReport(m) {
    const policy = plainMapAt(m.root, ['spec', 'trafficPolicy']);
    const ports = policy?.portLevelSettings;
    const verifies = (holder: unknown) => ['SIMPLE', 'MUTUAL'].includes(String(plainAt(holder, ['tls'], 'mode')));
    return verifies(policy) || (Array.isArray(ports) && ports.some(verifies));
  },
  analyze(r: Resource): Report[] {
    const spec = child(r.root, 'spec');
    const selected = hasKey(spec, 'workloadSelector');
    // FullName.String(): `namespace/name`, the name alone for a file's resource without a namespace (as with -A).
    const namespace = r.manifest.namespace ?? '';
    const name = namespace ? `${namespace}/${r.manifest.name ?? ''}` : (r.manifest.name ?? '');
    const host = str(spec, 'host') ?? '';
    const policy = child(spec, 'trafficPolicy');
    const reports: Report[] = [];
    const tls = child(policy, 'tls');
    const mode = unverified(tls, selected);
    if (mode) reports.push({ code: 'IST0128', args: [name, namespace, mode, host], span: entrySpan(entry(tls, 'mode')!) });
    for (const { map, span } of mapsIn(policy, 'portLevelSettings')) {
      const portMode = unverified(child(map, 'tls'), selected);
      // The port as Go prints the PortSelector message (`number:443`).
      const port = num(mapAt(map, ['port']), 'number');
      if (portMode) reports.push({ code: 'IST0129', args: [name, namespace, portMode, host, port === undefined ? '' : `number:${port}`], span });
    }
    return reports;
  },
};

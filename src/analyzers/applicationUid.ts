import { entry, entrySpan, mapAt, type MapRef } from '../yaml/nodes';
import type { Analyzer, Report, Resource } from './analyzer';
import { isIstioControlPlane } from './controlPlane';
import { mapsIn, num, str } from './values';
import { plainAt, plainMapAt } from '../yaml/plain';

/**
 * Istio's applicationUID.Analyzer (pkg/config/analysis/analyzers/deployment/pod.go:46-106): UID 1337, the sidecar
 * proxy's, set as runAsUser on a Pod or a Deployment's pod template, or on one of its containers other than
 * istio-proxy and istio-operator (IST0144). Init containers are not looked at, as in Istio.
 */
const PROXY_UID = 1337;
const SKIPPED_CONTAINERS = new Set(['istio-proxy', 'istio-operator']);

function runAsProxy(holder: MapRef | undefined): readonly [number, number] | undefined {
  const context = mapAt(holder, ['securityContext']);
  const e = entry(context, 'runAsUser');
  return e && num(context, 'runAsUser') === PROXY_UID ? entrySpan(e) : undefined;
}

export const applicationUidAnalyzer: Analyzer = {
  name: 'applicationUID.Analyzer',
  codes: ['IST0144'],
  types: ['Pod', 'apps/Deployment'],
  mayReport(m) {
    const spec = plainMapAt(m.root, m.kind === 'Pod' ? ['spec'] : ['spec', 'template', 'spec']);
    const containers = spec?.containers;
    const runAs = (holder: unknown) => plainAt(holder, ['securityContext'], 'runAsUser') === PROXY_UID;
    return runAs(spec) || (Array.isArray(containers) && containers.some(runAs));
  },
  analyze(r: Resource): Report[] {
    if (isIstioControlPlane(r.root)) return [];
    const spec = mapAt(r.root, r.type === 'Pod' ? ['spec'] : ['spec', 'template', 'spec']);
    const spans = [runAsProxy(spec)];
    for (const { map } of mapsIn(spec, 'containers')) if (!SKIPPED_CONTAINERS.has(str(map, 'name') ?? '')) spans.push(runAsProxy(map));
    return spans.filter((s) => s !== undefined).map((span) => ({ code: 'IST0144', args: [], span }));
  },
};

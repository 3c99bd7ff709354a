import { scalarValue, entry } from '../yaml/nodes';
import type { Analyzer, Report, Resource } from './analyzer';
import { child, mapsIn } from './values';
import { isSeq } from 'yaml';

/**
 * Istio's telemetry.ProviderAnalyzer (pkg/config/analysis/analyzers/telemetry/providers.go:40-62): an accessLogging
 * entry of a Telemetry that is not disabled and names no provider is ignored (IST0157). Istio checks only when the
 * mesh config has no default access-log provider; Istio's default mesh config (assumed, as by `istioctl analyze`
 * without --meshConfigFile) has none.
 */
export const telemetryProvidersAnalyzer: Analyzer = {
  name: 'telemetry.ProviderAnalyzer',
  codes: ['IST0157'],
  types: ['telemetry.istio.io/Telemetry'],
  mayReport: () => true,
  analyze(r: Resource): Report[] {
    const spec = child(r.root, 'spec');
    const reports: Report[] = [];
    for (const { map, span } of mapsIn(spec, 'accessLogging')) {
      if (scalarValue(entry(map, 'disabled')?.value) === true) continue;
      const providers = entry(map, 'providers')?.value;
      if (isSeq(providers) && providers.items.length > 0) continue;
      reports.push({ code: 'IST0157', args: [r.manifest.name ?? '', r.manifest.namespace ?? ''], span });
    }
    return reports;
  },
};

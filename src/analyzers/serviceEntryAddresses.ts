import { isSeq } from 'yaml';
import { entry } from '../yaml/nodes';
import type { Analyzer, Report, Resource } from './analyzer';
import { child, mapsIn, str } from './values';

/**
 * Istio's serviceentry.Analyzer (pkg/config/analysis/analyzers/serviceentry/protocoladdresses.go:46-97): a
 * ServiceEntry without addresses, none allocated in its status, with a TCP port (or one without protocol) needs
 * addresses (IST0134). Istio skips this when the mesh config turns on DNS capture with address auto-allocation; a file
 * does not tell, so Istio's default mesh config (no such proxy metadata) is assumed, as `istioctl analyze` does
 * without --meshConfigFile.
 */
export const serviceEntryAddressesAnalyzer: Analyzer = {
  name: 'serviceentry.Analyzer',
  codes: ['IST0134'],
  types: ['networking.istio.io/ServiceEntry'],
  mayReport: () => true,
  analyze(r: Resource): Report[] {
    const spec = child(r.root, 'spec');
    const addresses = entry(spec, 'addresses')?.value;
    // A proto list left empty is nil, as an absent one.
    if (isSeq(addresses) && addresses.items.length > 0) return [];
    const allocated = entry(child(r.root, 'status'), 'addresses')?.value;
    if (isSeq(allocated) && allocated.items.length > 0) return [];
    return mapsIn(spec, 'ports')
      .filter(({ map }) => ['', 'tcp'].includes((str(map, 'protocol') ?? '').toLowerCase()))
      .map(({ span }) => ({ code: 'IST0134', args: [], span }));
  },
};

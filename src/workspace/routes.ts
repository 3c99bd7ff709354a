import { child, mapsIn, num, str } from '../analyzers/values';
import { entry, entrySpan, type MapRef } from '../yaml/nodes';

/** One destination of a VirtualService, where it is written. */
export interface RouteDestination {
  readonly host: string;
  readonly subset: string;
  readonly port: number | undefined;
  readonly mirror: boolean;
  /** The destination's `host:` entry, else the destination itself: where its findings go. */
  readonly span: [number, number];
}

/**
 * The route destinations of a VirtualService's spec, tcp then tls then http (virtualservice/util.go
 * getRouteDestinations), then the http mirrors (getHTTPMirrorDestinations).
 */
export function routeDestinations(spec: MapRef | undefined): { routes: RouteDestination[]; mirrors: RouteDestination[] } {
  const routes: RouteDestination[] = [];
  for (const rule of ['tcp', 'tls', 'http']) {
    for (const r of mapsIn(spec, rule)) {
      for (const d of mapsIn(r.map, 'route')) routes.push(destination(child(d.map, 'destination'), d.span, false));
    }
  }
  const mirrors: RouteDestination[] = [];
  for (const r of mapsIn(spec, 'http')) {
    const mirror = entry(r.map, 'mirror');
    if (mirror && r.map) mirrors.push(destination(child(r.map, 'mirror'), entrySpan(mirror), true));
    for (const m of mapsIn(r.map, 'mirrors')) mirrors.push(destination(child(m.map, 'destination'), m.span, true));
  }
  return { routes, mirrors };
}

function destination(d: MapRef | undefined, fallback: [number, number], mirror: boolean): RouteDestination {
  const hostEntry = entry(d, 'host');
  return {
    host: str(d, 'host') ?? '',
    subset: str(d, 'subset') ?? '',
    port: num(child(d, 'port'), 'number'),
    mirror,
    span: hostEntry ? entrySpan(hostEntry) : fallback,
  };
}

/**
 * The Envoy filter names Istio still accepts in an EnvoyFilter's `match` but warns about ("using deprecated filter
 * name"), each with its canonical name: Istio's pkg/config/xds/deprecated.go (DeprecatedFilterNames), checked against
 * it by test/unit/yaml/envoyFilterLegacy.test.ts. `envoy.ext_authz` names two filters: the network one under
 * `filterChain.filter`, the HTTP one under `subFilter` (a filter of the HTTP connection manager).
 */
const LISTENER_AND_NETWORK: Readonly<Record<string, string>> = {
  'envoy.listener.http_inspector': 'envoy.filters.listener.http_inspector',
  'envoy.listener.original_dst': 'envoy.filters.listener.original_dst',
  'envoy.listener.original_src': 'envoy.filters.listener.original_src',
  'envoy.listener.proxy_protocol': 'envoy.filters.listener.proxy_protocol',
  'envoy.listener.tls_inspector': 'envoy.filters.listener.tls_inspector',
  'envoy.client_ssl_auth': 'envoy.filters.network.client_ssl_auth',
  'envoy.ext_authz': 'envoy.filters.network.ext_authz',
  'envoy.http_connection_manager': 'envoy.filters.network.http_connection_manager',
  'envoy.mongo_proxy': 'envoy.filters.network.mongo_proxy',
  'envoy.ratelimit': 'envoy.filters.network.ratelimit',
  'envoy.redis_proxy': 'envoy.filters.network.redis_proxy',
  'envoy.tcp_proxy': 'envoy.filters.network.tcp_proxy',
};

const HTTP: Readonly<Record<string, string>> = {
  'envoy.buffer': 'envoy.filters.http.buffer',
  'envoy.cors': 'envoy.filters.http.cors',
  'envoy.csrf': 'envoy.filters.http.csrf',
  'envoy.http_dynamo_filter': 'envoy.filters.http.dynamo',
  'envoy.ext_authz': 'envoy.filters.http.ext_authz',
  'envoy.fault': 'envoy.filters.http.fault',
  'envoy.grpc_http1_bridge': 'envoy.filters.http.grpc_http1_bridge',
  'envoy.grpc_json_transcoder': 'envoy.filters.http.grpc_json_transcoder',
  'envoy.grpc_web': 'envoy.filters.http.grpc_web',
  'envoy.gzip': 'envoy.filters.http.gzip',
  'envoy.health_check': 'envoy.filters.http.health_check',
  'envoy.ip_tagging': 'envoy.filters.http.ip_tagging',
  'envoy.lua': 'envoy.filters.http.lua',
  'envoy.rate_limit': 'envoy.filters.http.ratelimit',
  'envoy.router': 'envoy.filters.http.router',
  'envoy.squash': 'envoy.filters.http.squash',
};

/** Every deprecated name with its canonical one, `envoy.ext_authz` once per meaning (what the test compares). */
export const DEPRECATED_FILTER_NAMES: readonly (readonly [string, string])[] = [...Object.entries(LISTENER_AND_NETWORK), ...Object.entries(HTTP)];

/**
 * The canonical name of a deprecated one, as it stands: under `filterChain.filter` (a listener or network filter), or
 * under `subFilter` (an HTTP filter). A name deprecated only for the other place is still renamed, as Istio does.
 */
export function canonicalFilterName(name: string, place: 'filter' | 'subFilter'): string | undefined {
  const [first, second] = place === 'filter' ? [LISTENER_AND_NETWORK, HTTP] : [HTTP, LISTENER_AND_NETWORK];
  return Object.hasOwn(first, name) ? first[name] : Object.hasOwn(second, name) ? second[name] : undefined;
}

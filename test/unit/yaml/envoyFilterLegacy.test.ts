// envoy-filter-legacy: EnvoyFilters of the Istio 1.8 era (Istio 1.9 upgrade notes, "EnvoyFilter XDS v2 removal"),
// and the table of deprecated filter names against Istio's own (pkg/config/xds/deprecated.go, read from the module).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEPRECATED_FILTER_NAMES } from '../../../src/yaml/envoyFilterNames';
import { istioModuleDir } from '../../oracles/istioSource';
import { findingsOf, fixed, yaml } from './helpers';

const envoyFilter = (filterName: string, subFilterName: string, type = 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua') => yaml(
  'apiVersion: networking.istio.io/v1alpha3', 'kind: EnvoyFilter', 'metadata:', '  name: add-header', 'spec:', '  configPatches:', '  - applyTo: HTTP_FILTER',
  '    match:', '      context: SIDECAR_OUTBOUND', '      listener:', '        filterChain:', '          filter:', `            name: ${filterName}`,
  '            subFilter:', `              name: ${subFilterName}`, '    patch:', '      operation: INSERT_BEFORE', '      value:', '        name: envoy.lua',
  '        typed_config:', `          "@type": ${type}`, '          inlineCode: "function envoy_on_request(handle) end"');

describe('envoy-filter-legacy', () => {
  it("warns on the 1.9 upgrade notes' example as istiod's validation does, and renames each name", () => {
    const text = envoyFilter('envoy.http_connection_manager', 'envoy.router');
    assert.deepEqual(findingsOf(text, 'envoy-filter-legacy').map((f) => [f.severity, f.message.split(' (')[0], f.range.start.line]), [
      ['warning', 'using deprecated filter name "envoy.http_connection_manager"; use "envoy.filters.network.http_connection_manager" instead', 12],
      ['warning', 'using deprecated filter name "envoy.router"; use "envoy.filters.http.router" instead', 14],
    ]);
    const once = fixed(envoyFilter('envoy.http_connection_manager', 'envoy.filters.http.router'), 'envoy-filter-legacy');
    assert.equal(once, envoyFilter('envoy.filters.network.http_connection_manager', 'envoy.filters.http.router'));
    assert.equal(fixed(envoyFilter('envoy.filters.network.http_connection_manager', '"envoy.router"'), 'envoy-filter-legacy'),
      envoyFilter('envoy.filters.network.http_connection_manager', '"envoy.filters.http.router"'));
  });

  it('renames envoy.ext_authz by where it stands: the network filter under filter, the HTTP one under subFilter', () => {
    assert.equal(fixed(envoyFilter('envoy.ext_authz', 'envoy.filters.http.router'), 'envoy-filter-legacy'), envoyFilter('envoy.filters.network.ext_authz', 'envoy.filters.http.router'));
    assert.equal(fixed(envoyFilter('envoy.filters.network.http_connection_manager', 'envoy.ext_authz'), 'envoy-filter-legacy'),
      envoyFilter('envoy.filters.network.http_connection_manager', 'envoy.filters.http.ext_authz'));
  });

  it('an xDS v2 type is an error without a fix (Envoy rejects it; its v3 type is no mechanical rename)', () => {
    const text = envoyFilter('envoy.filters.network.http_connection_manager', 'envoy.filters.http.router', 'type.googleapis.com/envoy.config.filter.http.lua.v2.Lua');
    const [f] = findingsOf(text, 'envoy-filter-legacy');
    assert.equal(f.severity, 'error');
    assert.match(f.message, /^type\.googleapis\.com\/envoy\.config\.filter\.http\.lua\.v2\.Lua is a type of the xDS v2 API, which Istio 1\.9 removed/);
    assert.equal(f.fixes, undefined);
  });

  it('is silent on canonical names and v3 types', () => {
    assert.deepEqual(findingsOf(envoyFilter('envoy.filters.network.http_connection_manager', 'envoy.filters.http.router'), 'envoy-filter-legacy'), []);
  });

  it("knows exactly Istio's deprecated filter names (pkg/config/xds/deprecated.go, names from pkg/wellknown)", () => {
    const dir = istioModuleDir();
    const wellknown = new Map([...readFileSync(join(dir, 'pkg', 'wellknown', 'wellknown.go'), 'utf8').matchAll(/^\s*(\w+)\s*=\s*"([^"]+)"/gm)].map((m) => [m[1], m[2]]));
    const source = readFileSync(join(dir, 'pkg', 'config', 'xds', 'deprecated.go'), 'utf8');
    const istio = [...source.matchAll(/^\s*(wellknown\.(\w+)|"([^"]+)"):\s*"([^"]+)",/gm)].map((m) => `${m[4]} -> ${m[2] ? wellknown.get(m[2]) : m[3]}`);
    assert.ok(istio.length >= 25, `only ${istio.length} entries read`);
    assert.deepEqual(DEPRECATED_FILTER_NAMES.map(([from, to]) => `${from} -> ${to}`).sort(), istio.sort());
  });
});

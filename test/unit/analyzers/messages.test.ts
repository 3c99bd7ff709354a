// Our message texts and levels, and our annotation table, against Istio's own (read from the Go module cache).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ANNOTATIONS, ISTIO_API_VERSION } from '../../../src/analyzers/annotations.gen';
import { docsUrl, format, KNOWN_CODES, MESSAGES } from '../../../src/analyzers/messages';
import { goModuleDir, istioModuleDir } from '../../oracles/istioSource';

describe("analyzer messages and annotations against Istio's", () => {
  it('every code we report has the name, level and template of messages.yaml', () => {
    const file = parse(readFileSync(join(istioModuleDir(), 'pkg/config/analysis/msg/messages.yaml'), 'utf8')) as { messages: { name: string; code: string; level: string; template: string }[] };
    const istio = new Map(file.messages.map((m) => [m.code, m]));
    for (const code of KNOWN_CODES) {
      const m = istio.get(code);
      assert.ok(m, `${code} is not in messages.yaml`);
      assert.deepEqual({ name: MESSAGES[code].name, level: MESSAGES[code].level, template: MESSAGES[code].template }, { name: m.name, level: m.level, template: m.template }, code);
    }
  });

  it('the generated annotation table is the one of the istio.io/api module the testbed Istio requires', () => {
    const goMod = readFileSync(join(istioModuleDir(), 'go.mod'), 'utf8');
    assert.equal(/^\s*istio\.io\/api (\S+)$/m.exec(goMod)?.[1], ISTIO_API_VERSION, 'run node scripts/gen-annotations.mjs');
    const api = join(goModuleDir('istio.io/api', ISTIO_API_VERSION), 'annotation', 'annotations.yaml');
    const { annotations } = parse(readFileSync(api, 'utf8')) as { annotations: { name: string; deprecated?: boolean; resources?: string[] }[] };
    assert.deepEqual(
      [...ANNOTATIONS].map(([name, a]) => [name, a.deprecated, a.resources]),
      annotations.map((a) => [a.name, a.deprecated === true, a.resources ?? []]).sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    );
  });

  it("formats Go's verbs as istioctl prints them, and links each code to its reference page", () => {
    assert.equal(format(MESSAGES.IST0135.template, ['sidecar.istio.io/inject', ' in favor of the "sidecar.istio.io/inject" label']),
      'Annotation "sidecar.istio.io/inject" has been deprecated in favor of the "sidecar.istio.io/inject" label and may not work in future Istio versions.');
    assert.equal(format(MESSAGES.IST0118.template, ['foo', 8080, '80']), "Port name foo (port: 8080, targetPort: 80) doesn't follow the naming convention of Istio port.");
    assert.equal(docsUrl('IST0108'), 'https://istio.io/latest/docs/reference/config/analysis/ist0108/');
  });
});

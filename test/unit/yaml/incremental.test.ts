import assert from 'node:assert/strict';
import fc from 'fast-check';
import { YamlChecker } from '../../../src/yaml/checker';
import { splitDocuments } from '../../../src/yaml/chunks';
import type { SchemaValidation } from '../../../src/yaml/schema/languageService';
import { fixedPropertySeed } from '../property';
import { yaml } from './helpers';

fixedPropertySeed();

/**
 * The editor re-checks a file on every keystroke (issue 15 item 7: under 50 ms in a 1,000-document file, measured by
 * `npm run bench -- yaml`). What keeps it fast is work, not speed: only the edited document is parsed and
 * validated again. A schema validation that records what it is given sees each document the checker (re)parsed
 * (`acceptsParsed`, with the parsed documents) or left to it unparsed (`validate`): that is the work counted here.
 */
function recordingSchemas(): { schemas: () => Promise<SchemaValidation>; seen: string[] } {
  const seen: string[] = [];
  const service: SchemaValidation = {
    covers: () => true,
    validate: async (_uri, text) => {
      seen.push(text);
      return [];
    },
    acceptsParsed: (text) => {
      seen.push(text);
      return true;
    },
  };
  return { schemas: async () => service, seen };
}

/** Ten kinds of document, as in a bookinfo-like application: Istio rules, analyzers and plain objects. */
function documentOf(kind: number, i: number): string {
  const ns = `team-${i % 7}`;
  switch (kind % 5) {
    case 0:
      return yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', `  name: ${ns}`, '  labels:', `    istio-injection: ${i % 3 === 0 ? 'disabled' : 'enabled'}`);
    case 1:
      return yaml('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', `  name: app-${i}`, `  namespace: ns-${i % 4}`, 'spec:', '  replicas: 2', '  template:', '    metadata:', '      labels: {sidecar.istio.io/inject: "true"}', '    spec:', '      containers: [{name: app, image: app}]');
    case 2:
      return yaml('apiVersion: networking.istio.io/v1', 'kind: VirtualService', 'metadata:', `  name: vs-${i}`, 'spec:', `  hosts: [app-${i}]`, '  http:', `  - route: [{destination: {host: app-${i}}}]`);
    case 3:
      return yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata:', `  name: config-${i}`, 'data:', `  value: "${i}"`);
    default:
      return yaml('apiVersion: v1', 'kind: Service', 'metadata:', `  name: app-${i}`, 'spec:', `  selector: {app: app-${i}}`, `  ports: [{port: 9080, name: ${i % 2 === 0 ? 'http' : 'web'}}]`);
  }
}

const fileOf = (kinds: readonly number[]) => kinds.map((k, i) => '---\n' + documentOf(k, i)).join('');

/** The documents of `after` that `before` does not have (as many times as they are new). */
function changedDocuments(before: string, after: string): string[] {
  const left = new Map<string, number>();
  for (const c of splitDocuments(before)) left.set(c.text, (left.get(c.text) ?? 0) + 1);
  return splitDocuments(after).map((c) => c.text).filter((t) => {
    const n = left.get(t) ?? 0;
    left.set(t, n - 1);
    return n <= 0;
  });
}

describe('incremental re-check after an edit', function () {
  this.timeout(60_000);

  it('in a 1,000-document file, parses and validates the edited document alone', async () => {
    const text = fileOf(Array.from({ length: 1000 }, (_, i) => i));
    const { schemas, seen } = recordingSchemas();
    const checker = new YamlChecker(schemas);
    await checker.check('file:///big.yaml', text, { schema: true });
    assert.ok(seen.length > 0);
    for (const [what, before] of [['a Deployment (parsed here)', 'replicas: 2'], ['a ConfigMap (left to the schema validation)', 'value: "503"']]) {
      const at = text.indexOf(before, text.length / 2);
      const edited = text.slice(0, at) + before.replace(/\d(?=\D*$)/, '9') + text.slice(at + before.length);
      seen.length = 0;
      const incremental = await checker.check('file:///big.yaml', edited, { schema: true });
      assert.deepEqual(seen, changedDocuments(text, edited), what);
      assert.equal(seen.length, 1, what);
      assert.deepEqual(incremental, await new YamlChecker(recordingSchemas().schemas).check('file:///fresh.yaml', edited, { schema: true }), what);
      await checker.check('file:///big.yaml', text, { schema: true });
    }
  });

  it('gives what a fresh check gives, and re-reads only the documents the edit changed (property)', async () => {
    const file = fc.array(fc.nat(9), { minLength: 5, maxLength: 60 });
    const edit = fc.record({ at: fc.nat(), by: fc.constantFrom('0', '7', 'x', 'Namespace', '"true"', 'istio.io/rev', ' ', '\n', '\n---\n', '{{ .V }}', '') });
    await fc.assert(fc.asyncProperty(file, fc.array(edit, { minLength: 1, maxLength: 4 }), async (kinds, edits) => {
      let text = fileOf(kinds);
      const { schemas, seen } = recordingSchemas();
      const checker = new YamlChecker(schemas);
      await checker.check('file:///p.yaml', text, { schema: true });
      for (const { at, by } of edits) {
        const offset = at % text.length;
        const edited = text.slice(0, offset) + by + text.slice(offset + 1);
        seen.length = 0;
        const incremental = await checker.check('file:///p.yaml', edited, { schema: true });
        const fresh = await new YamlChecker(recordingSchemas().schemas).check('file:///fresh.yaml', edited, { schema: true });
        assert.deepEqual(incremental, fresh);
        const changed = changedDocuments(text, edited);
        for (const t of seen) assert.ok(changed.includes(t), `re-read an unchanged document:\n${t}`);
        assert.ok(seen.length <= changed.length, `${seen.length} documents re-read, ${changed.length} changed`);
        text = edited;
      }
    }), { numRuns: 60 });
  });
});

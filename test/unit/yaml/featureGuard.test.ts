import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { splitDocuments } from '../../../src/yaml/chunks';
import { MAX_NESTING } from '../../../src/yaml/limits';
import { featureText } from '../../../src/yaml/schema/featureText';
import { createYamlLanguageService, type YamlLanguageService } from '../../../src/yaml/schema/languageService';
import { SCHEMA_PATH } from './corpus.test';
import { yaml } from './helpers';
import { fixedPropertySeed } from '../property';

fixedPropertySeed();

const GATEWAY = yaml('apiVersion: networking.istio.io/v1', 'kind: Gateway', 'metadata: {name: g}', 'spec:', '  ');
const VIRTUAL_SERVICE = yaml('apiVersion: networking.istio.io/v1', 'kind: VirtualService', 'metadata: {name: v}', 'spec:', '  hosts: [a]');

describe('hover and completion on documents nested too deep', function () {
  this.timeout(60_000);
  let service: YamlLanguageService;
  before(async () => {
    service = await createYamlLanguageService(readFileSync(SCHEMA_PATH, 'utf8'));
  });

  // 2 MB (the editor's limit) of flow nesting, 2 MB of block nesting: yaml-language-server alone composes it recursively, for seconds and
  // gigabytes, or runs out of stack.
  const shapes = { flow: 'data: ' + '['.repeat(2_000_000), block: Array.from({ length: 10_000 }, (_, i) => `${' '.repeat(i % 400)}- a:`).join('\n') };
  for (const [name, deep] of Object.entries(shapes)) {
    it(`answer at once, with nothing, inside a ${name} document nested too deep, and as usual in its neighbours`, async () => {
      const text = VIRTUAL_SERVICE + '---\n' + deep + '\n---\n' + GATEWAY;
      const deepLine = VIRTUAL_SERVICE.split('\n').length;
      const started = performance.now();
      assert.equal(await service.hover('file:///deep.yaml', text, { line: deepLine, character: 8 }), null);
      assert.deepEqual((await service.complete('file:///deep.yaml', text, { line: deepLine, character: 8 })).items, []);
      // The guard reads the text once, then lexes it only: about a second on a busy machine, where the recursive parse
      // takes many seconds.
      assert.ok(performance.now() - started < 5000, `${Math.round(performance.now() - started)} ms`);
      const hover = await service.hover('file:///deep.yaml', text, { line: 4, character: 3 });
      assert.match(JSON.stringify(hover?.contents), /destination hosts to which traffic is being sent/);
      const lastLine = text.split('\n').length - 2;
      const fields = (await service.complete('file:///deep.yaml', text, { line: lastLine, character: 2 })).items.map((i) => i.label);
      assert.ok(fields.includes('selector') && fields.includes('servers'), fields.join(', '));
    });
  }

  it(`still serve a document nested ${MAX_NESTING} levels deep`, async () => {
    const text = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: a', '  labels:', '    istio-injection: ', `data: ${'['.repeat(MAX_NESTING - 1)}${']'.repeat(MAX_NESTING - 1)}`);
    assert.deepEqual((await service.complete('file:///c.yaml', text, { line: 5, character: 21 })).items.map((i) => i.label), ['enabled', 'disabled']);
  });
});

describe('the text a hover or a completion is given', () => {
  const documentText = fc.oneof(fc.constantFrom(GATEWAY, VIRTUAL_SERVICE, '# note\n', '', 'a: b\n', 'x: [[[\n'), fc.string({ unit: fc.constantFrom('a', ':', ' ', '\n', '[', '-', '#', '\r') }));
  it('is the document at the line, every other one blanked with its line breaks kept', () => {
    fc.assert(
      fc.property(fc.array(documentText, { minLength: 1, maxLength: 6 }), fc.nat(40), (documents, lineSeed) => {
        const text = documents.map((d, i) => (i === 0 ? d : '---\n' + d)).join('');
        const lines = text.split('\n');
        const line = lineSeed % lines.length;
        const only = featureText(text, line);
        assert.ok(only !== undefined, 'nothing here nests deep');
        const kept = only.split('\n');
        assert.equal(kept.length, lines.length);
        const chunks = splitDocuments(text);
        const chunk = chunks.filter((c) => c.line <= line).at(-1)!;
        const chunkLines = chunk.text.split('\n').length - 1;
        kept.forEach((l, i) => assert.equal(l, i >= chunk.line && i <= chunk.line + chunkLines && (i < chunk.line + chunkLines || chunk === chunks.at(-1)) ? lines[i] : '', `line ${i}`));
      }),
      { numRuns: 300 },
    );
  });
});

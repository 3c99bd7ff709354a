import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isMap, isSeq, type Node } from 'yaml';
import { analyzeWorkspace } from '../../../src/workspace/analyze';
import { READ_KINDS, READ_TYPES, WorkspaceIndex } from '../../../src/workspace/index';
import { plainResourcesOf } from '../../../src/workspace/plainResources';
import { entries, entrySpan, nodeSpan, type MapRef } from '../../../src/yaml/nodes';
import { istioFiles } from '../../oracles/istioSource';

/** Istio's samples and analyzer testdata, as `analyze` reads them. */
const FILES = [...istioFiles('samples'), ...istioFiles('pkg/config/analysis/analyzers/testdata')].map((path) => ({ path, text: readFileSync(path, 'utf8') }));

/** Every span an analyzer can take of a tree: each entry's, each sequence item's, the document's start. */
function spans(root: MapRef, start: number): [number, number][] {
  const out: [number, number][] = [[start, start]];
  const walk = (ref: MapRef) => {
    for (const e of entries(ref)) {
      out.push(entrySpan(e));
      const value = e.value as Node | undefined;
      if (isMap(value)) walk({ ...ref, map: value, parent: ref });
      if (isSeq(value)) {
        for (const item of value.items as Node[]) {
          out.push(nodeSpan(item, entrySpan(e)[0]));
          if (isMap(item)) walk({ ...ref, map: item, parent: ref });
        }
      }
    }
  };
  walk(root);
  return out;
}

describe('resources read as plain values for the cross-resource analyzers', function () {
  this.timeout(120_000);

  it('read most of Istio\'s files, and put every span where the parse with positions puts it', () => {
    let plainFiles = 0;
    let checked = 0;
    for (const { path, text } of FILES) {
      const resources = plainResourcesOf(path, text, READ_TYPES, READ_KINDS);
      if (!resources) continue;
      plainFiles++;
      for (const r of resources) {
        const { resource: parsed, span } = r.located();
        assert.deepEqual([r.type, r.namespace, r.name, r.labels, r.annotations], [parsed.type, parsed.namespace, parsed.name, parsed.labels, parsed.annotations], path);
        const placeholders = spans(r.root, r.start);
        const offsets = spans(parsed.root, parsed.start);
        assert.equal(placeholders.length, offsets.length, `${path}: ${r.name}`);
        placeholders.forEach((p, i) => assert.deepEqual(span(p), offsets[i], `${path}: ${r.type} ${r.name}, span ${i}`));
        checked += placeholders.length;
      }
    }
    assert.ok(plainFiles / FILES.length > 0.8, `only ${plainFiles} of ${FILES.length} files read as plain values`);
    assert.ok(checked > 5000, `only ${checked} spans checked`);
  });

  it('give the same findings as the parse with positions (ranges, messages, fixes), whole scope or not', () => {
    const plain = new WorkspaceIndex();
    const parsed = new WorkspaceIndex({ plain: false });
    for (const { path, text } of FILES) {
      plain.setFile(path, text);
      parsed.setFile(path, text);
    }
    for (const complete of [false, true]) {
      const a = analyzeWorkspace(plain, { complete });
      const b = analyzeWorkspace(parsed, { complete });
      assert.deepEqual([...a], [...b]);
      assert.ok([...a.values()].flat().length > 100, `${[...a.values()].flat().length} findings`);
    }
  });
});

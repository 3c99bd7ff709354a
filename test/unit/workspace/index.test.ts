// The workspace index: one file changed is the only one parsed again, and only the findings that depend on it change.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyzeWorkspace } from '../../../src/workspace/analyze';
import { WorkspaceIndex } from '../../../src/workspace/index';
import { fixedPropertySeed } from '../property';
import { destinationRule, doc, gateway, service, sidecar, virtualService } from './builders';

fixedPropertySeed();

const FILES = {
  'vs.yaml': doc(virtualService('web', { gateways: ['web-gw'], http: [{ host: 'reviews', subset: 'v1' }] })),
  'gw.yaml': doc(gateway('web-gw'), service('reviews')),
  'dr.yaml': doc(destinationRule('reviews', 'reviews', ['v1'])),
  'sidecars.yaml': doc(sidecar('one', 'team'), sidecar('two', 'team')),
};

function indexOf(files: Record<string, string>): WorkspaceIndex {
  const index = new WorkspaceIndex();
  for (const [path, text] of Object.entries(files)) index.setFile(path, text);
  return index;
}

const options = { complete: true };

describe('workspace index', () => {
  it('setting one file parses that file only: the others keep their parsed documents', () => {
    const index = indexOf(FILES);
    const before = new Map(index.files().map((f) => [f, index.resourcesIn(f)[0]?.file]));
    index.setFile('dr.yaml', doc(destinationRule('reviews', 'reviews', ['v2'])));
    for (const f of index.files()) {
      if (f === 'dr.yaml') assert.notEqual(index.resourcesIn(f)[0].file, before.get(f));
      else assert.equal(index.resourcesIn(f)[0].file, before.get(f), `${f} was parsed again`);
    }
  });

  it('a change, a deletion and a creation change the findings that depend on the file, and no others', () => {
    const index = indexOf(FILES);
    const first = analyzeWorkspace(index, options);
    assert.deepEqual([...first.keys()], ['sidecars.yaml']);
    const sidecars = first.get('sidecars.yaml');

    index.setFile('dr.yaml', doc(destinationRule('reviews', 'reviews', ['v2'])));
    let now = analyzeWorkspace(index, options);
    assert.deepEqual(now.get('vs.yaml')?.map((f) => f.message), ['Referenced host+subset in destinationrule not found: "reviews+v1"']);
    assert.deepEqual(now.get('sidecars.yaml'), sidecars);

    assert.equal(index.deleteFile('gw.yaml'), true);
    now = analyzeWorkspace(index, options);
    assert.deepEqual(now.get('vs.yaml')?.map((f) => f.message), [
      'Referenced gateway not found: "web-gw"',
      'one or more host [web] defined in VirtualService default/web not found in Gateway default/web-gw.',
      'Referenced host not found: "reviews"',
      'Referenced host+subset in destinationrule not found: "reviews+v1"',
    ]);
    assert.deepEqual(now.get('sidecars.yaml'), sidecars);

    index.setFile('gw2.yaml', FILES['gw.yaml']);
    index.setFile('dr.yaml', FILES['dr.yaml']);
    assert.deepEqual(analyzeWorkspace(index, options), first);
  });

  it('after any sequence of changes, the findings are those of an index built from the final files', () => {
    const texts = [...Object.values(FILES), doc(virtualService('web', { hosts: ['web'] })), doc(gateway('web-gw', 'other')), '', 'not: [yaml'];
    const paths = ['a.yaml', 'b.yaml', 'c.yaml', 'd.yaml'];
    const op = fc.record({ path: fc.constantFrom(...paths), text: fc.option(fc.constantFrom(...texts), { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 12 }), (ops) => {
        const index = new WorkspaceIndex();
        const final = new Map<string, string>();
        for (const { path, text } of ops) {
          if (text === undefined) {
            index.deleteFile(path);
            final.delete(path);
          } else {
            index.setFile(path, text);
            final.set(path, text);
          }
          // Analysed between changes too, as the editor does: nothing cached may go stale.
          analyzeWorkspace(index, options);
        }
        assert.deepEqual(analyzeWorkspace(index, options), analyzeWorkspace(indexOf(Object.fromEntries(final)), options));
      }),
      { numRuns: 100 },
    );
  });
});

// The workspace index: one file changed is the only one parsed again, and only the findings that depend on it change.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyzeWorkspace } from '../../../src/workspace/analyze';
import { WorkspaceIndex } from '../../../src/workspace/index';
import { resourcesOf, textOfKinds } from '../../../src/workspace/resource';
import { parseManifests } from '../../../src/yaml/parse';
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
  it('setting one file reads that file only: the others keep their resources', () => {
    const index = indexOf(FILES);
    const before = new Map(index.files().map((f) => [f, index.resourcesIn(f)[0]]));
    index.setFile('dr.yaml', doc(destinationRule('reviews', 'reviews', ['v2'])));
    for (const f of index.files()) {
      if (f === 'dr.yaml') assert.notEqual(index.resourcesIn(f)[0], before.get(f));
      else assert.equal(index.resourcesIn(f)[0], before.get(f), `${f} was read again`);
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

describe('documents of kinds no cross-resource analyzer reads', () => {
  const READ = new Set(['VirtualService', 'Gateway', 'DestinationRule', 'ServiceEntry', 'Sidecar', 'Service', 'Deployment', 'Namespace']);
  const configMap = ['---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: dashboards', 'data:', '  dash.json: |', `    ${'{"a":['.repeat(50)}1${']}'.repeat(50)}`, '  other: "{{ pod }}"', ''].join('\n');
  const account = ['---', 'apiVersion: v1', 'kind: ServiceAccount # a comment', 'metadata: {name: web}', ''].join('\n');

  /** What the analyzers see of a file: each resource of a kind they read, where it is (a document's end is never read). */
  const seen = (path: string, text: string) => {
    const index = new WorkspaceIndex();
    index.setFile(path, text);
    // A document parsed alone has its offsets from where it starts in the file (`from`), and its own text.
    return index.resourcesIn(path).filter((r) => READ.has(r.kind)).map((r) => r.located()).map(({ resource: r, from }) => {
      const at = from?.start ?? 0;
      return { type: r.type, name: r.name, namespace: r.namespace, start: r.manifest.span[0] + at, root: r.root.map.range?.map((o) => o + at), text: text.startsWith(r.file.text, at) };
    });
  };
  const unscreened = (path: string, text: string) => resourcesOf(path, parseManifests(text)).filter((r) => READ.has(r.kind)).map((r) => ({ type: r.type, name: r.name, namespace: r.namespace, start: r.manifest.span[0], root: r.root.map.range, text: true }));

  it('are left unparsed: turned into comments of the same length, lines and offsets', () => {
    const text = doc(service('reviews')) + configMap + doc(virtualService('web', { hosts: ['web'] })).replace(/^/, '---\n') + account;
    const screened = textOfKinds(text, READ);
    assert.equal(screened.length, text.length);
    assert.deepEqual([...screened.matchAll(/\n/g)].map((m) => m.index), [...text.matchAll(/\n/g)].map((m) => m.index));
    const lines = screened.split('\n');
    assert.deepEqual(lines.filter((l) => l.startsWith('#')).length, configMap.split('\n').filter((l) => l !== '').length + account.split('\n').filter((l) => l !== '').length);
    assert.ok(screened.includes('kind: Service\n') && screened.includes('kind: VirtualService\n'));
    assert.deepEqual(seen('f.yaml', text), unscreened('f.yaml', text));
    assert.deepEqual(seen('f.yaml', text).map((r) => r.type), ['Service', 'networking.istio.io/VirtualService']);
  });

  it('are parsed whenever their kind is not certain from their lines at column 0', () => {
    const unsure = [
      '{apiVersion: v1, kind: ConfigMap}\n',
      'apiVersion: v1\nkind:\n  ConfigMap\n',
      '"kind": ConfigMap\n',
      '&k kind: ConfigMap\n',
      '? kind\n: ConfigMap\n',
      'kind: !!str ConfigMap\n',
      'kind: {{ .Values.kind }}\n',
      '- kind: ConfigMap\n',
      'kind: ConfigMap\n...\n--- {kind: Service}\n',
      'kind: "Config\\\n  Map"\n',
    ];
    for (const text of unsure) assert.equal(textOfKinds(text, READ), text, text);
  });

  it('change nothing the analyzers see, whatever the documents and their shapes', () => {
    const kind = fc.constantFrom('ConfigMap', 'Service', 'ServiceAccount', 'VirtualService', 'Deployment', 'Secret', 'Namespace');
    const shape = fc.constantFrom('plain', 'quoted', 'flow', 'commented', 'template', 'nextLine', 'anchor');
    const document = fc.tuple(kind, shape, fc.constantFrom('a', 'b'), fc.boolean()).map(([k, s, name, ns]) => {
      const api = k === 'VirtualService' ? 'networking.istio.io/v1' : k === 'Deployment' ? 'apps/v1' : 'v1';
      const meta = `metadata:\n  name: ${name}\n${ns ? '  namespace: shop\n' : ''}`;
      switch (s) {
        case 'plain': return `apiVersion: ${api}\nkind: ${k}\n${meta}data:\n  x: |\n    {"kind": "Service"}\n`;
        case 'quoted': return `apiVersion: ${api}\nkind: '${k}'\n${meta}`;
        case 'flow': return `{apiVersion: ${api}, kind: ${k}, metadata: {name: ${name}}}\n`;
        case 'commented': return `# kind: Service\napiVersion: ${api} # x\nkind: ${k}   # y\n${meta}`;
        case 'template': return `{{- if .Values.on }}\napiVersion: ${api}\nkind: ${k}\n${meta}{{- end }}\n`;
        case 'nextLine': return `apiVersion: ${api}\nkind:\n  ${k}\n${meta}`;
        default: return `apiVersion: ${api}\n&k kind: ${k}\n${meta}`;
      }
    });
    fc.assert(
      fc.property(fc.array(document, { minLength: 1, maxLength: 6 }), (docs) => {
        const text = docs.join('---\n');
        assert.deepEqual(seen('p.yaml', text), unscreened('p.yaml', text), text);
      }),
      { numRuns: 300 },
    );
  });
});

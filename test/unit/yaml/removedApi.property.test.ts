import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyEdits } from '../../../src/yaml/edits';
import { lintText } from '../../../src/yaml/lint';
import { parseManifests } from '../../../src/yaml/parse';
import { fixedPropertySeed } from '../property';

fixedPropertySeed();

/** The ways 1.x guides wrote a peer's mtls, block and flow, and a few that have no mechanical translation. */
const PEERS = fc.constantFrom(
  ['  peers:', '  - mtls: {}'],
  ['  peers:', '  - mtls:'],
  ['  peers:', '    - mtls:', '        mode: STRICT'],
  ['  peers:', '  - mtls: {mode: PERMISSIVE}  # for now'],
  ['  peers: [{mtls: {mode: "PERMISSIVE"}}]'],
  ['  peers: [{mtls: null}]'],
  ['  peers:', '  - mtls: {}', '  origins:', '  - jwt: {issuer: a}'],
  ['  targets: [{name: web}]', '  peers: [{mtls: {}}]'],
);

const OTHER = fc.constantFrom('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop  # x\n', '# only a comment\n', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: "1"}\n');

const policyFile = fc.record({
  kind: fc.constantFrom('MeshPolicy', 'Policy'),
  name: fc.constantFrom('default', 'default', 'other'),
  namespace: fc.constantFrom(undefined, 'shop', '"quoted"'),
  labels: fc.constantFrom(undefined, '  labels: {app: web}', '  annotations:\n    note: "a: b"'),
  peers: PEERS,
  comment: fc.constantFrom('', '# global mTLS\n'),
  before: fc.option(OTHER),
  after: fc.option(OTHER),
  explicitStart: fc.boolean(),
  documentEnd: fc.boolean(),
  trailing: fc.constantFrom('', '# end of policy\n', '\n\n'),
  indent: fc.constantFrom('', '', '  '),
  crlf: fc.boolean(),
}).map((r) => {
  const body = [
    `apiVersion: authentication.istio.io/v1alpha1`,
    `kind: ${r.kind}`,
    'metadata:',
    `  name: ${r.name}`,
    ...(r.namespace ? [`  namespace: ${r.namespace}`] : []),
    ...(r.labels ? [r.labels] : []),
    'spec:',
    ...r.peers,
  ];
  const doc = body.map((line) => r.indent + line).join('\n') + '\n' + r.trailing;
  const parts = [r.before, r.comment + (r.explicitStart || r.before ? '---\n' : '') + doc + (r.documentEnd ? '...\n' : ''), r.after && `---\n${r.after}`];
  const text = parts.filter((p) => p !== null).join(r.before ? '---\n' : '');
  return r.crlf ? text.replace(/\n/g, '\r\n') : text;
});

describe('removed-api fixes (property)', function () {
  this.timeout(60_000);

  it('parse, leave no removed-api finding on the migrated document, and change no byte outside it', () => {
    let applied = 0;
    fc.assert(
      fc.property(policyFile, (text) => {
        const file = parseManifests(text);
        for (const f of lintText(text).findings.filter((x) => x.code === 'removed-api')) {
          const fix = f.fixes?.find((x) => x.preferred);
          if (!fix) continue;
          const [edit] = fix.edits;
          const doc = file.manifests.find((m) => m.span[0] <= edit.start && edit.end <= m.span[1]);
          assert.ok(doc, `edit outside every document of:\n${text}`);
          const after = applyEdits(text, fix.edits);
          const result = lintText(after);
          assert.equal(result.file?.syntaxError, undefined, `broken:\n${after}`);
          assert.deepEqual(result.findings.filter((x) => x.code === 'removed-api'), [], `still flagged:\n${after}`);
          assert.equal(after.slice(0, doc.span[0]), text.slice(0, doc.span[0]));
          assert.equal(after.slice(after.length - (text.length - doc.span[1])), text.slice(doc.span[1]));
          const migrated = result.file!.manifests[doc.index];
          assert.equal(migrated.kind, 'PeerAuthentication', after);
          assert.equal(result.file!.manifests.length, file.manifests.length, after);
          applied++;
        }
      }),
      { numRuns: 300 },
    );
    assert.ok(applied > 60, `only ${applied} fixes applied`);
  });
});

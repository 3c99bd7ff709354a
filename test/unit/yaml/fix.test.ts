import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { YamlChecker } from '../../../src/yaml/checker';
import type { CliFinding } from '../../../src/yaml/cli';
import { unifiedDiff } from '../../../src/yaml/diff';
import { checkTogether, chooseFixes, fixTexts, MAX_PASSES, type CheckTexts } from '../../../src/yaml/fix';
import type { Finding, Fix } from '../../../src/yaml/types';
import { runCli as run, yaml } from './helpers';

const at = { line: 0, character: 0 };
function finding(fixes: Fix[]): Finding {
  return { range: { start: at, end: at }, code: 'inject-label-type', severity: 'error', message: 'm', fixes };
}
const edit = (start: number, end: number, newText = 'x') => ({ start, end, newText });

describe('choosing fixes for one pass', () => {
  it("takes each finding's preferred fix, never a choice between fixes", () => {
    const preferred = { title: 'p', edits: [edit(0, 1)], preferred: true };
    const chosen = chooseFixes([finding([{ title: 'a', edits: [edit(5, 6)] }, preferred]), finding([{ title: 'b', edits: [edit(8, 9)] }, { title: 'c', edits: [edit(9, 10)] }])]);
    assert.deepEqual(chosen.map((c) => c.fix.title), ['p']);
  });
  it('leaves out a fix whose edit overlaps or touches one taken before, for the next pass', () => {
    const fix = (title: string, start: number, end: number): Fix => ({ title, edits: [edit(start, end)], preferred: true });
    const chosen = chooseFixes([finding([fix('late', 20, 22)]), finding([fix('first', 0, 5)]), finding([fix('overlaps', 4, 8)]), finding([fix('touches', 5, 5)]), finding([fix('apart', 6, 7)])]);
    assert.deepEqual(chosen.map((c) => c.fix.title), ['first', 'apart', 'late']);
  });
});

describe('fixing texts', () => {
  const namespace = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop');
  const deployment = yaml('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', '  namespace: shop', '  labels:', '    app: web', '    sidecar.istio.io/inject: "true"', 'spec:', '  template:', '    metadata:', '      labels:', '        app: web', '    spec:', '      containers: []');
  const check = checkTogether(new YamlChecker(async () => undefined));

  it('checks files together, and leaves info findings (suggestions that change what runs) to a person', async () => {
    // A pod of another file asks with the annotation, which no webhook reads: the namespace is reported (info).
    const asking = yaml('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', '  namespace: shop', '  annotations: {sidecar.istio.io/inject: "true"}', 'spec:', '  containers: []');
    const [ns, web, pod] = await fixTexts([{ file: 'ns.yaml', text: namespace }, { file: 'web.yaml', text: deployment }, { file: 'pod.yaml', text: asking }], check);
    assert.equal(web.after, deployment.replace('    sidecar.istio.io/inject: "true"\n', '').replace('        app: web\n', '        app: web\n        sidecar.istio.io/inject: "true"\n'));
    assert.deepEqual(web.applied, [{ code: 'inject-misplaced', title: "Move it into the pod template's labels", line: 8, column: 5 }]);
    // The info findings (each with a fix in the editor) are not applied.
    assert.equal(ns.after, namespace);
    assert.deepEqual([ns.applied, pod.applied], [[], []]);
    const left = (await check([{ file: 'ns.yaml', text: ns.after }, { file: 'web.yaml', text: web.after }, { file: 'pod.yaml', text: pod.after }])).flat();
    assert.deepEqual(left.map((f) => [f.code, f.severity, f.fixes?.some((x) => x.preferred)]), [['namespace-not-injected', 'info', true], ['inject-annotation-deprecated', 'info', true]]);
  });
  it('applies two fixes of one file in one pass when their edits are apart, and keeps CRLF', async () => {
    const text = yaml('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', '  labels:', '    sidecar.istio.io/inject: yes', '    istio.io/dataplane-mode: Ambient', 'spec:', '  containers: []').replace(/\n/g, '\r\n');
    const [fixed] = await fixTexts([{ file: 'p.yaml', text }], check);
    assert.equal(fixed.after, text.replace('inject: yes', 'inject: "true"').replace('mode: Ambient', 'mode: ambient'));
    assert.deepEqual(fixed.applied.map((a) => a.code), ['inject-label-type', 'dataplane-mode-value']);
  });
  it('stops after a few passes when fixes keep coming', async () => {
    let passes = 0;
    const endless: CheckTexts = async (sources) => {
      passes++;
      return sources.map(() => [finding([{ title: 'again', edits: [edit(0, 0, '#')], preferred: true }])]);
    };
    const [fixed] = await fixTexts([{ file: 'f.yaml', text: '' }], endless);
    assert.equal(passes, MAX_PASSES);
    assert.equal(fixed.after, '#'.repeat(MAX_PASSES));
  });
});

describe('unified diff', () => {
  it('prints hunks with three lines of context, like diff -u', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', ''].join('\n');
    const after = ['a', 'b', 'C', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', ''].join('\n');
    assert.equal(unifiedDiff(before, after, 'x.yaml'), ['--- x.yaml', '+++ x.yaml', '@@ -1,6 +1,6 @@', ' a', ' b', '-c', '+C', ' d', ' e', ' f', '@@ -9,3 +9,4 @@', ' i', ' j', ' k', '+l', ''].join('\n'));
    // Changes at most six lines apart share a hunk.
    assert.equal(unifiedDiff(before, after.replace('i\n', 'I\n'), 'x.yaml').split('\n').filter((l) => l.startsWith('@@')).length, 1);
  });
  it('marks a last line without a line break, and keeps CRLF', () => {
    assert.equal(unifiedDiff('a\r\nb', 'a\r\nb\r\nc\r\n', 'f'), ['--- f', '+++ f', '@@ -1,2 +1,3 @@', ' a\r', '-b', '\\ No newline at end of file', '+b\r', '+c\r', ''].join('\n'));
    assert.equal(unifiedDiff('same\n', 'same\n', 'f'), '');
    assert.equal(unifiedDiff('', 'new\n', 'f'), ['--- f', '+++ f', '@@ -0,0 +1,1 @@', '+new', ''].join('\n'));
  });
});

describe('istio-mesh lint --fix (command line)', () => {
  function project(): { dir: string; ns: string; web: string; pod: string; both: string } {
    const dir = mkdtempSync(join(tmpdir(), 'istio-fix-'));
    const files = {
      ns: [join(dir, 'a-namespace.yaml'), yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop')],
      web: [join(dir, 'b-web.yaml'), yaml('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', '  namespace: shop', '  labels:', '    sidecar.istio.io/inject: "true"', 'spec:', '  template:', '    metadata:', '      labels:', '        app: web', '    spec:', '      containers: []')],
      pod: [join(dir, 'c-pod.yaml'), yaml('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', '  labels:', '    sidecar.istio.io/inject: 1', 'spec:', '  containers: []')],
      both: [join(dir, 'd-both.yaml'), yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: other', '  labels: {istio-injection: enabled, istio.io/rev: canary}')],
    } as const;
    for (const [path, text] of Object.values(files)) writeFileSync(path, text);
    return { dir, ns: files.ns[0], web: files.web[0], pod: files.pod[0], both: files.both[0] };
  }

  it('fixes files in place, prints what it changed per file, and exits with the status of what remains', async () => {
    const p = project();
    const { code, stdout, stderr } = await run('lint', '--fix', '--no-schema', p.dir);
    assert.equal(readFileSync(p.ns, 'utf8'), yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop'), 'info findings are not fixed');
    assert.equal(readFileSync(p.web, 'utf8'), yaml('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', '  namespace: shop', 'spec:', '  template:', '    metadata:', '      labels:', '        app: web', '        sidecar.istio.io/inject: "true"', '    spec:', '      containers: []'));
    const lines = stdout.split('\n');
    assert.deepEqual(lines.slice(0, 2), [`${p.web}: 1 fix(es) applied`, "  7:5 inject-misplaced: Move it into the pod template's labels"]);
    // Left: an error without a fix, and a choice between two fixes. Once web's pod template has the label, the chart's
    // object webhook injects it in the unlabelled namespace: nothing to say about shop.
    assert.match(lines[2], /c-pod\.yaml:6:30: error inject-label-type: /);
    assert.match(lines[3], /d-both\.yaml:5:38: warning injection-labels-conflict: /);
    assert.equal(lines[4], '4 file(s) checked: 1 error(s), 1 warning(s), 0 info.');
    assert.equal(stderr, '');
    assert.equal(code, 1);
    // A second run has nothing left to fix.
    const again = await run('lint', '--fix', '--no-schema', p.ns, p.web);
    assert.equal(again.code, 0);
    assert.equal(again.stdout, '2 file(s) checked: 0 error(s), 0 warning(s), 0 info.\n');
  });
  it('with --format json, reports what remains as JSON and the fixes on stderr', async () => {
    const p = project();
    const { code, stdout, stderr } = await run('lint', '--fix', '--format', 'json', '--no-schema', p.pod, p.web);
    assert.deepEqual((JSON.parse(stdout) as CliFinding[]).map((r) => r.code), ['inject-label-type']);
    assert.equal(stderr, `${p.web}: 1 fix(es) applied\n  7:5 inject-misplaced: Move it into the pod template's labels\n`);
    assert.equal(code, 1);
  });
  it('--fix-dry-run prints a unified diff, writes nothing, and reports what would remain on stderr', async () => {
    const p = project();
    const before = readFileSync(p.ns, 'utf8') + readFileSync(p.web, 'utf8');
    const { code, stdout, stderr } = await run('lint', '--fix-dry-run', '--no-schema', p.ns, p.web);
    assert.equal(readFileSync(p.ns, 'utf8') + readFileSync(p.web, 'utf8'), before);
    assert.equal(stdout, [
      `--- ${p.web}`, `+++ ${p.web}`, '@@ -3,12 +3,11 @@', ' metadata:', '   name: web', '   namespace: shop', '-  labels:', '-    sidecar.istio.io/inject: "true"', ' spec:', '   template:', '     metadata:',
      '       labels:', '         app: web', '+        sidecar.istio.io/inject: "true"', '     spec:', '       containers: []', '',
    ].join('\n'));
    assert.equal(stderr, '2 file(s) checked: 0 error(s), 0 warning(s), 0 info.\n');
    assert.equal(code, 0);
  });
  it('documents both options, and refuses them together', async () => {
    assert.match((await run('--help')).stdout, /--fix {10}apply each finding's preferred quick fix in place[\s\S]*--fix-dry-run {2}print the fixes as a unified diff/);
    const { code, stderr } = await run('lint', '--fix', '--fix-dry-run', '.');
    assert.equal(code, 2);
    assert.match(stderr, /--fix and --fix-dry-run exclude each other/);
  });
});

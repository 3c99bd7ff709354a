import assert from 'node:assert/strict';
import { YamlChecker } from '../../../src/yaml/checker';
import { applyEdits } from '../../../src/yaml/edits';
import type { FindingCode } from '../../../src/yaml/types';
import { checkEveryFix } from './fixOracle';
import { findingsOf, fixed, yaml } from './helpers';

/** Every fix of the text passes the property test's checks (parses, removes its finding, adds none, edits only its range). */
async function allFixesSound(text: string): Promise<void> {
  const { problems } = await checkEveryFix(text);
  assert.deepEqual(problems, []);
}

/** The titles of the fixes offered for the only finding with `code`. */
function titles(text: string, code: FindingCode): string[] {
  const list = findingsOf(text, code);
  assert.equal(list.length, 1, `expected one ${code} finding, got ${list.length}`);
  return (list[0].fixes ?? []).map((f) => f.title);
}

const namespace = (...lines: string[]) => yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', ...lines);
const pod = (...lines: string[]) => yaml('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', '  namespace: shop', ...lines);
const asking = pod('  annotations: {sidecar.istio.io/inject: "true"}', 'spec:', '  containers: []');

describe('quick fixes: cases users found', () => {
  it('replace a block scalar value without gluing the next line on (before `---` it merged two documents)', async () => {
    const text = namespace('  labels:', '    istio-injection: |', '      true') + '---\n' + namespace();
    assert.equal(fixed(text, 'injection-label-value'), namespace('  labels:', '    istio-injection: enabled') + '---\n' + namespace());
    assert.equal(fixed(namespace('  labels:', '    istio-injection: >- # folded', '      yes', '    team: a'), 'injection-label-value'), namespace('  labels:', '    istio-injection: enabled # folded', '    team: a'));
    await allFixesSound(text);
  });
  it('replace a block mapping or list value from the colon, keeping the comment of its key line', async () => {
    assert.equal(fixed(namespace('  labels:', '    istio-injection: # why', '      a: b', '    team: a'), 'injection-label-value'), namespace('  labels:', '    istio-injection: enabled # why', '    team: a'));
    assert.equal(fixed(namespace('  labels:', '    istio-injection:', '    - a', '    team: a'), 'injection-label-value'), namespace('  labels:', '    istio-injection: enabled', '    team: a'));
  });
  it('add `labels:` after an annotations map that ends in a `|+` block scalar without taking its kept blank lines', async () => {
    // Found by the property test (seed 281153808): the blank line is the scalar's content ("true\n\n").
    const text = namespace('  annotations:', '    sidecar.istio.io/inject: |+', '      true', '') + 'x: 1\n---\n' + asking;
    assert.equal(fixed(text, 'namespace-not-injected'), namespace('  annotations:', '    sidecar.istio.io/inject: |+', '      true', '', '  labels:', '    istio-injection: enabled') + 'x: 1\n---\n' + asking);
    await allFixesSound(text);
  });
  it('add an entry below `labels: # comment` without eating the space before `#`', async () => {
    const text = namespace('  labels: # none yet') + '---\n' + asking;
    assert.equal(fixed(text, 'namespace-not-injected'), namespace('  labels: # none yet', '    istio-injection: enabled') + '---\n' + asking);
    await allFixesSound(text);
  });
  it('move the inject label into `labels: # comment` of the pod template (was a syntax error)', async () => {
    const text = yaml('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: w', '  annotations:', '    sidecar.istio.io/inject: "true"', 'spec:', '  template:', '    metadata:', '      labels: # none yet', '    spec: {}');
    assert.equal(fixed(text, 'inject-misplaced'), yaml('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: w', 'spec:', '  template:', '    metadata:', '      labels: # none yet', '        sidecar.istio.io/inject: "true"', '    spec: {}'));
    await allFixesSound(text);
  });
  it('remove one entry of a flow map, keeping keys that are not strings', async () => {
    const text = namespace('  labels: {1: one, true: yes, istio-injection: enabled, istio.io/rev: canary}');
    assert.equal(fixed(text, 'injection-labels-conflict', 'Remove istio.io/rev (keep istio-injection)'), namespace('  labels: {1: one, true: yes, istio-injection: enabled}'));
    assert.equal(fixed(text, 'injection-labels-conflict', 'Remove istio-injection (keep istio.io/rev)'), namespace('  labels: {1: one, true: yes, istio.io/rev: canary}'));
    await allFixesSound(text);
  });
  it('remove one entry of a multi-line flow map, keeping its comments and the closing brace in place', async () => {
    const text = namespace('  labels: {', '    # c1', '    istio-injection: enabled, # c2', '    istio.io/rev: canary # c3', '  }');
    assert.equal(fixed(text, 'injection-labels-conflict', 'Remove istio.io/rev (keep istio-injection)'), namespace('  labels: {', '    # c1', '    istio-injection: enabled # c2', '  }'));
    assert.equal(fixed(text, 'injection-labels-conflict', 'Remove istio-injection (keep istio.io/rev)'), namespace('  labels: {', '    # c1', '    istio.io/rev: canary # c3', '  }'));
    await allFixesSound(text);
  });
  it('quote a tagged boolean by replacing the tag too, and still flag `!!bool "true"`', async () => {
    assert.equal(fixed(pod('  labels:', '    sidecar.istio.io/inject: !!bool true'), 'inject-label-type'), pod('  labels:', '    sidecar.istio.io/inject: "true"'));
    assert.equal(fixed(pod('  labels:', '    sidecar.istio.io/inject: !!bool "true"'), 'inject-label-type'), pod('  labels:', '    sidecar.istio.io/inject: "true"'));
    assert.deepEqual(findingsOf(pod('  labels:', '    sidecar.istio.io/inject: !!str true'), 'inject-label-type'), []);
  });
  it('offer no fix that adds a label inside or next to a Helm conditional', async () => {
    const text = namespace('  labels:', '    {{- if .Values.x }}', '    team: a', '    {{- end }}') + '---\n' + asking;
    const [f] = findingsOf(text, 'namespace-not-injected');
    assert.equal(f.fixes, undefined);
    // Outside any conditional it is offered, and a document wrapped in one as a whole may be edited inside it.
    const wrapped = '{{- if .Values.create }}\n' + namespace('  labels:', '    team: a', '  annotations: {}') + '{{- end }}\n---\n' + asking;
    assert.equal(fixed(wrapped, 'namespace-not-injected'), '{{- if .Values.create }}\n' + namespace('  labels:', '    team: a', '    istio-injection: enabled', '  annotations: {}') + '{{- end }}\n---\n' + asking);
    // Right before the `{{- end }}` line it is not.
    assert.equal(findingsOf('{{- if .Values.create }}\n' + namespace('  labels:', '    team: a') + '{{- end }}\n---\n' + asking, 'namespace-not-injected')[0].fixes, undefined);
    await allFixesSound(text);
  });
  it('judge an alias by its anchor: `*on` standing for enabled is fine; standing for "true" it is flagged without a fix', async () => {
    assert.deepEqual(findingsOf(namespace('  annotations:', '    x: &on enabled', '  labels:', '    istio-injection: *on'), 'injection-label-value'), []);
    const text = namespace('  annotations:', '    x: &on "true"', '  labels:', '    istio-injection: *on');
    const [f] = findingsOf(text, 'injection-label-value');
    assert.equal(f.fixes, undefined);
    assert.deepEqual([f.range.start, f.range.end], [{ line: 7, character: 21 }, { line: 7, character: 24 }]);
  });
  it('check labels merged in with `<<:`; setting overrides them beside the merge key, removing is not offered', async () => {
    const base = (...lines: string[]) => yaml('apiVersion: v1', 'kind: Namespace', 'x-base: &base', '  istio-injection: "true"', '  istio.io/rev: canary', 'metadata:', '  name: shop', '  labels:', '    <<: *base', ...lines);
    // Setting "enabled" beside the merged istio.io/rev would be IST0123's conflict: only "disabled" is offered.
    assert.equal(fixed(base(), 'injection-label-value'), base('    istio-injection: disabled'));
    // istio-injection "true" turns injection off, so istio.io/rev beside it is no conflict (as IST0123 judges it).
    assert.deepEqual(findingsOf(base(), 'injection-labels-conflict'), []);
    await allFixesSound(base());
  });
});

describe('quick fixes: cases the property test found', () => {
  it('indent a new entry from the key, not from its tag (`!!str key:`)', async () => {
    // (Found with istio.io/dataplane-mode, beside which enabling is now IST0123's conflict and not offered.)
    const text = namespace('  labels:', '    !!str app: x');
    const fix = new YamlChecker(async () => undefined).enableInjectionAt(text, 0);
    assert.ok(fix);
    assert.equal(applyEdits(text, fix.edits), namespace('  labels:', '    !!str app: x', '    istio-injection: enabled'));
    assert.equal(new YamlChecker(async () => undefined).enableInjectionAt(namespace('  labels:', '    !!str istio.io/dataplane-mode: x'), 0), undefined);
    await allFixesSound(text);
  });
  it('remove an entry with its key tag, not leaving `!!str` behind', async () => {
    const text = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: kube-system', '  labels:', '    team: a', '    !!str istio.io/rev: canary');
    assert.equal(fixed(text, 'system-namespace-injection'), yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: kube-system', '  labels:', '    team: a'));
  });
  it('remove an empty annotation followed by a comment line without taking the next key with it', async () => {
    const text = yaml('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: w', 'spec:', '  template:', '    metadata:', '      annotations:', '        team: a', '        sidecar.istio.io/inject:', '        # note', '    spec: {}');
    await allFixesSound(text);
    assert.deepEqual(findingsOf(text, 'inject-annotation-deprecated')[0].fixes?.map((f) => f.title), ['Suppress IST0135 for this resource'], 'an empty value is no "true"/"false" to move');
    const truthy = text.replace('sidecar.istio.io/inject:\n', 'sidecar.istio.io/inject: "true"\n');
    assert.equal(fixed(truthy, 'inject-annotation-deprecated'), yaml('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: w', 'spec:', '  template:', '    metadata:', '      annotations:', '        team: a', '      labels:', '        sidecar.istio.io/inject: "true"', '        # note', '    spec: {}'));
    await allFixesSound(truthy);
  });
  it('do not move a block scalar into a broken quoted string (`"true\\n"`)', async () => {
    const text = pod('  annotations:', '    sidecar.istio.io/inject: |', '      true', '  labels: # none', 'spec:', '  containers: []');
    await allFixesSound(text);
  });
  it('insert into a flow map whose keys carry tags without rebuilding it', async () => {
    const text = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels: {!!str app: web, !!str istio.io/rev: x,}');
    const fix = new YamlChecker(async () => undefined).enableInjectionAt(text, 0);
    assert.ok(fix);
    assert.equal(applyEdits(text, fix.edits), yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels: {!!str app: web, !!str istio-injection: enabled,}'));
    await allFixesSound(text);
  });
  it('do not move the inject label into a host-network pod, which is never injected (was: a new inject-host-network)', async () => {
    const text = yaml('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: w', '  annotations:', "    sidecar.istio.io/inject: 'true'", 'spec:', '  template:', '    spec:', '      hostNetwork: true');
    assert.deepEqual(titles(text, 'inject-misplaced'), ['Suppress IST0107 for this resource']);
    const value = yaml('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', '  labels:', '    sidecar.istio.io/inject: "enabled"', 'spec:', '  hostNetwork: true');
    assert.deepEqual(titles(value, 'inject-label-value'), ['Set sidecar.istio.io/inject: "false"']);
    await allFixesSound(text);
    await allFixesSound(value);
  });
  it('move only "true" and "false": another value would be a new inject-label-value', async () => {
    const text = yaml('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: w', '  annotations:', "    sidecar.istio.io/inject: 'enabled'", 'spec:', '  template:', '    spec: {}');
    assert.deepEqual(titles(text, 'inject-misplaced'), ['Suppress IST0107 for this resource']);
    assert.deepEqual(titles(pod('  annotations:', '    sidecar.istio.io/inject: 1'), 'inject-annotation-deprecated'), ['Suppress IST0135 for this resource']);
  });
  it('do not enable injection on a namespace istiod ignores (was: a new system-namespace-injection)', () => {
    const text = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: kube-node-lease', '  labels:', '    istio-injection: "true"');
    assert.deepEqual(titles(text, 'injection-label-value'), ['Set istio-injection: disabled']);
  });
  it('do not remove a label that a merge key brings back (the finding stayed)', async () => {
    const text = yaml('apiVersion: v1', 'kind: Namespace', 'x-base: &base', '  istio.io/rev: canary', 'metadata:', '  name: kube-system', '  labels:', '    <<: *base', '    istio.io/rev: canary');
    assert.deepEqual(titles(text, 'system-namespace-injection'), []);
    await allFixesSound(text);
  });
  it('do not edit an anchored value that an alias repeats elsewhere', async () => {
    const text = pod('  labels:', '    sidecar.istio.io/inject: &x "yes"', '  annotations:', '    copy: *x');
    assert.deepEqual(titles(text, 'inject-label-value'), []);
    assert.equal(fixed(pod('  labels:', '    sidecar.istio.io/inject: &x "yes"'), 'inject-label-value'), pod('  labels:', '    sidecar.istio.io/inject: "true"'));
  });
});

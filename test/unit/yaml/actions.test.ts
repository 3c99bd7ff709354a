import assert from 'node:assert/strict';
import { enableInjectionFix, manifestAt } from '../../../src/yaml/actions';
import { applyEdits } from '../../../src/yaml/edits';
import { parseManifests } from '../../../src/yaml/parse';
import { yaml } from './helpers';

function enable(text: string, offset = 0): string | undefined {
  const file = parseManifests(text);
  const m = manifestAt(file, offset);
  const fix = m && enableInjectionFix(file, m);
  return fix && applyEdits(text, fix.edits);
}

describe('Enable Istio sidecar injection (code action)', () => {
  it('adds labels: with istio-injection: enabled', () => {
    assert.equal(enable(yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop')), yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels:', '    istio-injection: enabled'));
  });
  it('replaces istio.io/rev by istio-injection in place, and removes it beside a wrong istio-injection', () => {
    assert.equal(enable(yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: a', '  labels:', '    istio.io/rev: canary')), yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: a', '  labels:', '    istio-injection: enabled'));
    assert.equal(
      enable(yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: a', '  labels:', '    istio.io/rev: canary', '    team: x')),
      yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: a', '  labels:', '    istio-injection: enabled', '    team: x'),
    );
    assert.equal(
      enable(yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: a', '  labels:', '    istio.io/rev: canary', '    istio-injection: "true"')),
      yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: a', '  labels:', '    istio-injection: enabled'),
    );
  });
  it('is not offered when already enabled, nor on other kinds', () => {
    assert.equal(enable(yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: a', '  labels: {istio-injection: enabled}')), undefined);
    assert.equal(enable(yaml('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: a')), undefined);
  });
  it('finds the document under the cursor in a multi-document file', () => {
    const text = yaml('apiVersion: v1', 'kind: Pod', 'metadata: {name: p}', '---', 'apiVersion: v1', 'kind: Namespace', 'metadata: {name: b}');
    assert.equal(enable(text, text.indexOf('name: b')), yaml('apiVersion: v1', 'kind: Pod', 'metadata: {name: p}', '---', 'apiVersion: v1', 'kind: Namespace', 'metadata: {name: b, labels: { istio-injection: enabled }}'));
  });
});

// sidecar.istio.io/inject as an annotation, in every place it can be written: each IST code is reported once (by the
// rule that owns it, never again by an analyzer), and the IST codes on an object's own metadata are exactly those
// Istio's annotations.K8sAnalyzer reports (annotations.go:53-127: the own annotations of Namespaces, Services, Pods and
// apps Deployments; IST0135 unless the same object has the label; IST0107 on any kind but Pod).
import assert from 'node:assert/strict';
import type { Finding } from '../../../src/yaml/types';
import { findings, yaml } from './helpers';

const ANNOTATION = ['  annotations:', '    sidecar.istio.io/inject: "true"'];
const LABEL = ['  labels:', '    sidecar.istio.io/inject: "true"'];
const TEMPLATE = ['spec:', '  template:', '    metadata:', '      annotations:', '        sidecar.istio.io/inject: "true"', '    spec: {}'];

interface Case {
  readonly name: string;
  readonly text: string;
  /** `code/IST code` of every finding that carries an IST code, by 0-based line. */
  readonly expected: readonly string[];
}

const doc = (apiVersion: string, kind: string, ...rest: string[]) => yaml(`apiVersion: ${apiVersion}`, `kind: ${kind}`, 'metadata:', '  name: x', ...rest);

const CASES: readonly Case[] = [
  { name: "a Pod's own annotation: deprecated (IST0135), not misplaced", text: doc('v1', 'Pod', ...ANNOTATION), expected: ['5 inject-annotation-deprecated/IST0135'] },
  { name: 'a Pod with the label too: nothing (Istio keeps quiet on purpose)', text: doc('v1', 'Pod', ...ANNOTATION, ...LABEL), expected: [] },
  {
    name: "a Deployment's own annotation: deprecated (IST0135) and misplaced (IST0107), once each",
    text: doc('apps/v1', 'Deployment', ...ANNOTATION),
    expected: ['5 inject-annotation-deprecated/IST0135', '5 inject-misplaced/IST0107'],
  },
  { name: "a Deployment's own annotation beside its own label: misplaced only", text: doc('apps/v1', 'Deployment', ...ANNOTATION, ...LABEL), expected: ['5 inject-misplaced/IST0107'] },
  {
    name: "a Deployment's pod template: deprecated (IST0135, what istioctl reports on each Pod it creates)",
    text: doc('apps/v1', 'Deployment', ...TEMPLATE),
    expected: ['8 inject-annotation-deprecated/IST0135'],
  },
  { name: "a StatefulSet's own annotation: misplaced, without an IST code (Istio reads no StatefulSet)", text: doc('apps/v1', 'StatefulSet', ...ANNOTATION), expected: [] },
  {
    name: "a Namespace's annotation: deprecated (IST0135) and misplaced (IST0107)",
    text: doc('v1', 'Namespace', ...ANNOTATION),
    expected: ['5 inject-annotation-deprecated/IST0135', '5 inject-misplaced/IST0107'],
  },
  { name: "a Namespace's annotation beside the label: misplaced only", text: doc('v1', 'Namespace', ...ANNOTATION, ...LABEL), expected: ['5 inject-misplaced/IST0107'] },
  {
    name: "a Service's annotation: deprecated (IST0135) and misplaced (IST0107)",
    text: doc('v1', 'Service', ...ANNOTATION),
    expected: ['5 inject-annotation-deprecated/IST0135', '5 inject-misplaced/IST0107'],
  },
  { name: 'a ConfigMap: nothing (Istio reads no ConfigMap annotations)', text: doc('v1', 'ConfigMap', ...ANNOTATION), expected: [] },
];

const withIst = (list: Finding[]) => list.filter((f) => f.istio !== undefined || f.code.startsWith('IST'));

describe('one owner per IST code for sidecar.istio.io/inject', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const list = withIst(findings(c.text));
      assert.deepEqual(list.map((f) => `${f.range.start.line} ${f.code}/${f.istio ?? f.code}`).sort(), [...c.expected].sort());
    });
  }

  it('no IST code is reported twice at one place, over every case', () => {
    for (const c of CASES) {
      const keys = withIst(findings(c.text)).map((f) => `${f.range.start.line} ${f.istio ?? f.code}`);
      assert.equal(new Set(keys).size, keys.length, c.name);
    }
  });

  it("the StatefulSet's own annotation is still reported, by the rule's own code", () => {
    assert.deepEqual(findings(doc('apps/v1', 'StatefulSet', ...ANNOTATION)).map((f) => f.code), ['inject-misplaced']);
  });

  it('the Namespace and Service findings say what to do instead, and offer no move (there is no pod template)', () => {
    const [ns] = findings(doc('v1', 'Namespace', ...ANNOTATION)).filter((f) => f.code === 'inject-misplaced');
    assert.match(ns.message, /label the namespace istio-injection=enabled/);
    assert.ok(!(ns.fixes ?? []).some((f) => f.title.startsWith('Move')));
  });
});

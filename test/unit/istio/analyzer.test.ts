// IST0123 against Istio's own analyzer test: its input file and its expected messages, read from the Istio module
// at the testbed's pinned commit (never copied here).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { multipleInjectionLabels } from '../../../src/istio/injection';
import { istioModuleDir } from '../../oracles/istioSource';

describe("multipleInjectionLabels against Istio's analyzer test", () => {
  it('reports exactly the namespaces the istioInjection case expects IST0123 for', function () {
    this.timeout(60_000);
    const dir = join(istioModuleDir(), 'pkg', 'config', 'analysis', 'analyzers');
    const tests = readFileSync(join(dir, 'analyzers_test.go'), 'utf8');
    const block = /name:\s+"istioInjection",[\s\S]*?expected:\s+\[\]message\{([\s\S]*?)\n\t\t\},/.exec(tests)?.[1];
    assert.ok(block, 'the istioInjection case in analyzers_test.go');
    const expected = [...block.matchAll(/msg\.NamespaceMultipleInjectionLabels, "Namespace ([^"]+)"/g)].map((m) => m[1]).sort();
    assert.ok(expected.length >= 4, expected.join(', '));
    const namespaces = parseAllDocuments(readFileSync(join(dir, 'testdata', 'injection.yaml'), 'utf8'))
      .map((d) => d.toJS() as { kind?: string; metadata?: { name: string; labels?: Record<string, string> } } | null)
      .filter((o) => o?.kind === 'Namespace')
      .map((o) => ({ name: o!.metadata!.name, labels: o!.metadata!.labels }));
    assert.ok(namespaces.length > 8);
    const reported = namespaces.filter((ns) => multipleInjectionLabels(ns).length > 1).map((ns) => ns.name).sort();
    assert.deepEqual(reported, expected);
  });
});

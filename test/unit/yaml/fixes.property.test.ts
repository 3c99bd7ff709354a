import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ClusterFacts } from '../../../src/yaml/facts';
import { checkEveryFix, parseErrors } from './fixOracle';
import { manifestFile, renderFile } from './manifestArbitraries';
import { fixedPropertySeed } from '../property';

fixedPropertySeed();

/** Sometimes connected: revision-unknown, and namespace-not-injected for namespaces that run workloads. */
const cluster: fc.Arbitrary<ClusterFacts | undefined> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.record({ revisions: fc.constantFrom(['default', 'stable'], ['canary']), namespacesWithWorkloads: fc.constantFrom(['shop'], []) }) },
);

/** Every rule code that offers a fix: each must have been exercised by the generated files. */
const FIXABLE = [
  'injection-label-value', 'injection-labels-conflict', 'dataplane-mode-value', 'inject-label-type', 'inject-label-value',
  'inject-annotation-deprecated', 'inject-misplaced', 'system-namespace-injection', 'namespace-not-injected', 'revision-unknown', 'enable-injection',
];

describe('quick fixes (property)', function () {
  this.timeout(120_000);

  it('parse, remove their finding, add none, and change nothing outside their range, in manifests of every YAML style', async () => {
    const applied = new Map<string, number>();
    let files = 0;
    await fc.assert(
      fc.asyncProperty(manifestFile, cluster, async (model, facts) => {
        const text = renderFile(model);
        fc.pre(parseErrors(text).length === 0);
        files++;
        const result = await checkEveryFix(text, facts);
        for (const [code, n] of result.applied) applied.set(code, (applied.get(code) ?? 0) + n);
        assert.deepEqual(result.problems, [], `in:\n${text}`);
      }),
      { numRuns: Number(process.env.FIX_PROPERTY_RUNS ?? 300), ...(process.env.FIX_PROPERTY_SEED ? { seed: Number(process.env.FIX_PROPERTY_SEED) } : {}) },
    );
    assert.ok(files >= 250, `only ${files} generated files parsed`);
    for (const code of FIXABLE) assert.ok((applied.get(code) ?? 0) > 0, `no ${code} fix was exercised: ${JSON.stringify([...applied])}`);
  });
});

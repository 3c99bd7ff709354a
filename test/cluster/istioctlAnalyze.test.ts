// Our analyzers against the testbed's `istioctl analyze --use-kube=false`, on every input set of Istio's
// analyzers_test.go and on samples/ (read from the Go module cache, never copied here). In the cluster tier because it
// needs the testbed's build of istioctl, which this tier makes first (on a new machine the unit tier runs before that
// build has finished). Every disagreement on a code we cover fails unless test/oracles/analysisComparison.ts explains
// it; the agreement per code is printed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzers } from '../../src/analyzers';
import { TYPES, type WorkspaceAnalyzer } from '../../src/workspace/analyzer';
import { workspaceAnalyzers } from '../../src/workspace/analyzers';
import { parseManifests } from '../../src/yaml/parse';
import { parseAnalyzeOutput } from '../../src/analyzers/clusterAnalysis';
import { Agreement, COVERED, runByIstioctlOnFiles, differences, hasKubernetesKinds, ours, pooled, unexplained, type Disagreement } from '../oracles/analysisComparison';
import { ANALYZERS_DIR, analyzerCases, istioctlAnalyze, istioctlAnalyzeStdout, testbedIstioctl, type AnalyzerCase } from '../oracles/istioctlAnalyze';
import { istioFiles, istioModuleDir, istioRelative } from '../oracles/istioSource';

describe("our analyzers against istioctl analyze --use-kube=false", function () {
  this.timeout(300_000);
  let cases: AnalyzerCase[];
  const dir = () => join(istioModuleDir(), ANALYZERS_DIR);

  let istioctlRuns: WorkspaceAnalyzer[];
  before(() => {
    istioctlRuns = runByIstioctlOnFiles(workspaceAnalyzers);
    cases = analyzerCases();
    assert.ok(cases.length > 80, `only ${cases.length} cases read from analyzers_test.go`);
  });

  it('agrees with istioctl analyze --use-kube=false on every input set of analyzers_test.go', async () => {
    const istioctl = await testbedIstioctl();
    // istioctl reads only Istio's kinds from files (see EXPLAINED): an input set without one of the Istio kinds we
    // analyze cannot give a covered code there, and is not worth an istioctl process.
    const istioKinds = [...analyzers.flatMap((a) => a.types), ...Object.values(TYPES)].filter((t) => t.includes('.')).map((t) => t.split('/')[1]);
    const readsIstioKind = new RegExp(`kind:\\s*(?:${istioKinds.join('|')})\\b`);
    const sets = new Map<string, AnalyzerCase>();
    for (const c of cases) {
      if (c.inputFiles.some((f) => readsIstioKind.test(readFileSync(join(dir(), f), 'utf8')))) sets.set(JSON.stringify([c.inputFiles, c.meshConfigFile]), c);
    }
    const agreement = new Agreement();
    const all: Disagreement[] = [];
    await pooled([...sets.values()], 2, async (c) => {
      const theirs = (await istioctlAnalyze(istioctl, dir(), c.inputFiles, c.meshConfigFile)).filter((m) => COVERED.has(m.code)).map((m) => `${m.code} ${m.origin}`).sort();
      const files = c.inputFiles.map((f) => join(dir(), f));
      const mine = ours(files, COVERED, istioctlRuns);
      const found = differences(`istioctl ${c.name}`, mine, theirs, c.meshConfigFile, hasKubernetesKinds(files));
      agreement.add(mine, found);
      all.push(...found);
    });
    agreement.print(`istioctl, ${sets.size} input sets`);
    assert.deepEqual(unexplained(all), []);
  });

  it("agrees with istioctl analyze --use-kube=false on Istio's samples/", async () => {
    const istioctl = await testbedIstioctl();
    const files = istioFiles('samples');
    const theirs = (await istioctlAnalyze(istioctl, istioModuleDir(), files.map(istioRelative))).filter((m) => COVERED.has(m.code)).map((m) => `${m.code} ${m.origin}`).sort();
    const mine = ours(files, COVERED, istioctlRuns);
    // Resources defined in more than one file, as `Kind namespace/name` (an origin).
    const seen = new Set<string>();
    const redefined = new Set<string>();
    for (const path of files) {
      for (const m of parseManifests(readFileSync(path, 'utf8')).manifests) {
        if (m.kind === undefined) continue;
        const origin = `${m.kind} ${m.namespace ? `${m.namespace}/` : ''}${m.name ?? ''}`;
        if (seen.has(origin)) redefined.add(origin);
        seen.add(origin);
      }
    }
    const found = differences('istioctl samples/', mine, theirs, undefined, true).map((d) => ({ ...d, redefined: redefined.has(d.origin) }));
    const agreement = new Agreement();
    agreement.add(mine, found);
    agreement.print(`istioctl, samples/ (${files.length} files)`);
    assert.deepEqual(unexplained(found), []);
  });
});

// The command `Istio: Analyze Cluster…` reads istioctl's JSON: its reader against real output of the same istioctl.
describe('istioctl analyze output, as Analyze Cluster reads it', () => {
  it('agrees with the testbed istioctl on real output: every message, each origin read back exactly', async function () {
    this.timeout(120_000);
    const istioctl = await testbedIstioctl();
    const cwd = join(istioModuleDir(), ANALYZERS_DIR);
    const cases = analyzerCases().filter((c) => c.expected.length > 0 && !c.meshConfigFile).slice(0, 8);
    let seen = 0;
    for (const c of cases) {
      const stdout = await istioctlAnalyzeStdout(istioctl, cwd, c.inputFiles);
      const raw = JSON.parse(stdout.slice(stdout.search(/^\[|^null/m))) as { code: string; level: string; origin?: string }[] | null;
      const parsed = parseAnalyzeOutput(stdout);
      assert.equal(parsed.length, raw?.length ?? 0, c.name);
      parsed.forEach((m, i) => {
        const o = m.object;
        assert.equal(m.code, raw![i].code);
        assert.equal(m.severity, ({ Error: 'error', Warning: 'warning', Info: 'info' } as Record<string, string>)[raw![i].level]);
        assert.equal(o && `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`, raw![i].origin, `${c.name}: ${raw![i].origin}`);
      });
      seen += parsed.length;
    }
    assert.ok(seen >= cases.length, `only ${seen} messages over ${cases.length} input sets`);
  });
});

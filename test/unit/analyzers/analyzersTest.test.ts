// Our analyzers against what Istio's own analyzers_test.go expects of them, on Istio's files (read from the Go module
// cache, never copied here). Every disagreement on a code we cover fails unless test/oracles/analysisComparison.ts
// explains it; the agreement per code is printed. The same comparison with the testbed's istioctl is in the cluster
// tier (test/cluster/istioctlAnalyze.test.ts), which builds istioctl first.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyzers } from '../../../src/analyzers';
import { MESSAGES } from '../../../src/analyzers/messages';
import { workspaceAnalyzers } from '../../../src/workspace/analyzers';
import { Agreement, differences, ours, unexplained, type Disagreement } from '../../oracles/analysisComparison';
import { ANALYZERS_DIR, analyzerCases, type AnalyzerCase } from '../../oracles/istioctlAnalyze';
import { istioModuleDir } from '../../oracles/istioSource';

describe("our analyzers against Istio's analyzers_test.go", function () {
  this.timeout(180_000);
  let cases: AnalyzerCase[];
  const dir = () => join(istioModuleDir(), ANALYZERS_DIR);

  before(() => {
    cases = analyzerCases();
    assert.ok(cases.length > 80, `only ${cases.length} cases read from analyzers_test.go`);
  });

  it("finds what analyzers_test.go expects of the analyzers we follow (Kubernetes kinds included)", () => {
    const goTypes: Record<string, string> = {
      'annotations.K8sAnalyzer': 'annotations.K8sAnalyzer',
      'service.PortNameAnalyzer': 'service.PortNameAnalyzer',
      'deployment.ApplicationUIDAnalyzer': 'applicationUID.Analyzer',
      'destinationrule.CaCertificateAnalyzer': 'destinationrule.CaCertificateAnalyzer',
      'envoyfilter.EnvoyPatchAnalyzer': 'envoyfilter.EnvoyPatchAnalyzer',
      'serviceentry.ProtocolAddressesAnalyzer': 'serviceentry.Analyzer',
      'telemetry.ProviderAnalyzer': 'telemetry.ProviderAnalyzer',
      'deprecation.FieldAnalyzer': 'deprecation.DeprecationAnalyzer',
      'deployment.ServiceAssociationAnalyzer': 'deployment.MultiServiceAnalyzer',
    };
    const codeOf = new Map(Object.entries(MESSAGES).map(([code, m]) => [m.name as string, code]));
    const agreement = new Agreement();
    const all: Disagreement[] = [];
    let compared = 0;
    for (const c of cases) {
      const analyzer = analyzers.find((a) => a.name === goTypes[c.analyzer]);
      const crossResource = workspaceAnalyzers.find((a) => a.name === (goTypes[c.analyzer] ?? c.analyzer));
      if (!analyzer && !crossResource) continue;
      compared++;
      const codes = new Set<string>((analyzer ?? crossResource)!.codes);
      const expected = c.expected.filter(([name]) => codes.has(codeOf.get(name) ?? '')).map(([name, origin]) => `${codeOf.get(name)} ${origin}`).sort();
      // Only the case's analyzer, as Istio's test runs it: IST0101 is also another analyzer's code.
      const files = c.inputFiles.map((f) => join(dir(), f));
      const mine = analyzer ? ours(files, codes, []) : ours(files, codes, [crossResource!], false);
      const found = differences(`analyzers_test.go ${c.name}`, mine, expected, c.meshConfigFile);
      agreement.add(mine, found);
      all.push(...found);
    }
    agreement.print(`analyzers_test.go, ${compared} cases`);
    assert.ok(compared >= 40, `only ${compared} cases of the analyzers we follow`);
    assert.deepEqual(unexplained(all), []);
  });
});

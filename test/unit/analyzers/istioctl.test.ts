// Our analyzers against Istio's, on Istio's own files (read from the Go module cache, never copied here): the
// testbed's `istioctl analyze --use-kube=false` on every input set of analyzers_test.go and on samples/, and the
// messages analyzers_test.go itself expects. Every disagreement on a code we cover fails unless a rule below
// explains it. The agreement per code is printed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzers } from '../../../src/analyzers';
import { KNOWN_CODES, MESSAGES } from '../../../src/analyzers/messages';
import { lintParsed } from '../../../src/yaml/lint';
import { parseManifests, rangeOf } from '../../../src/yaml/parse';
import { workspaceFindings } from '../../../src/workspace/analyze';
import { TYPES, type WorkspaceAnalyzer } from '../../../src/workspace/analyzer';
import { workspaceAnalyzers } from '../../../src/workspace/analyzers';
import { WorkspaceIndex } from '../../../src/workspace/index';
import { ANALYZERS_DIR, analyzerCases, istioctlAnalyze, testbedIstioctl, type AnalyzerCase } from '../../oracles/istioctlAnalyze';
import { istioFiles, istioModuleDir, istioRelative } from '../../oracles/istioSource';

const COVERED = new Set<string>(KNOWN_CODES);
const KUBERNETES_KINDS = /^(Service|Pod|Deployment|Namespace) /;

interface Disagreement {
  readonly where: string;
  readonly code: string;
  readonly origin: string;
  readonly side: 'ours only' | 'Istio only';
  /** The case's mesh config file, when it has one. */
  readonly meshConfig?: string;
  /** The input set has Kubernetes kinds (Service, Deployment, ...), which istioctl does not read from files. */
  readonly kubernetesInputs?: boolean;
}

/** Each disagreement with Istio that is understood, with why; anything else fails the test. */
const EXPLAINED: readonly { readonly reason: string; readonly applies: (d: Disagreement) => boolean }[] = [
  {
    reason:
      'istioctl analyze --use-kube=false reads no Kubernetes kinds from files (istiod_analyze.go:270 removes ' +
      'kuberesource.DefaultExcludedSchemas: Service, Pod, Deployment, Namespace), so its annotation, port-name and UID ' +
      "analyzers are skipped there; those findings are checked against analyzers_test.go's expected messages instead",
    applies: (d) => d.side === 'ours only' && d.where.startsWith('istioctl') && KUBERNETES_KINDS.test(d.origin),
  },
  {
    reason:
      'the same reading of files: istioctl does not see the Services of the input set (istiod_analyze.go:270), so a ' +
      'VirtualService host that a Service defines is "not found" there (IST0101), and the Service\'s ports cannot ' +
      'make a destination without a port ambiguous (IST0112)',
    applies: (d) => d.where.startsWith('istioctl') && d.kubernetesInputs === true && d.origin.startsWith('VirtualService ') &&
      ((d.code === 'IST0101' && d.side === 'Istio only') || (d.code === 'IST0112' && d.side === 'ours only')),
  },
  {
    reason:
      "needs the mesh config: the case gives one (DNS capture with address auto-allocation, a default access-log provider) " +
      "and a file does not, so our analyzers assume Istio's default mesh config, as istioctl does without --meshConfigFile",
    applies: (d) => d.side === 'ours only' && d.meshConfig !== undefined && ['IST0134', 'IST0157'].includes(d.code),
  },
  {
    reason:
      'IST0002 is also what telemetry.LightstepAnalyzer reports (lightstep.go:66) for a Telemetry naming a Lightstep ' +
      "provider of the mesh config's extensionProviders: a file does not tell a provider's type, so that part is not followed",
    applies: (d) => d.code === 'IST0002' && d.side === 'Istio only' && d.meshConfig !== undefined && d.origin.startsWith('Telemetry '),
  },
];

/** `Kind namespace/name`, or `Kind name` without a namespace: Istio's resource.Origin FriendlyName. */
function originOf(kind: string, namespace: string | undefined, name: string | undefined): string {
  return `${kind} ${namespace ? `${namespace}/` : ''}${name ?? ''}`;
}

/**
 * Our findings over files analysed together, as `code origin` (covered codes only), as a user sees them: the
 * single-resource analyzers' and those of the rules that own an IST code (sidecar.istio.io/inject's IST0107 and
 * IST0135), unless `single` is false, and the cross-resource ones given, over the files as the whole scope, as
 * istioctl takes them. Like Istio's results (diag/messages.go:54-69, SortedDedupedCopy), equal messages on one
 * resource count once.
 */
function ours(files: readonly string[], codes: ReadonlySet<string> = COVERED, workspace: readonly WorkspaceAnalyzer[] = workspaceAnalyzers, single = true): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (code: string, origin: string, message: string) => {
    const item = `${code} ${origin}`;
    if (!codes.has(code) || seen.has(`${item} ${message}`)) return;
    seen.add(`${item} ${message}`);
    out.push(item);
  };
  const index = new WorkspaceIndex();
  for (const path of files) {
    const text = readFileSync(path, 'utf8');
    index.setFile(path, text);
    if (!single) continue;
    const file = parseManifests(text);
    const spans = file.manifests.filter((m) => m.kind !== undefined).map((m) => ({ m, range: rangeOf(file, m.span[0], m.span[1]) }));
    for (const f of lintParsed(file)) {
      const m = spans.find((s) => s.range.start.line <= f.range.start.line && f.range.start.line <= s.range.end.line)?.m;
      if (m?.kind) add(f.istio ?? f.code, originOf(m.kind, m.namespace, m.name), f.message);
    }
  }
  for (const { resource: r, finding: f } of workspaceFindings(index, { complete: true, analyzers: workspace })) add(f.code, originOf(r.kind, r.manifest.namespace, r.name), f.message);
  return out.sort();
}

function differences(where: string, mine: readonly string[], theirs: readonly string[], meshConfig?: string, kubernetesInputs = false): Disagreement[] {
  const out: Disagreement[] = [];
  const left = [...theirs];
  for (const m of mine) {
    const i = left.indexOf(m);
    if (i >= 0) left.splice(i, 1);
    else out.push(split(where, m, 'ours only', meshConfig, kubernetesInputs));
  }
  return [...out, ...left.map((t) => split(where, t, 'Istio only', meshConfig, kubernetesInputs))];
}

function split(where: string, item: string, side: Disagreement['side'], meshConfig: string | undefined, kubernetesInputs: boolean): Disagreement {
  const space = item.indexOf(' ');
  return { where, code: item.slice(0, space), origin: item.slice(space + 1), side, ...(meshConfig ? { meshConfig } : {}), ...(kubernetesInputs ? { kubernetesInputs } : {}) };
}

/** Whether files have a document of a Kubernetes kind istioctl does not read from files. */
function hasKubernetesKinds(files: readonly string[]): boolean {
  return files.some((f) => /^kind:\s*["']?(?:Service|Pod|Deployment|Namespace)\b/m.test(readFileSync(f, 'utf8')));
}

/** Per code: findings both sides have, out of all findings either side has (a shared one counted once). */
class Agreement {
  private readonly counts = new Map<string, { agreed: number; total: number }>();

  add(mine: readonly string[], disagreements: readonly Disagreement[]): void {
    const count = (code: string) => this.counts.get(code) ?? this.counts.set(code, { agreed: 0, total: 0 }).get(code)!;
    for (const item of mine) {
      const c = count(item.split(' ')[0]);
      c.agreed++;
      c.total++;
    }
    for (const d of disagreements) {
      const c = count(d.code);
      if (d.side === 'ours only') c.agreed--;
      else c.total++;
    }
  }

  print(title: string): void {
    const rows = [...this.counts].sort(([a], [b]) => a.localeCompare(b)).map(([code, c]) => `${code} ${c.agreed}/${c.total} (${c.total ? Math.round((100 * c.agreed) / c.total) : 100}%)`);
    console.log(`      ${title}: ${rows.join(', ') || 'no findings'}`);
  }
}

function unexplained(list: readonly Disagreement[]): string[] {
  return list.filter((d) => !EXPLAINED.some((e) => e.applies(d))).map((d) => `${d.where}: ${d.code} ${d.origin} (${d.side})`);
}

/** Runs `task` over `items`, at most `limit` at once (the machine is shared: two istioctl processes). */
async function pooled<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]);
    }
  }));
  return results;
}

describe("our analyzers against Istio's (istioctl analyze and analyzers_test.go)", function () {
  this.timeout(180_000);
  let cases: AnalyzerCase[];
  const dir = () => join(istioModuleDir(), ANALYZERS_DIR);

  // Only the comparisons with istioctl need the testbed's build; analyzers_test.go's expectations are read from source.
  before(() => {
    cases = analyzerCases();
    assert.ok(cases.length > 80, `only ${cases.length} cases read from analyzers_test.go`);
  });

  it('agrees with istioctl analyze --use-kube=false on every input set of analyzers_test.go', async () => {
    const istioctl = await testbedIstioctl();
    // istioctl reads only Istio's kinds from files (see EXPLAINED): an input set without one of the Istio kinds we
    // analyze cannot give a covered code there, and is not worth an istioctl process (the unit tier stays fast).
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
      const mine = ours(files);
      const found = differences(`istioctl ${c.name}`, mine, theirs, c.meshConfigFile, hasKubernetesKinds(files));
      agreement.add(mine, found);
      all.push(...found);
    });
    agreement.print(`istioctl, ${sets.size} input sets`);
    assert.deepEqual(unexplained(all), []);
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
    };
    const codeOf = new Map(Object.entries(MESSAGES).map(([code, m]) => [m.name as string, code]));
    const agreement = new Agreement();
    const all: Disagreement[] = [];
    let compared = 0;
    for (const c of cases) {
      const analyzer = analyzers.find((a) => a.name === goTypes[c.analyzer]);
      const crossResource = workspaceAnalyzers.find((a) => a.name === c.analyzer);
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

  it("agrees with istioctl analyze --use-kube=false on Istio's samples/", async () => {
    const istioctl = await testbedIstioctl();
    const files = istioFiles('samples');
    const theirs = (await istioctlAnalyze(istioctl, istioModuleDir(), files.map(istioRelative))).filter((m) => COVERED.has(m.code)).map((m) => `${m.code} ${m.origin}`).sort();
    const mine = ours(files);
    const found = differences('istioctl samples/', mine, theirs, undefined, true);
    const agreement = new Agreement();
    agreement.add(mine, found);
    agreement.print(`istioctl, samples/ (${files.length} files)`);
    assert.deepEqual(unexplained(found), []);
  });
});

// The YAML rules against Istio's own analyzer test table (pkg/config/analysis/analyzers/analyzers_test.go) and its
// testdata, read from the Istio module at the testbed's pinned commit (never copied here). Every injection-related
// case becomes rows (case, IST code, object): Istio's expectation, ours, and whether they agree. Rows that need a live
// cluster, or concern a message no rule here has, are listed with their reason, not dropped.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { multipleInjectionLabels } from '../../../src/istio/injection';
import { SidecarInjectAnnotation } from '../../../src/istio/names';
import type { CliFinding } from '../../../src/yaml/cli';
import { lintPaths } from '../../../src/yaml/lintPaths';
import { annotationsOf, rootOf } from '../../../src/yaml/kube';
import { entry } from '../../../src/yaml/nodes';
import { parseManifests, rangeOf, type ParsedManifest } from '../../../src/yaml/parse';
import { istioModuleDir } from '../../oracles/istioSource';

/** IST codes a rule here reports (the finding's `istio`), with the rule. */
const COMPARED: Record<string, string> = {
  IST0123: 'injection-labels-conflict',
  IST0135: 'inject-annotation-deprecated',
  IST0107: 'inject-misplaced',
};

/** Messages about the live cluster: what exists and runs there, not what a manifest says. */
const LIVE: Record<string, string> = {
  IST0102:
    "about the cluster's namespaces: `istioctl analyze` reads Namespace objects only from the live cluster (local/istiod_analyze.go:257-271; " +
    'the test harness feeds files as if live). namespace-not-injected reports an unlabelled Namespace connected when it runs workloads, ' +
    'and offline when a workload asks for a sidecar it would not get there',
  IST0148: "needs the live injector ConfigMap's values.sidecarInjectorWebhook.enableNamespacesByDefault",
  IST0103: 'about running pods: whether a pod that exists has istio-proxy (injection happens at creation; a manifest gets its sidecar when applied)',
  IST0158: "compares running pods' proxy images with the live injector ConfigMap",
};

/** Messages of injection analyzers that no YAML rule here has. */
const NO_RULE: Record<string, string> = {
  IST0146: '`image: auto` in a workload no webhook injects: no YAML rule here (analyzers beyond the injection labels are another issue)',
  IST0147: '`image: auto` in a Pod: no YAML rule here',
  IST0139: 'overlapping or broken webhook configurations: the engine reports `multipleWebhooks` for live webhooks; no YAML rule here',
};

/** Rows where ours and Istio's differ, each with why. None is left: keep it that way, or say why here. */
const DISAGREEMENTS: Record<string, string> = {};

/** The analyzers whose messages are about injection, and the objects and codes each looks at. */
const ANALYZERS: Record<string, readonly { kinds: readonly string[]; codes: readonly string[] }[]> = {
  'injection.Analyzer': [{ kinds: ['Namespace'], codes: ['IST0123', 'IST0102', 'IST0148'] }, { kinds: ['Pod'], codes: ['IST0103'] }],
  // Only its messages about sidecar.istio.io/inject (IST0108 and IST0125 never are: the annotation is known and has no validation).
  'annotations.K8sAnalyzer': [{ kinds: ['Namespace', 'Service', 'Pod', 'Deployment'], codes: ['IST0135', 'IST0107'] }],
  'injection.ImageAnalyzer': [{ kinds: ['Namespace'], codes: ['IST0158'] }],
  'injection.ImageAutoAnalyzer': [{ kinds: ['Deployment'], codes: ['IST0146'] }, { kinds: ['Pod'], codes: ['IST0147'] }],
  'webhook.Analyzer': [{ kinds: ['MutatingWebhookConfiguration'], codes: ['IST0139'] }],
};

interface Case {
  readonly name: string;
  readonly files: string[];
  readonly analyzer: string;
  /** `IST0123 Namespace busted`, as the table writes origins: `Kind namespace/name` or `Kind name`. */
  readonly expected: string[];
}

interface Row {
  readonly key: string;
  readonly istio: boolean;
  readonly ours?: boolean;
  readonly status: 'agree' | 'disagree' | 'live' | 'no rule';
  readonly reason?: string;
}

const dir = () => join(istioModuleDir(), 'pkg', 'config', 'analysis', 'analyzers');

/** Message names to codes, from Istio's messages.yaml. */
function messageCodes(): Map<string, string> {
  const text = readFileSync(join(istioModuleDir(), 'pkg', 'config', 'analysis', 'msg', 'messages.yaml'), 'utf8');
  return new Map([...text.matchAll(/- name: "(\w+)"\s+code: (IST\d+)/g)].map((m) => [m[1], m[2]]));
}

/** The test grid's cases, read from the Go source. */
function testGrid(): Case[] {
  const codes = messageCodes();
  const source = readFileSync(join(dir(), 'analyzers_test.go'), 'utf8');
  const grid = source.slice(source.indexOf('var testGrid = []testCase{'));
  return grid.split(/\n\t\{\n/).slice(1).flatMap((block): Case[] => {
    const name = /name:\s+"([^"]+)"/.exec(block)?.[1];
    const analyzer = /analyzer:\s+&(\w+\.\w+)\{\}/.exec(block)?.[1];
    const inputs = /inputFiles:\s+\[\]string\{([\s\S]*?)\}/.exec(block)?.[1] ?? '';
    if (!name || !analyzer) return [];
    const expected = [...block.matchAll(/\{msg\.(\w+), "([^"]+)"\}/g)].map((m) => `${codes.get(m[1]) ?? `?${m[1]}`} ${m[2]}`);
    return [{ name, analyzer, files: [...inputs.matchAll(/"([^"]+)"/g)].map((m) => join(dir(), m[1])), expected }];
  });
}

const origin = (m: ParsedManifest) => `${m.kind} ${m.namespace ? `${m.namespace}/` : ''}${m.name}`;

/** Every Kubernetes object of the files, with the lines it spans (1-based, as the command line reports). */
function objects(files: readonly string[]) {
  return files.flatMap((file) => {
    const parsed = parseManifests(readFileSync(file, 'utf8'));
    return parsed.manifests.filter((m) => m.kind !== undefined && m.name !== undefined).map((m) => {
      const range = rangeOf(parsed, m.span[0], m.span[1]);
      return { file, manifest: m, origin: origin(m), first: range.start.line + 1, last: range.end.line + 1 };
    });
  });
}

/** Our findings of one IST code, as `IST0123 Namespace busted`. */
function ours(findings: readonly CliFinding[], list: ReturnType<typeof objects>): Set<string> {
  const out = new Set<string>();
  for (const f of findings) {
    const code = / \((IST\d+)\)$/.exec(f.message)?.[1];
    const object = list.find((o) => o.file === f.file && o.first <= f.startLine && f.startLine <= o.last);
    if (code && object) out.add(`${code} ${object.origin}`);
  }
  return out;
}

/** Whether an object carries the inject annotation on its own metadata: what IST0135/IST0107 about it would need. */
const hasOwnInjectAnnotation = (m: ParsedManifest) => entry(annotationsOf(rootOf(m)), SidecarInjectAnnotation) !== undefined;

async function rowsOf(c: Case): Promise<Row[]> {
  const list = objects(c.files);
  const reported = ours(await lintFiles(c.files), list);
  const expected = new Set(c.expected);
  const rows = new Map<string, Row>();
  const add = (code: string, object: string, aboutInject = true) => {
    const key = `${c.name} | ${code} ${object}`;
    const istio = expected.has(`${code} ${object}`) && aboutInject;
    if (LIVE[code]) rows.set(key, { key, istio, status: 'live', reason: LIVE[code] });
    else if (NO_RULE[code]) rows.set(key, { key, istio, status: 'no rule', reason: NO_RULE[code] });
    else {
      const mine = reported.has(`${code} ${object}`);
      rows.set(key, { key, istio, ours: mine, status: mine === istio ? 'agree' : 'disagree', reason: DISAGREEMENTS[key] });
    }
  };
  for (const { kinds, codes } of ANALYZERS[c.analyzer]) {
    for (const o of list.filter((x) => kinds.includes(x.manifest.kind!))) {
      for (const code of codes) add(code, o.origin, c.analyzer !== 'annotations.K8sAnalyzer' || hasOwnInjectAnnotation(o.manifest));
    }
  }
  // Every expected message has a row, even about an object the rows above did not list.
  for (const e of expected) {
    const [code, ...object] = e.split(' ');
    if (c.analyzer === 'annotations.K8sAnalyzer') continue; // judged per object above (only those about the inject annotation)
    if (!rows.has(`${c.name} | ${e}`)) add(code, object.join(' '));
  }
  return [...rows.values()];
}

describe("The YAML rules against Istio's analyzer test table", function () {
  this.timeout(120_000);
  let rows: Row[] = [];
  let cases: Case[] = [];

  before(async () => {
    cases = testGrid().filter((c) => ANALYZERS[c.analyzer] !== undefined);
    for (const c of cases) rows.push(...(await rowsOf(c)));
    rows = rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const count = (s: Row['status']) => rows.filter((r) => r.status === s).length;
    console.log(`      ${cases.length} injection-related cases, ${rows.length} rows: ${count('agree')} agree, ${count('live')} need a live cluster, ` +
      `${count('no rule')} have no rule here, ${count('disagree')} disagree`);
    // One line per case and code not compared, with how many rows (and how many Istio reports) and why.
    const skipped = new Map<string, Row[]>();
    for (const r of rows.filter((x) => x.status === 'live' || x.status === 'no rule')) {
      const group = `${r.status}: ${r.key.split(' | ')[0]} | ${r.key.split(' | ')[1].split(' ')[0]}`;
      skipped.set(group, [...(skipped.get(group) ?? []), r]);
    }
    for (const [group, list] of skipped) console.log(`        ${group}: ${list.length} rows (${list.filter((r) => r.istio).length} reported by Istio): ${list[0].reason}`);
  });

  it('reads the injection cases of the table, each with its messages', () => {
    const names = cases.map((c) => c.name);
    for (const name of ['istioInjection', 'istioInjectionEnableNamespacesByDefault', 'misannoted', 'webook', 'Detect `image: auto` in non-injected pods']) {
      assert.ok(names.includes(name), `${name} among ${names.join(', ')}`);
    }
    assert.ok(rows.length >= 60, `only ${rows.length} rows`);
    for (const c of cases) {
      for (const e of c.expected) assert.ok(!e.startsWith('?'), `${c.name}: unknown message ${e}`);
    }
  });

  it('agrees on every row a rule here can answer from the files', () => {
    const compared = rows.filter((r) => r.status === 'agree' || r.status === 'disagree');
    assert.ok(compared.filter((r) => r.istio).length >= 8, 'the IST0123 rows Istio reports');
    const disagreements = rows.filter((r) => r.status === 'disagree');
    assert.deepEqual(disagreements.map((r) => `${r.key}: Istio ${r.istio ? 'reports' : 'is silent'}, ours ${r.ours ? 'reports' : 'is silent'}`), Object.keys(DISAGREEMENTS));
  });

  it('says why for every row it does not compare', () => {
    for (const r of rows.filter((x) => x.status === 'live' || x.status === 'no rule')) assert.ok(r.reason, r.key);
    const codes = new Set(rows.map((r) => r.key.split(' | ')[1].split(' ')[0]));
    for (const code of codes) assert.ok(COMPARED[code] || LIVE[code] || NO_RULE[code], `${code} is neither compared nor explained`);
  });

  it("multipleInjectionLabels reports exactly the namespaces the istioInjection case expects IST0123 for", () => {
    const c = cases.find((x) => x.name === 'istioInjection')!;
    const expected = c.expected.filter((e) => e.startsWith('IST0123 Namespace ')).map((e) => e.slice('IST0123 Namespace '.length)).sort();
    const namespaces = objects(c.files).filter((o) => o.manifest.kind === 'Namespace').map((o) => ({ name: o.manifest.name!, labels: labelsOf(o.manifest) }));
    assert.deepEqual(namespaces.filter((ns) => multipleInjectionLabels(ns).length > 1).map((ns) => ns.name).sort(), expected);
  });
});

function labelsOf(m: ParsedManifest): Record<string, string> {
  const js = m.doc.toJS() as { metadata?: { labels?: Record<string, string> } };
  return js.metadata?.labels ?? {};
}

/** Every finding of the files, as `lint <files>` reports them (linted together). */
async function lintFiles(files: readonly string[]): Promise<CliFinding[]> {
  const out: CliFinding[] = [];
  for await (const event of lintPaths(files)) {
    if ('skipped' in event) throw new Error(`${event.skipped}: ${event.reason}`);
    if ('findings' in event) out.push(...event.findings);
  }
  return out;
}

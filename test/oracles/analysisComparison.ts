// What our analyzers find on Istio's own files, and how it differs from what Istio finds: shared by the comparison
// with analyzers_test.go's expectations (unit tier) and with the testbed's istioctl (cluster tier, which builds it).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { KNOWN_CODES } from '../../src/analyzers/messages';
import { lintParsed } from '../../src/yaml/lint';
import { parseManifests, rangeOf } from '../../src/yaml/parse';
import { workspaceFindings } from '../../src/workspace/analyze';
import type { WorkspaceAnalyzer } from '../../src/workspace/analyzer';
import { workspaceAnalyzers } from '../../src/workspace/analyzers';
import { WorkspaceIndex } from '../../src/workspace/index';
import { ANALYZERS_DIR } from './istioctlAnalyze';
import { istioModuleDir } from './istioSource';

export const COVERED = new Set<string>(KNOWN_CODES);
const KUBERNETES_KINDS = /^(Service|Pod|Deployment|Namespace) /;

export interface Disagreement {
  readonly where: string;
  readonly code: string;
  readonly origin: string;
  readonly side: 'ours only' | 'Istio only';
  /** The case's mesh config file, when it has one. */
  readonly meshConfig?: string;
  /** The input set has Kubernetes kinds (Service, Deployment, ...), which istioctl does not read from files. */
  readonly kubernetesInputs?: boolean;
  /** The resource is defined in more than one of the files. */
  readonly redefined?: boolean;
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
      'the resource is defined in several of the files (samples/bookinfo has one VirtualService per routing step): ' +
      'istioctl keeps one object per kind, namespace and name, the last file read, while the workspace keeps every ' +
      "file's definition, so a reference checked against another definition of it can differ",
    applies: (d) => d.redefined === true,
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
export function ours(files: readonly string[], codes: ReadonlySet<string> = COVERED, workspace: readonly WorkspaceAnalyzer[] = workspaceAnalyzers, single = true): string[] {
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
  for (const { resource: r, finding: f } of workspaceFindings(index, { complete: true, analyzers: workspace })) add(f.code, originOf(r.kind, r.located().resource.manifest.namespace, r.name), f.message);
  return out.sort();
}

export function differences(where: string, mine: readonly string[], theirs: readonly string[], meshConfig?: string, kubernetesInputs = false): Disagreement[] {
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
export function hasKubernetesKinds(files: readonly string[]): boolean {
  return files.some((f) => /^kind:\s*["']?(?:Service|Pod|Deployment|Namespace)\b/m.test(readFileSync(f, 'utf8')));
}

/** Per code: findings both sides have, out of all findings either side has (a shared one counted once). */
export class Agreement {
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

export function unexplained(list: readonly Disagreement[]): string[] {
  return list.filter((d) => !EXPLAINED.some((e) => e.applies(d))).map((d) => `${d.where}: ${d.code} ${d.origin} (${d.side})`);
}

/** Runs `task` over `items`, at most `limit` at once (the machine is shared: two istioctl processes). */
export async function pooled<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
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


/**
 * The cross-resource analyzers `istioctl analyze --use-kube=false` runs. It drops every analyzer with an input kind
 * it does not read from files (analysis/analyzer.go RemoveSkipped; istiod_analyze.go:270 excludes Service, Pod,
 * Deployment and Namespace), so the host lookup (IST0101 for hosts, IST0112), Sidecar selectors (IST0111) and
 * Services of a Deployment (IST0116) never run there: those are compared with analyzers_test.go's expectations alone.
 * Read from each analyzer's `Metadata().Inputs` in Istio's source.
 */
export function runByIstioctlOnFiles(analyzers: readonly WorkspaceAnalyzer[]): WorkspaceAnalyzer[] {
  const dir = join(istioModuleDir(), ANALYZERS_DIR);
  const sources = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go')).map((f) => readFileSync(join(dir, f), 'utf8'));
  return analyzers.filter((a) => {
    const source = sources.find((s) => s.includes(`Name:        "${a.name}"`) || new RegExp(`Name:\\s+"${a.name.replace('.', '\\.')}"`).test(s));
    if (!source) throw new Error(`no analyzer named ${a.name} in Istio's source`);
    const inputs = /Inputs:\s*\[\]config\.GroupVersionKind\{([^}]*)\}/.exec(source.slice(source.indexOf(a.name)))?.[1] ?? '';
    return !/gvk\.(?:Service|Pod|Deployment|Namespace)\b/.test(inputs);
  });
}

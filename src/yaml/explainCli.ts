import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ignoredCodeSet } from '../analyzers/ignore';
import { WARNING_IST_CODES, type WarningCode } from '../istio/injection';
import { visible, type CliIo } from './cli';
import { explainWorkload, knownNamespaces, subjectText, subjectsOf, type Explanation, type FactsMemo, type KnownNamespace } from './explain';
import { yamlFiles } from './files';
import { parseManifests, positionAt } from './parse';
import { ignoreCodeUsage, ignoreCodeArg, ignoredCodesFrom } from './workspaceSettings';
import { errorMessage } from '../util/errors';

/** One workload's verdict as `explain --format json` prints it. */
export interface CliVerdict {
  readonly file: string;
  /** 1-based line of the document's first key. */
  readonly line: number;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly injected: boolean;
  readonly revision?: string;
  readonly verdict: string;
  readonly reason: { readonly code: string; readonly sentence: string };
  readonly warnings: readonly WarningCode[];
  readonly evidence: readonly string[];
}

const USAGE = `usage: istio-mesh explain [--format text|json] [--ignore-code IST0xxx]... <files or directories>

Says, for each Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob and Pod, whether its pods will get an
Istio sidecar, and why. The namespace's labels come from its Namespace document: in the same file, else in the same
folder, else in the other files given; without one, no labels are assumed (and the output says so). Webhooks are
assumed as Istio's chart installs them: the default revision, and any revision a label names.

${ignoreCodeUsage('the warnings')}

Exit status: 0 done, 2 usage error.
`;

const YAML_FILE = /\.ya?ml$/i;

/** `explain` over files and directories; `argv` starts after the word `explain`. Returns the exit status. */
export async function explainMain(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }, cwd = process.cwd()): Promise<number> {
  let format: 'text' | 'json' = 'text';
  const paths: string[] = [];
  const ignored: string[] = [];
  const usage = (message: string) => {
    io.stderr.write(`istio-mesh: ${message}\n${USAGE}`);
    return 2;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const ignore = ignoreCodeArg(argv, i);
    if (arg === '--help' || arg === '-h') {
      io.stdout.write(USAGE);
      return 0;
    }
    if (arg === '--format' || arg.startsWith('--format=')) {
      const value = arg === '--format' ? argv[++i] : arg.slice('--format='.length);
      if (value !== 'text' && value !== 'json') return usage(`--format must be text or json, got ${value ?? 'nothing'}`);
      format = value;
    } else if (ignore) {
      if ('error' in ignore) return usage(ignore.error);
      ignored.push(ignore.code);
      i = ignore.last;
    } else if (arg.startsWith('-')) return usage(`unknown option: ${arg}`);
    else paths.push(arg);
  }
  if (paths.length === 0) return usage('no files or directories given');
  let verdicts: CliVerdict[];
  let skipped = 0;
  try {
    // As `lint`: what cannot be read is named once on stderr, the rest is explained, and the status says so.
    const files: string[] = [];
    for await (const entry of yamlFiles(paths)) {
      if ('file' in entry) files.push(entry.file);
      else {
        skipped++;
        io.stderr.write(`istio-mesh: skipped ${visible(entry.skipped)}: ${visible(entry.reason)}\n`);
      }
    }
    verdicts = withoutIgnoredWarnings(await explainFiles(files), ignoredCodesFrom(ignored, cwd));
  } catch (err) {
    io.stderr.write(`istio-mesh: ${errorMessage(err)}\n`);
    return 2;
  }
  // Written before the status is returned: the entry point exits at once, and a pipe takes its data asynchronously.
  const text = format === 'json' ? JSON.stringify(verdicts, null, 2) + '\n' : formatText(verdicts);
  await new Promise<void>((done) => io.stdout.write(text, () => done()));
  return skipped > 0 ? 3 : 0;
}

/**
 * The verdicts of every workload of the files. Namespace documents are read from the files and from the other YAML
 * files of their folders (those are not explained themselves).
 */
export async function explainFiles(files: readonly string[]): Promise<CliVerdict[]> {
  const parsed = await Promise.all(files.map(async (path) => ({ path: resolve(path), shown: path, file: parseManifests(await readFile(path, 'utf8')) })));
  const given = new Set(parsed.map((p) => p.path));
  const known: KnownNamespace[] = parsed.flatMap((p) => knownNamespaces(subjectsOf(p.file), p.path));
  for (const sibling of await siblings(parsed.map((p) => p.path), given)) {
    // A sibling that cannot be read tells nothing about namespaces; the workloads are still explained.
    const text = await readFile(sibling, 'utf8').catch(() => '');
    if (text.includes('Namespace')) known.push(...knownNamespaces(subjectsOf(parseManifests(text)), sibling));
  }
  const memo: FactsMemo = new Map();
  return parsed.flatMap(({ path, shown, file }) => subjectsOf(file).workloads.map((w) => toCli(shown, positionAt(file, w.start).line + 1, explainWorkload(w, path, known, undefined, memo))));
}

/** The YAML files beside the given ones (same folders, not below), not given themselves. */
async function siblings(paths: readonly string[], given: ReadonlySet<string>): Promise<string[]> {
  const out: string[] = [];
  for (const folder of [...new Set(paths.map((p) => dirname(p)))]) {
    const names = await readdir(folder).catch(() => [] as string[]);
    out.push(...names.filter((n) => YAML_FILE.test(n)).sort().map((n) => join(folder, n)).filter((p) => !given.has(p)));
  }
  return out;
}

function toCli(file: string, line: number, e: Explanation): CliVerdict {
  const d = e.decision;
  return {
    file, line, kind: e.kind, name: e.name, namespace: e.namespace, injected: d.injected,
    ...(d.revision ? { revision: d.revision } : {}),
    verdict: e.verdict, reason: d.reason, warnings: d.warnings, evidence: e.evidence,
  };
}

/** The verdicts without the warnings whose IST code is ignored (compared as `withoutIgnored` compares). */
function withoutIgnoredWarnings(verdicts: CliVerdict[], ignored: readonly string[]): CliVerdict[] {
  if (ignored.length === 0) return verdicts;
  const codes = ignoredCodeSet(ignored);
  const kept = (w: WarningCode) => !codes.has(WARNING_IST_CODES[w] ?? '');
  return verdicts.map((v) => (v.warnings.every(kept) ? v : { ...v, warnings: v.warnings.filter(kept) }));
}

function formatText(verdicts: readonly CliVerdict[]): string {
  const lines = verdicts.flatMap((v) => [
    `${v.file}:${v.line}: ${subjectText(v)} ${v.verdict}`,
    ...v.evidence.map((e) => `    ${e}`),
  ]);
  const injected = verdicts.filter((v) => v.injected).length;
  lines.push(`${verdicts.length} workload(s): ${injected} will get a sidecar, ${verdicts.length - injected} will not.`);
  return lines.join('\n') + '\n';
}

/**
 * `istioctl analyze` against a live cluster, without VS Code: what its JSON output says, and why a run failed.
 * The shape follows Istio's `diag.Message.Unstructured` (pkg/config/analysis/diag/message.go): an array of
 * `{code, level, message, documentationUrl, origin?, reference?, cluster?}`, where `origin` is
 * `<Kind> <namespace>/<name>` or `<Kind> <name>` for a cluster-scoped object (legacy/source/kube/origin.go).
 */
import type { Severity } from '../yaml/types';
import { isIstCode, severityOf, type IstCode, type IstLevel } from './messages';
import { isRecord } from '../util/objects';

/** One object of the cluster as istioctl names it; `namespace` is empty for cluster-scoped kinds. */
export interface ObjectRef {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

export interface ClusterMessage {
  readonly code: IstCode;
  readonly severity: Severity;
  readonly message: string;
  readonly documentationUrl: string;
  /** The object the message is about; undefined for a message about the mesh as a whole. */
  readonly object: ObjectRef | undefined;
}

/** The key of an object in maps: kind, namespace and name, as one string. */
export function objectKey(ref: ObjectRef): string {
  return `${ref.kind}|${ref.namespace}|${ref.name}`;
}

/**
 * `Deployment default/details` → kind, namespace, name. A Namespace is named without one (`Namespace default`); a
 * multi-cluster run may prefix `[cluster-x] `. Undefined for anything else.
 */
export function parseOrigin(origin: string): ObjectRef | undefined {
  const match = /^(?:\[cluster-[^\]]*\] )?([A-Za-z][A-Za-z0-9]*) (?:([^/\s]+)\/)?([^/\s]+)$/.exec(origin.trim());
  if (!match) return undefined;
  return { kind: match[1], namespace: match[2] ?? '', name: match[3] };
}

const LEVELS: readonly IstLevel[] = ['Error', 'Warning', 'Info'];

export class AnalyzeOutputError extends Error {
  readonly name = 'AnalyzeOutputError';
}

/**
 * The messages of `istioctl analyze -o json`. istioctl may print warnings (files it skipped) before the JSON, and
 * prints `null` when there is no message. Throws `AnalyzeOutputError` when stdout holds no JSON array.
 */
export function parseAnalyzeOutput(stdout: string): ClusterMessage[] {
  const start = stdout.search(/^(?:\[|null\s*$)/m);
  if (start < 0) throw new AnalyzeOutputError(`istioctl printed no JSON: ${firstLine(stdout) || 'nothing'}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout.slice(start));
  } catch (err) {
    throw new AnalyzeOutputError(`istioctl printed JSON that does not parse: ${(err as Error).message}`);
  }
  if (parsed === null) return [];
  if (!Array.isArray(parsed)) throw new AnalyzeOutputError('istioctl printed JSON that is not a list of messages.');
  return parsed.flatMap((item): ClusterMessage[] => {
    if (!isRecord(item) || typeof item.code !== 'string' || !isIstCode(item.code)) return [];
    const level = LEVELS.find((l) => l === item.level) ?? 'Info';
    return [{
      code: item.code,
      severity: severityOf(level),
      message: typeof item.message === 'string' ? item.message : '',
      documentationUrl: typeof item.documentationUrl === 'string' ? item.documentationUrl : '',
      object: typeof item.origin === 'string' ? parseOrigin(item.origin) : undefined,
    }];
  });
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim() ?? '';
}

/** The last line of istioctl's stderr that says something, without klog's prefix (`E0101 12:00:00.000 1 x.go:1] `). */
function lastError(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.replace(/^[IWEF]\d{4} [\d:.]+\s+\d+ [^\]]+\] /, '').trim()).filter((l) => l !== '');
  return lines.at(-1) ?? '';
}

export type AnalyzeFailureKind = 'unreachable' | 'forbidden' | 'unauthorized' | 'namespaceNotFound' | 'output' | 'failed';

export interface AnalyzeFailure {
  readonly kind: AnalyzeFailureKind;
  readonly message: string;
}

export interface AnalyzeRun {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Why a finished run gave no messages to show, or undefined when its stdout is the answer. With `-o json` istioctl
 * exits 0 even when it found errors; it exits 0 with nothing on stdout for a namespace that does not exist.
 */
export function analyzeFailure(run: AnalyzeRun, context: string): AnalyzeFailure | undefined {
  const error = lastError(run.stderr);
  const missing = /namespace "([^"]*)" not found/.exec(run.stderr);
  if (missing && run.stdout.trim() === '') return { kind: 'namespaceNotFound', message: `Namespace "${missing[1]}" does not exist in context "${context}".` };
  if (run.exitCode === 0) return undefined;
  if (/forbidden/i.test(run.stderr)) {
    return { kind: 'forbidden', message: `istioctl analyze may not read what it needs in context "${context}" (RBAC): ${error}` };
  }
  if (/unauthorized|must be logged in|provide credentials/i.test(run.stderr)) {
    return { kind: 'unauthorized', message: `The cluster of context "${context}" rejected the credentials: ${error}` };
  }
  if (/connection refused|no such host|i\/o timeout|dial tcp|unable to connect|no route to host|tls: |context deadline exceeded/i.test(run.stderr)) {
    return { kind: 'unreachable', message: `istioctl cannot reach the cluster of context "${context}": ${error}` };
  }
  return { kind: 'failed', message: `istioctl analyze failed in context "${context}" (exit code ${run.exitCode ?? 'none'}): ${error || 'no error output'}` };
}

/** A run that answered although istioctl was refused some reads: its messages may be incomplete. */
export function partialReadWarning(stderr: string, context: string): string | undefined {
  const refused = stderr.split('\n').find((l) => /forbidden/i.test(l));
  return refused ? `istioctl analyze could not read everything in context "${context}" (RBAC), so some messages may be missing: ${lastError(refused)}` : undefined;
}

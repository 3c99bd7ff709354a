import type { MapRef } from '../yaml/nodes';
import type { ParsedFile, ParsedManifest } from '../yaml/parse';
import type { PlainManifest } from '../yaml/plain';
import type { KnownCode } from './messages';

/** One resource as an analyzer sees it: its document, with node ranges for exact findings. */
export interface Resource {
  readonly file: ParsedFile;
  readonly manifest: ParsedManifest;
  readonly root: MapRef;
  /** `Kind` or `group/Kind` (`networking.istio.io/DestinationRule`), the version left out as Istio's analyzers do. */
  readonly type: string;
}

/**
 * What an analyzer found: the message's code and arguments, and where in the file. No analyzer has a fix of its own
 * yet (renaming a port or moving an annotation can break what refers to it); each finding offers suppression.
 */
export interface Report {
  readonly code: KnownCode;
  readonly args: readonly (string | number)[];
  readonly span: readonly [number, number];
}

/**
 * A pure function over one resource, following one of Istio's analyzers (pkg/config/analysis/analyzers) for what a
 * single resource can tell. `types` are the resource types it reads, as `Resource.type` names them.
 */
export interface Analyzer {
  /** The Istio analyzer it follows, as `istioctl analyze -L` lists it. */
  readonly name: string;
  readonly codes: readonly KnownCode[];
  readonly types: readonly string[];
  analyze(resource: Resource): Report[];
  /**
   * Whether `analyze` may report on a resource of its types, told from its plain values (src/yaml/plain.ts) without
   * the ranged parse: false only where it certainly reports nothing (test/unit/yaml/fastPath.test.ts holds it to
   * `analyze`). The command line parses a document only when some rule or analyzer may report on it.
   */
  mayReport(manifest: PlainManifest): boolean;
}

/** `Kind` for the core group, `group/Kind` otherwise. */
export function resourceType(m: Pick<ParsedManifest, 'apiVersion' | 'kind'>): string | undefined {
  if (m.apiVersion === undefined || m.kind === undefined) return undefined;
  const slash = m.apiVersion.indexOf('/');
  return slash < 0 ? m.kind : `${m.apiVersion.slice(0, slash)}/${m.kind}`;
}

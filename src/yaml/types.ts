/** Shapes shared by the YAML checks, the editor glue and the command line. Positions are 0-based, like LSP. */

export type Severity = 'error' | 'warning' | 'info';

export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

/** A replacement of the text between two offsets of the file (UTF-16 code units, like JavaScript strings). */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

export interface Fix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
  /** The fix a user most likely wants; the editor offers it first. */
  readonly preferred?: boolean;
}

/** Stable codes of the Istio rules: users search for them, suppress them, and CI logs show them. */
export type RuleCode =
  | 'injection-label-value'
  | 'injection-labels-conflict'
  | 'dataplane-mode-value'
  | 'inject-label-type'
  | 'inject-label-value'
  | 'inject-annotation-deprecated'
  | 'inject-misplaced'
  | 'inject-host-network'
  | 'system-namespace-injection'
  | 'namespace-not-injected'
  | 'revision-unknown'
  | 'removed-api'
  | 'removed-field'
  | 'envoy-filter-legacy';

/**
 * Codes of findings that are not Istio rules: the file itself, or its schema. `nesting-too-deep`: a document not
 * checked for its depth; `too-many-findings`: the notice that stands for the findings past `MAX_FINDINGS`.
 */
export type FileCode = 'yaml-syntax' | 'file-too-large' | 'schema' | 'nesting-too-deep' | 'too-many-findings';

/** Codes of Istio's analyzers, as `istioctl analyze` reports them (`IST0108`): see src/analyzers. */
export type IstCode = `IST${string}`;

export type FindingCode = RuleCode | FileCode | IstCode;

export interface Finding {
  readonly range: Range;
  readonly code: FindingCode;
  readonly severity: Severity;
  readonly message: string;
  /** The `istioctl analyze` code (e.g. IST0123) this finding corresponds to, when there is one. */
  readonly istio?: IstCode;
  readonly fixes?: readonly Fix[];
}

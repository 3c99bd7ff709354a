/** What the annotation analyzers need to know of one Istio annotation (istio.io/api's annotation.Instance). */
export interface AnnotationInfo {
  readonly deprecated: boolean;
  /** Kinds it may be set on, in the API's order; `Any` means every kind. */
  readonly resources: readonly string[];
}

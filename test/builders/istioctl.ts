// Builders for `istioctl analyze -o json` output in the shape of Istio's diag.Message.Unstructured
// (pkg/config/analysis/diag/message.go): a test states the code and the object, the rest is filled in.
export interface AnalyzeMessageOptions {
  readonly level?: 'Error' | 'Warning' | 'Info';
  readonly message?: string;
  /** `Kind namespace/name` or `Kind name`; left out for a message about no object. */
  readonly origin?: string;
}

export function analyzeMessage(code: string, o: AnalyzeMessageOptions = {}): Record<string, string> {
  return {
    code,
    level: o.level ?? 'Warning',
    message: o.message ?? `${code} message`,
    documentationUrl: `https://istio.io/v1.31/docs/reference/config/analysis/${code.toLowerCase()}/?ref=istioctl-analyze`,
    ...(o.origin ? { origin: o.origin } : {}),
  };
}

/** istioctl's stdout for these messages: indented with tabs, as formatting.printJSON writes it. */
export function analyzeStdout(...messages: Record<string, string>[]): string {
  return `${JSON.stringify(messages, null, '\t')}\n`;
}

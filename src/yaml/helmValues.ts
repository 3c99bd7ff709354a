/**
 * Which files are Helm values files of Istio's charts, whose settings `removed-field` checks like an IstioOperator's
 * `spec.values` (they have no `kind`, so nothing else tells them from any other chart's values). A file is one when:
 * - a comment line `# istio-values` comes before its first line of YAML (a values file kept anywhere, given to
 *   `helm install -f`); or
 * - it is named `values.yaml`, `values.yml` or `values-<anything>.yaml|yml`, and the `Chart.yaml` beside it names one
 *   of Istio's charts (a chart's own defaults, or a copy kept with the chart).
 * Nothing else is taken for one: another chart's `values.yaml` with a `global:` or `pilot:` of its own gives no finding.
 */

/** The names in the Chart.yaml files of Istio's charts (manifests/charts of the pinned Istio: a unit test compares them). */
export const ISTIO_CHART_NAMES: readonly string[] = ['base', 'istiod', 'istiod-remote', 'gateway', 'cni', 'ztunnel', 'istio-ingress', 'istio-egress', 'istio-default'];

const MARKER = /^#[ \t]*istio-values[ \t]*\r?$/;
const VALUES_NAME = /^values(-[^/\\]+)?\.ya?ml$/;

/** Whether the file name asks for its chart's Chart.yaml to be read (see `isIstioValuesFile`). */
export function mayBeChartValues(fileName: string): boolean {
  return VALUES_NAME.test(fileName);
}

/** `fileName` without its folder; `chartYaml` the text of the Chart.yaml beside it, when there is one and it was read. */
export function isIstioValuesFile(fileName: string, text: string, chartYaml?: string): boolean {
  if (hasMarker(text)) return true;
  if (!mayBeChartValues(fileName) || chartYaml === undefined) return false;
  const name = /^name:[ \t]*["']?([\w.-]+)["']?[ \t]*\r?$/m.exec(chartYaml)?.[1];
  return name !== undefined && ISTIO_CHART_NAMES.includes(name);
}

/** The marker among the comment lines that open the file (blank lines and `---` allowed between them). */
function hasMarker(text: string): boolean {
  for (const line of text.split('\n', 200)) {
    const trimmed = line.trim();
    if (MARKER.test(line.trimStart())) return true;
    if (trimmed !== '' && trimmed !== '---' && !trimmed.startsWith('#')) return false;
  }
  return false;
}

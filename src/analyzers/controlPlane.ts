import { labelsOf } from '../yaml/kube';
import { entry, scalarValue, type MapRef } from '../yaml/nodes';

/** pkg/config/analysis/analyzers/util/config.go:22-30: Istio's own components, which some analyzers skip. */
export function isIstioControlPlane(root: MapRef): boolean {
  const labels = labelsOf(root);
  return entry(labels, 'istio') !== undefined || scalarValue(entry(labels, 'release')?.value) === 'istio';
}

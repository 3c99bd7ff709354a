import type { RolloutTracker } from '../injection/tracker';
import type { NamespaceModel, PodModel } from '../mesh/model';
import { NamespaceNode } from '../views/nodes/namespace';

/** A namespace row of the Cluster Explorer: what the Mesh view says of it ("Istio: injected · 1 needs restart"). */
export function namespaceWords(model: NamespaceModel, rollouts: RolloutTracker): string {
  return `Istio: ${new NamespaceNode(model, rollouts).description}`;
}

/** A pod row: whether it runs the sidecar (and which proxy version), and whether it needs a restart to match its namespace. */
export function podWords(pod: PodModel): string {
  const words = [pod.hasSidecar ? `sidecar${pod.proxyVersion ? ` ${pod.proxyVersion}` : ''}` : 'no sidecar'];
  if (pod.restart) words.push('needs restart');
  else if (pod.expectedProxyVersion) words.push(`proxy ≠ ${pod.expectedProxyVersion}`);
  return `Istio: ${words.join(' · ')}`;
}

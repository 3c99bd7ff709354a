import type { Services } from '../services';
import { WorkloadNode } from '../views/nodes/workload';

/** The "N more pods…" row of the Mesh view: lists the next page of the workload's pods. */
export const showMorePods = (s: Services) => (node?: unknown) => {
  if (node instanceof WorkloadNode) s.meshTree.showMorePods(node);
};

import type { Services } from '../services';

/** `istio.clearClusterAnalysis`: removes the last cluster analysis from the Problems panel and the mesh view. */
export const clearClusterAnalysis = (services: Services) => () => services.clusterAnalysis.set(undefined);

import type { Services } from '../services';

/** Istio: Refresh Mesh View — lists everything again (or reconnects after a failure). */
export const refresh = (s: Services) => async () => {
  s.log.info('Refreshing the mesh view');
  await s.mesh.refresh();
  await s.clusters.refresh();
};

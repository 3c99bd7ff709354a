/**
 * The suites that read a cluster need the testbed that `npm run test:integration` starts. Without it they fail
 * with this reason instead of skipping, so a run without a cluster can never pass for a run with one.
 */
export function requireTestCluster(): void {
  if (!process.env.KUBECONFIG) {
    throw new Error('KUBECONFIG is not set: this suite needs the testbed cluster that `npm run test:integration` starts (a --no-cluster run cannot run it)');
  }
}

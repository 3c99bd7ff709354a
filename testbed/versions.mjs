// Pinned versions of every testbed component. Changing one of these changes the cache key, so the
// next `build` compiles that component afresh and leaves the old build in place.
//
// Why these: see testbed/README.md ("Versions").

/** Kubernetes release (k8s.io/kubernetes); its staging modules are pinned to the matching v0.Y.Z. */
export const K8S_VERSION = 'v1.36.3';

/** etcd server (go.etcd.io/etcd/server/v3): the 3.6 line is the one Kubernetes 1.36 is tested with. */
export const ETCD_VERSION = 'v3.6.16';

/** kwok (sigs.k8s.io/kwok): fakes kubelets, so pods on its nodes become Running/Ready without containers. */
export const KWOK_VERSION = 'v0.8.0';

/**
 * Istio (istio.io/istio). The module proxy serves istio.io/istio only as pseudo-versions, and none
 * of the ones it serves is at a release tag; this is a commit on the release-1.31 branch, after
 * 1.31.0-rc.0, whose client libraries are Kubernetes v0.36.
 */
export const ISTIO = {
  module: 'istio.io/istio',
  version: 'v0.0.0-20260827124520-eed52ebb66ad',
  commit: 'eed52ebb66ad',
  branch: 'release-1.31',
  /** What istioctl and istiod report as their version (the branch's VERSION file + "-dev", as Istio's own build does). */
  buildVersion: '1.31-dev',
};

/** Oldest Go toolchain that builds all of the above (k8s.io/kubernetes v1.36 and this Istio commit say `go 1.26.0`). */
export const MIN_GO = [1, 26, 0];

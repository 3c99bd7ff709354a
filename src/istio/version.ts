/**
 * The Istio version an image runs, read from its tag: `docker.io/istio/proxyv2:1.29.0-distroless` → `1.29.0`.
 * The one parser for control-plane components and proxies alike, so a `-debug` proxy is not "outdated" against a
 * plain istiod. A digest after the tag is ignored; `v` and the image variants `-distroless`/`-debug` are dropped.
 * Returns `X.Y[.Z]`, with a pre-release (`-alpha…`, `-beta…`, `-rc…`) or `-dev` suffix, else undefined
 * (no tag, `latest`, a custom tag, a digest only).
 */
export function istioImageVersion(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const name = image.slice(image.lastIndexOf('/') + 1);
  const at = name.indexOf('@');
  const withoutDigest = at >= 0 ? name.slice(0, at) : name;
  const colon = withoutDigest.indexOf(':');
  if (colon < 0) return undefined;
  const tag = withoutDigest.slice(colon + 1).replace(/-(?:distroless|debug)$/, '').replace(/^v/, '');
  return /^\d+\.\d+(?:\.\d+)?(?:-(?:alpha|beta|rc)[.\w]*|-dev)?$/.test(tag) ? tag : undefined;
}

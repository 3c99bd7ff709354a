/**
 * The istioctl release the extension offers to download, where it comes from, and the SHA-256 each
 * archive must have. The checksums live in code (not fetched next to the archive), so a tampered
 * download server cannot also serve a matching checksum.
 */

export type ReleasePlatform = 'linux-amd64' | 'linux-arm64' | 'osx-amd64' | 'osx-arm64';

export interface PinnedRelease {
  readonly version: string;
  /** SHA-256 (hex) of each platform's `istioctl-<version>-<platform>.tar.gz`, from the release's `.sha256` files. */
  readonly sha256: Readonly<Partial<Record<ReleasePlatform, string>>>;
}

export const OFFICIAL_RELEASE_BASE_URL = 'https://github.com/istio/istio/releases/download';

/**
 * The pinned release. A platform without a recorded checksum is never downloaded: the user is told
 * to install istioctl themselves and point `istio.istioctlPath` at it.
 */
export const PINNED_RELEASE: PinnedRelease = {
  version: '1.29.0',
  sha256: {},
};

/** Maps Node's `process.platform`/`process.arch` to Istio's archive naming; undefined where Istio ships no tar.gz. */
export function releasePlatform(platform: NodeJS.Platform, arch: string): ReleasePlatform | undefined {
  const cpu = arch === 'x64' ? 'amd64' : arch === 'arm64' ? 'arm64' : undefined;
  if (!cpu) return undefined;
  if (platform === 'linux') return `linux-${cpu}`;
  if (platform === 'darwin') return `osx-${cpu}`;
  return undefined;
}

/** Istio names the Intel macOS archive `osx`, the others `<os>-<arch>`. */
export function archiveName(version: string, platform: ReleasePlatform): string {
  const suffix = platform === 'osx-amd64' ? 'osx' : platform;
  return `istioctl-${version}-${suffix}.tar.gz`;
}

export function releaseUrl(baseUrl: string, version: string, platform: ReleasePlatform): string {
  return `${baseUrl.replace(/\/+$/, '')}/${version}/${archiveName(version, platform)}`;
}

/**
 * The istioctl release the extension offers to download and where it comes from. An archive is
 * always verified before use: against the SHA-256 recorded here for its platform when there is one
 * (a tampered download server cannot also change code the user already has), otherwise against the
 * `<archive>.sha256` file the release publishes (see checksumFile.ts).
 */

export type ReleasePlatform = 'linux-amd64' | 'linux-arm64' | 'osx-amd64' | 'osx-arm64';

export interface PinnedRelease {
  readonly version: string;
  /** SHA-256 (hex) of each platform's `istioctl-<version>-<platform>.tar.gz`, from the release's `.sha256` files. */
  readonly sha256: Readonly<Partial<Record<ReleasePlatform, string>>>;
}

export const OFFICIAL_RELEASE_BASE_URL = 'https://github.com/istio/istio/releases/download';

/**
 * The pinned release. No checksums are recorded for it yet, so every platform is verified against the
 * release's published checksum file; recording one (`'linux-amd64': '<hex>'`, from that platform's
 * `.sha256`) makes that platform's verification independent of the download server.
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

/**
 * Istio names the Intel macOS archive `osx`, the others `<os>-<arch>` (istio/istio
 * `release/downloadIstioCtl.sh` and the `istioctl-osx`/`istioctl-osx-arm64` targets of `Makefile.core.mk`).
 */
export function archiveName(version: string, platform: ReleasePlatform): string {
  const suffix = platform === 'osx-amd64' ? 'osx' : platform;
  return `istioctl-${version}-${suffix}.tar.gz`;
}

export function releaseUrl(baseUrl: string, version: string, platform: ReleasePlatform): string {
  return `${baseUrl.replace(/\/+$/, '')}/${version}/${archiveName(version, platform)}`;
}

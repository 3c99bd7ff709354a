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
 * The pinned release. The digests are those the cashapp/hermit-packages index records for these archives
 * (istioctl.hcl), so a download is checked against values fixed before it started. Apple-silicon Macs
 * (`osx-arm64`, not in that index) are verified against the release's published checksum file instead.
 */
export const PINNED_RELEASE: PinnedRelease = {
  version: '1.29.0',
  sha256: {
    'linux-amd64': '3d06d8058fdc170479925682533932de2dc3b4093d1b992a1f22854d709ad97c',
    'linux-arm64': '697215f1012877d749488a68ae2220d22cefe58bb09ac3f86f60d25f04fed1b4',
    'osx-amd64': '09f5b054a6f84bb85bafdedf1c06a880ba1a49b4cc2b7b6fd90e2f58bdf32c62',
  },
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

// A kubeconfig read ahead of the connection, while VS Code is still asking the view for its rows.
import { readFileSync, statSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { type KubeconfigSource, type LoadedKubeconfig, kubeconfigFiles, loadKubeconfig } from './kubeconfig';

interface Prepared {
  key: string;
  stamps: string;
  loaded: LoadedKubeconfig;
}

/**
 * Reads a kubeconfig ahead and hands it to the next connection, as long as its files are unchanged (else they are read
 * again). Reading ahead connects to nothing and runs no credential plugin: those wait for the connection. It also
 * builds one TLS context with the cluster's CA: the process's first costs several milliseconds (the TLS library's own
 * start), which the first connection would otherwise pay.
 */
export class PreparedKubeconfig {
  private prepared: Prepared | undefined;
  private preparing: Promise<void> | undefined;

  /** Reads `source` now. Never throws: a kubeconfig that cannot be read is read again, and reported, on connecting. */
  prepare(source: KubeconfigSource): Promise<void> {
    this.preparing = (async () => {
      try {
        const stamps = stampsOf(source);
        const loaded = await loadKubeconfig(source);
        this.prepared = { key: keyOf(source), stamps, loaded };
        const { caFile, caData } = loaded.cluster;
        const ca = caFile ? readFileSync(caFile) : caData ? Buffer.from(caData, 'base64') : undefined;
        if (ca) createSecureContext({ ca });
      } catch {
        this.prepared = undefined;
      }
    })();
    return this.preparing;
  }

  /** The kubeconfig of `source`: the one read ahead while its files are unchanged, else read now. Throws like `loadKubeconfig`. */
  async load(source: KubeconfigSource): Promise<LoadedKubeconfig> {
    await this.preparing;
    const prepared = this.prepared;
    this.prepared = undefined;
    if (prepared && prepared.key === keyOf(source) && prepared.stamps === stampsOf(source)) return prepared.loaded;
    return loadKubeconfig(source);
  }
}

function keyOf(source: KubeconfigSource): string {
  return JSON.stringify([source.settingPath, source.context, source.home, source.env?.KUBECONFIG]);
}

/** What tells a kubeconfig file changed: its modification time and size, or that it is missing. */
function stampsOf(source: KubeconfigSource): string {
  return kubeconfigFiles(source).map((file) => {
    try {
      const { mtimeMs, size } = statSync(file);
      return `${file}:${mtimeMs}:${size}`;
    } catch {
      return `${file}:-`;
    }
  }).join('\n');
}

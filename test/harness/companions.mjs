// The stand-ins of the companion extensions (test/companions/, see its README): each bundled with esbuild (the Red
// Hat YAML stand-in carries yaml-language-server), packed with vsce and returned as .vsix files to install beside
// Istio Mesh in the integration tier's run "with companions".
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onCleanup } from './processes.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const STAND_INS = ['kubernetes', 'yaml'];

/** Builds and packs every stand-in; returns the paths of their .vsix files (removed when the harness exits). */
export async function packStandIns() {
  const vsce = createRequire(join(root, 'package.json'))('@vscode/vsce');
  const out = mkdtempSync(join(tmpdir(), 'istio-mesh-companions-'));
  onCleanup(() => rmSync(out, { recursive: true, force: true }));
  const packed = [];
  for (const name of STAND_INS) {
    const source = join(root, 'test', 'companions', name);
    const dir = join(out, name);
    mkdirSync(dir);
    copyFileSync(join(source, 'package.json'), join(dir, 'package.json'));
    await build({
      entryPoints: [join(source, 'extension.mjs')],
      outfile: join(dir, 'extension.js'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['vscode'],
      mainFields: ['module', 'main'], // yaml-language-server's jsonc-parser: its UMD build does not bundle
      logLevel: 'error',
    });
    const packagePath = join(out, `${name}.vsix`);
    await vsce.createVSIX({ cwd: dir, packagePath, dependencies: false, allowMissingRepository: true, skipLicense: true });
    packed.push(packagePath);
  }
  return packed;
}

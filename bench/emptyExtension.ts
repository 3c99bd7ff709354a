// The empty extension the VS Code benchmarks measure beside ours: one view with one static tree item, so both sides do
// the same work in the workbench. Written and packaged into a temp dir at each run.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const root = resolve(__dirname, '..');
const requireHere = createRequire(__filename);

/** An empty extension's names: its id is `bench.<name>`, its view container `<container>`. */
export interface EmptyExtension { name: string; displayName: string; container: string }
/** The baseline, measured beside ours. */
export const BASELINE: EmptyExtension = { name: 'empty-baseline', displayName: 'Empty Baseline', container: 'baseline' };
/**
 * Opened first in each round and not measured: the first extension a new extension host activates pays for the
 * host's own start (seen as up to 0.6 s for the empty baseline when it came first), whichever extension it is.
 */
export const WARM_UP: EmptyExtension = { name: 'empty-warm-up', displayName: 'Empty Warm-up', container: 'warmup' };

/** Writes the extension into `dir` and packages it as the .vsix `out`. */
export function packEmptyExtension(dir: string, out: string, { name, displayName, container }: EmptyExtension): void {
  mkdirSync(join(dir, 'media'), { recursive: true });
  cpSync(join(root, 'media', 'istio.svg'), join(dir, 'media', 'icon.svg'));
  cpSync(join(root, 'LICENSE'), join(dir, 'LICENSE'));
  writeFileSync(join(dir, '.vscodeignore'), '**\n!extension.js\n!package.json\n!README.md\n!LICENSE\n!media/**\n');
  writeFileSync(join(dir, 'README.md'), `# ${displayName}\n\nAn empty extension with one view, for benchmarks.\n`);
  writeFileSync(join(dir, 'extension.js'), [
    "const vscode = require('vscode');",
    'exports.activate = (context) => {',
    "  const provider = { getChildren: () => [{ label: 'one item' }], getTreeItem: (item) => item };",
    `  context.subscriptions.push(vscode.window.registerTreeDataProvider('${container}.view', provider));`,
    '};',
    '',
  ].join('\n'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name, displayName, publisher: 'bench', version: '0.0.1', license: 'Apache-2.0',
    engines: { vscode: '^1.100.0' }, main: './extension.js',
    contributes: {
      viewsContainers: { activitybar: [{ id: container, title: displayName, icon: 'media/icon.svg' }] },
      views: { [container]: [{ id: `${container}.view`, name: displayName }] },
    },
  }, null, 2));
  const vsce = join(dirname(requireHere.resolve('@vscode/vsce/package.json')), 'vsce');
  execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--out', out], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
}

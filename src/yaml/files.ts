import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

const YAML_FILE = /\.ya?ml$/i;
const SKIPPED_DIRS = new Set(['node_modules', '.git']);

/** Expands files and directories into YAML files (directories recursively), in a stable order. */
export async function yamlFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    const info = await stat(path);
    if (info.isDirectory()) out.push(...(await walk(path)));
    else out.push(path);
  }
  return out;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  const list = await readdir(dir, { withFileTypes: true });
  list.sort((a, b) => a.name.localeCompare(b.name));
  for (const d of list) {
    const path = join(dir, d.name);
    if (d.isDirectory() && !SKIPPED_DIRS.has(d.name)) out.push(...(await walk(path)));
    else if (d.isFile() && YAML_FILE.test(d.name)) out.push(path);
  }
  return out;
}

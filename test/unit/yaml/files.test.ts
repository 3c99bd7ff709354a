import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { yamlFiles } from '../../../src/yaml/files';

async function walked(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of yamlFiles(paths)) out.push('file' in entry ? entry.file : `skipped ${entry.skipped}`);
  return out;
}

describe('yamlFiles: the walk of lint', () => {
  const root = mkdtempSync(join(tmpdir(), 'istio-walk-'));
  mkdirSync(join(root, 'b', 'c'), { recursive: true });
  for (const name of ['b/Z.yaml', 'b/a.yaml', 'b/c/x.yml', 'B.yaml', 'a.YAML', 'notes.txt']) writeFileSync(join(root, name), 'kind: x\n');

  it('names each file as path.join(directory, name) would, whatever form the directory was given in', async () => {
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const expected = ['B.yaml', 'a.YAML', 'b/Z.yaml', 'b/a.yaml', 'b/c/x.yml'];
      assert.deepEqual(await walked(['.']), expected);
      assert.deepEqual(await walked(['./']), expected);
      assert.deepEqual(await walked(['b/']), expected.slice(2));
      assert.deepEqual(await walked(['./b//c/../']), expected.slice(2));
      assert.deepEqual(await walked([root + '/']), expected.map((f) => join(root, f)));
      assert.deepEqual((await walked([join(relative(cwd, root), 'b')])).map((f) => relative(relative(cwd, root), f)), expected.slice(2));
    } finally {
      process.chdir(cwd);
    }
  });

  it('goes through each directory in code unit order (upper case first), the same on every machine', async () => {
    assert.deepEqual(await walked([join(root, 'b')]), ['Z.yaml', 'a.yaml', 'c/x.yml'].map((f) => join(root, 'b', f)));
  });
});

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { SCHEMA_PATH } from './corpus.test';

const root = dirname(dirname(SCHEMA_PATH));
const cli = join(root, 'dist', 'cli.js');

/** The bundled command line, as `npm run build` makes it: yaml-language-server must load inside the bundle. */
describe('dist/cli.js (the bundle)', function () {
  this.timeout(30_000);
  before(function () {
    if (!existsSync(cli)) this.skip();
  });

  it('lints with schema validation and exits 1 on errors', async () => {
    const file = join(root, 'test', 'fixtures', 'yaml', 'schema-errors.yaml');
    const result = await promisify(execFile)(process.execPath, [cli, 'lint', '--format', 'json', file]).then(
      () => ({ code: 0, stdout: '' }),
      (err: { code: number; stdout: string }) => err,
    );
    assert.equal(result.code, 1);
    const findings = JSON.parse(result.stdout) as { code: string; startLine: number }[];
    assert.deepEqual(findings.map((f) => `${f.startLine}:${f.code}`), ['6:schema', '11:schema', '18:schema']);
  });

  it('exits 0 on a clean file and 2 on a usage error', async () => {
    const clean = join(root, 'test', 'fixtures', 'yaml', 'bookstore-gateway.yaml');
    const { stdout } = await promisify(execFile)(process.execPath, [cli, 'lint', clean]);
    assert.match(stdout, /1 file\(s\) checked: 0 error/);
    await assert.rejects(promisify(execFile)(process.execPath, [cli, 'lint', '--format', 'yaml', clean]), (err: { code: number }) => err.code === 2);
  });
});

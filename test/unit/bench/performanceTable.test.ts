// README's Performance table is written by scripts/performance-table.mjs from the benchmarks' recorded results: a row
// typed by hand, or a table left in an older format, fails here. The figures themselves are not compared (a benchmark
// run changes them) by the format tests; the last test holds the README to the recorded results in bench/results/.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../repoRoot';

interface Row { what: string; ours: string; baseline: string }
interface Result { bench: string; date: string; machine: { cores: number; cpu: string; load: number } | null; measured?: string; rows: Row[] }
interface Generator {
  START: string;
  END: string;
  HEADER: string[];
  performanceTable(results: Result[]): string;
  replaceTable(readme: string, table: string): string;
  readResults(dir?: string): Result[];
  measuredCell(result: Result): string;
}

const result = (bench: string, rows: Row[], load = 1.5): Result => ({ bench, date: '2026-12-07', machine: { cores: 2, cpu: 'test', load }, rows });
const row = (what: string): Row => ({ what, ours: '1 s', baseline: '2 s' });

/** The table's lines between the markers, each split into its cells. */
function cells(table: string, g: Generator): string[][] {
  const lines = table.split('\n');
  const start = lines.indexOf(g.START);
  const end = lines.indexOf(g.END);
  assert.ok(start >= 0 && end > start, 'the table markers');
  return lines.slice(start + 1 + g.HEADER.length, end).map((l) => {
    assert.match(l, /^\| .* \|$/, `a table row: ${l}`);
    return l.slice(2, -2).split(/ (?<!\\)\| /);
  });
}

describe('README: the Performance table', () => {
  let g: Generator;
  before(async () => {
    // A computed URL, so the bundler leaves the script's own ES module to Node.
    g = (await import(pathToFileURL(join(repoRoot(), 'scripts', 'performance-table.mjs')).href)) as Generator;
  });

  it('is in the generator\'s format: its header, one row per recorded row, each saying when and on what it was measured', () => {
    const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8');
    const start = readme.indexOf(g.START);
    const table = readme.slice(start, readme.indexOf(g.END) + g.END.length);
    assert.deepEqual(table.split('\n').slice(1, 1 + g.HEADER.length), g.HEADER);
    const results = g.readResults();
    const rows = cells(table, g);
    assert.equal(rows.length, results.reduce((n, r) => n + r.rows.length, 0), 'node scripts/performance-table.mjs rewrites the table');
    const whens = new Set(results.map((r) => g.measuredCell(r)));
    for (const r of rows) {
      assert.equal(r.length, 4, `four cells: ${r.join(' | ')}`);
      assert.ok(whens.has(r[3]!) || /^\d{4}-\d{2}-\d{2}, \d+ cores, load [\d.]+$/.test(r[3]!), `the Measured cell: ${r[3]}`);
    }
  });

  it('is exactly what bench/results/*.json (kept in the repository) make: no figure is typed in by hand', () => {
    const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8');
    assert.equal(g.replaceTable(readme, g.performanceTable(g.readResults())), readme, 'run node scripts/performance-table.mjs');
  });

  it('lists the benchmarks in their order, each row with its date and machine, and escapes pipes', () => {
    const table = g.performanceTable([result('mesh', [row('mesh a')]), result('activation', [row('act a'), row('act | b')], 3.7)]);
    assert.deepEqual(cells(table, g), [
      ['act a', '1 s', '2 s', '2026-12-07, 2 cores, load 3.7'],
      ['act \\| b', '1 s', '2 s', '2026-12-07, 2 cores, load 3.7'],
      ['mesh a', '1 s', '2 s', '2026-12-07, 2 cores, load 1.5'],
    ]);
  });

  it('replaces only what is between the markers, and again gives the same text', () => {
    const readme = `# x\n\nbefore\n${g.START}\n| old |\n${g.END}\nafter\n`;
    const once = g.replaceTable(readme, g.performanceTable([result('view', [row('v')])]));
    assert.ok(once.startsWith('# x\n\nbefore\n') && once.endsWith('\nafter\n'));
    assert.ok(!once.includes('| old |'));
    assert.equal(g.replaceTable(once, g.performanceTable([result('view', [row('v')])])), once);
    assert.throws(() => g.replaceTable('# no markers\n', 'x'), /markers/);
  });
});

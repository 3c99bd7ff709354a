// The figures a benchmark run records for the README's Performance table: bench/results/<name>.json, with the date
// and the machine (cores, load). `node scripts/performance-table.mjs` turns them into the table; nobody copies
// figures by hand.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

/**
 * bench/results of the work tree the benchmark runs in (`npm run bench` runs each from the root; the bundled ones
 * cannot find their own file).
 */
function resultsDir() {
  const manifest = join(process.cwd(), 'package.json');
  if (!existsSync(manifest) || JSON.parse(readFileSync(manifest, 'utf8')).name !== 'istio-mesh') {
    throw new Error(`run the benchmark from the repository's root (npm run bench does); ${process.cwd()} is not`);
  }
  return join(process.cwd(), 'bench', 'results');
}

/** The machine as the table names it: its cores, its CPU model and its load now (1-minute average). */
export function machine() {
  const list = cpus();
  return { cores: list.length, cpu: list[0]?.model.trim() ?? 'unknown', load: Number(loadavg()[0].toFixed(1)) };
}

/**
 * Writes `rows` (`{ what, ours, baseline }`, the table's cells) and the run's `figures` to bench/results/<name>.json;
 * returns the file's path.
 */
export function recordResult(name, rows, figures) {
  const dir = resultsDir();
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  const result = { bench: name, date: new Date().toISOString().slice(0, 10), machine: machine(), rows, figures };
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

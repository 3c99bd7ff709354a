// The figures a benchmark run records for the README's Performance table: bench/results/<name>.json, with the date
// and the machine (cores, load). `node scripts/performance-table.mjs` turns them into the table; nobody copies
// figures by hand.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

export const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));

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
  mkdirSync(resultsDir, { recursive: true });
  const file = `${resultsDir}${name}.json`;
  const result = { bench: name, date: new Date().toISOString().slice(0, 10), machine: machine(), rows, figures };
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

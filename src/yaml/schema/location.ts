import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

const SCHEMA_FILE = join('schemas', 'kubernetes-istio.schema.json');

/**
 * The bundled schema, found by walking up from `from` (dist/ in the package, out/test/... in
 * tests, the repository when run from source).
 */
export function findBundledSchema(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, SCHEMA_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

export async function readBundledSchema(from: string): Promise<string> {
  const path = findBundledSchema(from);
  if (!path) throw new Error(`${SCHEMA_FILE} not found above ${from}`);
  return readFile(path, 'utf8');
}

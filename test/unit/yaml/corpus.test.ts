import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { lintFiles } from '../../../src/yaml/lintPaths';
import { yamlFiles } from '../../../src/yaml/files';
import { createYamlLanguageService, type YamlLanguageService } from '../../../src/yaml/schema/languageService';
import { findBundledSchema } from '../../../src/yaml/schema/location';

/** The repository's schema (tests run from out/test/..., below the repository, or from the repository). */
export const SCHEMA_PATH = findBundledSchema(__dirname) ?? findBundledSchema(process.cwd())!;
const CORPUS = join(dirname(dirname(SCHEMA_PATH)), 'test', 'fixtures', 'yaml');

/** The YAML files of the fixtures, as the command line finds them. */
export async function corpusFiles(): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of yamlFiles([CORPUS])) {
    if ('skipped' in entry) throw new Error(`${entry.skipped}: ${entry.reason}`);
    files.push(entry.file);
  }
  return files;
}

/**
 * Real-world-shaped manifests (bookstore app in the shape of Istio's samples, rendered chart
 * output, a Helm template, CI and compose files) and exactly what the checks must say about them:
 * `line:code` per finding. Files not listed must have no finding at all.
 */
const EXPECTED: Record<string, string[]> = {
  'chart-rendered.yaml': ['52:inject-annotation-deprecated'],
  'namespace-mistakes.yaml': ['6:injection-label-value', '14:injection-labels-conflict', '21:system-namespace-injection', '28:dataplane-mode-value'],
  'schema-errors.yaml': ['6:schema', '11:schema', '18:schema'],
  'syntax-error.yaml': ['6:yaml-syntax', '14:injection-label-value'],
  // No namespace-not-injected: the StatefulSet's template label is read as "true" (the chart's object webhook injects
  // it); no inject-annotation-deprecated beside that label (as IST0135); no inject-host-network for "yes", which asks
  // for nothing istiod reads (inject-label-value says so).
  'workload-mistakes.yaml': ['13:inject-misplaced', '41:inject-label-type', '62:inject-label-value'],
};

describe('corpus of real-world manifests', function () {
  this.timeout(60_000);
  let service: YamlLanguageService;

  before(async () => {
    service = await createYamlLanguageService(readFileSync(SCHEMA_PATH, 'utf8'));
  });

  it('finds exactly the expected findings, and nothing in clean, template, chart, CI, compose or kustomize files', async () => {
    const files = await corpusFiles();
    assert.ok(files.length >= 15, `corpus has ${files.length} files`);
    const results = await lintFiles(files, async () => service);
    const actual: Record<string, string[]> = {};
    for (const r of results) (actual[relative(CORPUS, r.file)] ??= []).push(`${r.startLine}:${r.code}`);
    assert.deepEqual(actual, EXPECTED);
  });
});

describe('every quick fix of the corpus', () => {
  it('removes its finding and leaves valid YAML', async () => {
    const { lintText } = await import('../../../src/yaml/lint');
    const { applyEdits } = await import('../../../src/yaml/edits');
    const { readFile } = await import('node:fs/promises');
    let applied = 0;
    for (const file of await corpusFiles()) {
      const text = await readFile(file, 'utf8');
      for (const finding of lintText(text).findings) {
        for (const fix of finding.fixes ?? []) {
          const after = lintText(applyEdits(text, fix.edits)).findings;
          const name = `${relative(CORPUS, file)} ${finding.code} "${fix.title}"`;
          assert.equal(after.filter((f) => f.code === 'yaml-syntax').length, lintText(text).findings.filter((f) => f.code === 'yaml-syntax').length, name);
          assert.ok(after.filter((f) => f.code === finding.code).length < lintText(text).findings.filter((f) => f.code === finding.code).length, name);
          applied++;
        }
      }
    }
    assert.ok(applied >= 10, `only ${applied} fixes applied`);
  });
});

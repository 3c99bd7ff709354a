import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintPaths, type CliFinding, type LintOptions } from '../../../src/yaml/lintPaths';
import { createCompiledSchemaValidation } from '../../../src/yaml/schema/compiledService';
import { findBundledSchema } from '../../../src/yaml/schema/location';
import { istioModuleDir } from '../../oracles/istioSource';
import { repoRoot } from '../repoRoot';

/**
 * The command line's fast path against the full path, over the same files in one call as `lint` takes them. Fast:
 * documents left unparsed by the word tests of the rules and analyzers (src/yaml/checker.ts), schema validation
 * compiled. Full: every document parsed and given to every rule and analyzer (without schema validation nothing is
 * left unparsed). Besides the schema's findings, the two must report the same: code, range, severity, message. (The
 * compiled schema validation is compared with yaml-language-server in compiledSchema.test.ts.)
 */
async function findings(paths: readonly string[], options: LintOptions): Promise<CliFinding[]> {
  const out: CliFinding[] = [];
  for await (const event of lintPaths(paths, options)) {
    if ('skipped' in event) throw new Error(`${event.skipped}: ${event.reason}`);
    if ('findings' in event) out.push(...event.findings);
  }
  return out;
}

const line = (f: CliFinding) => `${f.file}:${f.startLine}:${f.startColumn}-${f.endLine}:${f.endColumn} ${f.severity} ${f.code}: ${f.message}`;


describe('the command line\'s fast path finds what the full path finds', function () {
  this.timeout(120_000);
  let json: string;

  before(() => {
    json = readFileSync(findBundledSchema(__dirname)!, 'utf8');
  });

  /** The number of findings both found. */
  async function compare(paths: readonly string[]): Promise<number> {
    const unexpected = async () => {
      throw new Error('the compiled schema validation asked for yaml-language-server');
    };
    const fast = (await findings(paths, { schemas: async () => createCompiledSchemaValidation(json, unexpected) })).filter((f) => f.code !== 'schema');
    const full = await findings(paths, { parseEveryDocument: true });
    assert.deepEqual(fast.map(line), full.map(line));
    return full.length;
  }

  it("on Istio's samples, manifests and analyzer testdata", async () => {
    const root = istioModuleDir();
    const count = await compare(['samples', 'manifests', 'pkg/config/analysis/analyzers/testdata'].map((d) => join(root, d)));
    // Enough findings that the comparison means something (rules, analyzers and syntax errors alike).
    assert.ok(count > 40, `${count} findings`);
  });

  it("on this repository's YAML fixtures", async () => {
    const count = await compare([join(repoRoot(), 'test', 'fixtures', 'yaml')]);
    assert.ok(count >= 10, `${count} findings`);
  });
});

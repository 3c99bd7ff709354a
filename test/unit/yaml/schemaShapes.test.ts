import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { YamlChecker } from '../../../src/yaml/checker';
import { createYamlLanguageService, type YamlLanguageService } from '../../../src/yaml/schema/languageService';
import { findBundledSchema } from '../../../src/yaml/schema/location';
import type { Finding } from '../../../src/yaml/types';
import { yaml } from './helpers';

/** The shapes of real-world files that must not raise schema errors, each as small as it gets. */
describe('schema validation of real-world shapes', function () {
  this.timeout(30_000);
  let service: YamlLanguageService;
  /** Texts the checker sent to yaml-language-server. */
  let validated: string[];

  before(async () => {
    const real = await createYamlLanguageService(readFileSync(findBundledSchema(__dirname)!, 'utf8'));
    service = {
      ...real,
      validate: (uri, text) => {
        validated.push(text);
        return real.validate(uri, text);
      },
    };
  });
  beforeEach(() => {
    validated = [];
  });

  /** `line:code message` of every finding (0-based lines), in line order. */
  const check = async (text: string): Promise<string[]> =>
    (await new YamlChecker(async () => service).check('file:///shape.yaml', text, { schema: true }))
      .sort((a, b) => a.range.start.line - b.range.start.line)
      .map((f: Finding) => `${f.range.start.line}:${f.code} ${f.message}`);

  describe('documents that are no Kubernetes object get nothing, and are not validated at all', () => {
    const configMap = yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: c}', 'data: {a: "1"}');
    const cases: Record<string, string> = {
      'a trailing ---': configMap + '---\n',
      'a doubled ---': configMap + '---\n---\n' + configMap,
      'a --- at the start': '---\n' + configMap,
      'a --- with a comment': configMap + '--- # end\n',
      'an empty file': '',
      'comments only (Helm output)': yaml('---', '# Source: shop/templates/service.yaml', '# nothing rendered here', '---', '# Source: shop/templates/other.yaml'),
      'a list (an Ansible playbook)': yaml('- hosts: all', '  tasks:', '  - name: install', '    apt: {name: nginx}'),
      'a scalar': yaml('just some text'),
      'an explicit null': yaml('null'),
    };
    for (const [what, text] of Object.entries(cases)) {
      it(what, async () => {
        assert.deepEqual(await check(text), []);
        assert.deepEqual(validated.filter((t) => !t.includes('kind: ConfigMap')), [], 'sent to schema validation');
      });
    }
    it('a broken CI workflow gets its one syntax error from this checker\'s own parser', async () => {
      const workflow = yaml('on: [push', 'jobs:', '  test: {runs-on: ubuntu-latest}');
      assert.deepEqual((await check(workflow)).map((f) => f.slice(0, f.indexOf(' '))), ['1:yaml-syntax']);
      assert.deepEqual(validated, []);
    });
    it('a list of Kubernetes-looking items is validated (it has both words) and passes', async () => {
      const list = yaml('- apiVersion: apps/v1', '  kind: Deployment', '  spec: {replicas: many}', '- apiVersion: v1', '  kind: Service');
      assert.deepEqual(await check(list), []);
      assert.equal(validated.length, 1);
    });
    it('the schema alone passes every document that is no mapping (as Red Hat YAML applies it to whole files)', async () => {
      const text = yaml('---', '# only a comment', '---', '- apiVersion: apps/v1', '  kind: Deployment', '  spec: {replicas: many}', '---', '42', '---', '"a string"', '---', 'null', '---');
      assert.deepEqual(await service.validate('file:///shapes.yaml', text), []);
    });
  });
});

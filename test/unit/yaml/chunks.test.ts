import assert from 'node:assert/strict';
import { splitDocuments } from '../../../src/yaml/chunks';

describe('splitDocuments', () => {
  it('splits at --- lines, keeping offsets and lines exact', () => {
    const text = 'a: 1\n---\nb: 2\n--- # c\nc: 3\n';
    const chunks = splitDocuments(text);
    assert.deepEqual(chunks.map((c) => [c.start, c.line, c.text]), [
      [0, 0, 'a: 1\n'],
      [5, 1, '---\nb: 2\n'],
      [14, 3, '--- # c\nc: 3\n'],
    ]);
    assert.equal(chunks.map((c) => c.text).join(''), text);
  });
  it('does not split at ---- or an indented ---, and handles CRLF', () => {
    const text = 'a: |\n  ---\n----: x\r\n---\r\nb: 1\r\n';
    assert.deepEqual(splitDocuments(text).map((c) => c.text), ['a: |\n  ---\n----: x\r\n', '---\r\nb: 1\r\n']);
  });
  it('keeps files with directives whole', () => {
    const text = '%YAML 1.2\n---\na: 1\n---\nb: 2\n';
    assert.equal(splitDocuments(text).length, 1);
  });
});

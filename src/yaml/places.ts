import { isScalar, Pair, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';
import { isRecord } from '../util/objects';
import type { MapRef } from './nodes';

/**
 * The placeholders of one document: place `i` stands for the start (`2i`) or the end (`2i + 1`) of the node (or of
 * the entry's key) it names by its parent's place and one step, a key or an index (place 0 is the root).
 */
export class Places {
  /**
   * `bare`: every scalar is marked as written without quotes (`PLAIN`), as most are. Plain values do not tell how a
   * scalar was written, and a rule that tells `yes` from `"yes"` then reports on both: for `mayFindPlain`, more
   * than the ranged parse would, never less.
   */
  constructor(private readonly bare = false) {}

  private readonly steps: (string | number)[] = [];
  private readonly parents: number[] = [];
  private readonly keys: boolean[] = [];

  map(value: Record<string, unknown>, parent = -1, step: string | number = ''): YAMLMap {
    const map = new YAMLMap();
    const at = this.add(parent, step, false);
    map.range = range(at);
    for (const [k, v] of Object.entries(value)) {
      const key = new Scalar(k);
      key.range = range(this.add(at, k, true));
      map.items.push(new Pair(key, this.node(v, at, k)));
    }
    return map;
  }

  /** The offset a placeholder stands for in the same document parsed with positions (`root`). */
  offset(placeholder: number, root: MapRef): number {
    const place = placeholder >> 1;
    if (place >= this.steps.length) throw new Error(`${placeholder} is no placeholder of this document`);
    const path: (string | number)[] = [];
    for (let p = place; p > 0; p = this.parents[p]) path.unshift(this.steps[p]);
    let at: unknown = root.map;
    let key: Scalar | undefined;
    for (const step of path) {
      if (typeof step === 'number') at = at instanceof YAMLSeq ? at.items[step] : undefined;
      else {
        const pair = at instanceof YAMLMap ? (at.items as Pair[]).find((p) => isScalar(p.key) && p.key.value === step) : undefined;
        key = pair?.key as Scalar | undefined;
        at = pair?.value;
      }
    }
    const node = this.keys[place] ? key : (at as Node | undefined);
    const found = node?.range;
    if (!found) throw new Error(`no place at ${path.join('.')} in the document parsed with positions`);
    return placeholder & 1 ? found[1] : found[0];
  }

  private node(value: unknown, parent: number, step: string | number): Node {
    if (isRecord(value)) return this.map(value, parent, step);
    const at = this.add(parent, step, false);
    if (Array.isArray(value)) {
      const seq = new YAMLSeq();
      seq.range = range(at);
      value.forEach((item, i) => seq.items.push(this.node(item, at, i)));
      return seq;
    }
    const scalar = new Scalar(value);
    scalar.range = range(at);
    if (this.bare) scalar.type = Scalar.PLAIN;
    return scalar;
  }

  private add(parent: number, step: string | number, key: boolean): number {
    this.parents.push(parent);
    this.keys.push(key);
    return this.steps.push(step) - 1;
  }
}

/** The placeholders of place `i`: its start and its end. */
function range(i: number): [number, number, number] {
  return [2 * i, 2 * i + 1, 2 * i + 1];
}

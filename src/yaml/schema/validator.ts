/**
 * JSON Schema validation with yaml-language-server's semantics (draft 07, as it validates our bundle): the
 * same problems, at the same nodes, with the same messages, including how it picks the alternative of an
 * `anyOf`/`oneOf` to report and how it merges the messages of equally good alternatives. The command line
 * uses it so that its schema findings are the editor's without yaml-language-server's cost.
 *
 * Only the keywords our schemas use are implemented (`unsupportedKeywords` lists the others found in a
 * schema; the caller then leaves that schema to yaml-language-server). Schema objects are never modified.
 */

/** A YAML node as yaml-language-server sees it: what it validates, and the offsets it reports problems at. */
export type ValueNode = ObjectNode | ArrayNode | ScalarNode;

interface NodeBase {
  readonly offset: number;
  readonly length: number;
  parent: ValueNode | PropertyNode | undefined;
}

export interface ObjectNode extends NodeBase {
  readonly type: 'object';
  readonly properties: PropertyNode[];
}

export interface ArrayNode extends NodeBase {
  readonly type: 'array';
  readonly items: ValueNode[];
}

export interface ScalarNode extends NodeBase {
  readonly type: 'string' | 'number' | 'boolean' | 'null';
  readonly value: string | number | boolean | null;
  readonly isInteger?: boolean;
}

export interface PropertyNode {
  readonly type: 'property';
  readonly offset: number;
  readonly length: number;
  readonly parent: ObjectNode;
  readonly keyNode: ScalarNode;
  /** Null when the key has no value node at all (not even an empty one). */
  readonly valueNode: ValueNode | null;
}

export interface Problem {
  readonly offset: number;
  readonly length: number;
  message: string;
  /** yaml-language-server's `ErrorCode.EnumValueMismatch` (enum and const), whose messages it rewrites. */
  readonly enumMismatch?: boolean;
  readonly kind?: 'missing' | 'type' | 'const';
  readonly args?: string[];
}

type Schema = { readonly [key: string]: unknown };

/** Keywords this validator implements, and those that only annotate. */
const KNOWN = new Set([
  'type', 'enum', 'const', 'required', 'properties', 'additionalProperties', 'items', 'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'uniqueItems',
  'minProperties', 'maxProperties', '$ref', 'definitions', '$schema', '$comment', 'description', 'markdownDescription', 'examples', 'default',
]);

/** Keywords found in a schema that this validator does not implement (`title` changes yaml-language-server's type names). */
export function unsupportedKeywords(schema: unknown): string[] {
  const found = new Set<string>();
  const visit = (s: unknown): void => {
    if (Array.isArray(s)) return s.forEach(visit);
    if (!isSchema(s)) return;
    // `for...in` rather than `Object.entries`: a bundle has tens of thousands of schema objects, and the command line
    // walks them on every run (an array per object was most of the walk's time and garbage).
    for (const key in s) {
      const value = s[key];
      if (!KNOWN.has(key)) found.add(key);
      if (key === 'properties' || key === 'definitions') {
        if (isSchema(value)) for (const name in value) visit(value[name]);
      } else if (key === 'items' && Array.isArray(value)) found.add('items (tuple)');
      else if (key !== 'enum' && key !== 'const' && key !== 'examples' && key !== 'default' && key !== 'required') visit(value);
    }
  };
  visit(schema);
  return [...found].sort();
}

class Result {
  problems: Problem[] = [];
  propertiesMatches = 0;
  propertiesValueMatches = 0;
  primaryValueMatches = 0;
  enumValueMatch = false;
  enumValues: unknown[] | null = null;

  hasProblems(): boolean {
    return this.problems.length > 0;
  }

  merge(other: Result): void {
    appendAll(this.problems, other.problems);
  }

  mergeEnumValues(other: Result): void {
    if (this.enumValueMatch || other.enumValueMatch || !this.enumValues || !other.enumValues) return;
    this.enumValues = this.enumValues.concat(other.enumValues);
    for (const p of this.problems) {
      if (p.enumMismatch) p.message = `Value is not accepted. Valid values: ${[...new Set(this.enumValues)].map((v) => JSON.stringify(v)).join(', ')}.`;
    }
  }

  /** Equally good alternatives: their "missing property", "incorrect type" and "must be" problems at the same node become one. */
  mergeWarnings(other: Result): void {
    if (this.problems.length === 0) return;
    for (const kind of ['missing', 'type', 'const'] as const) {
      for (const best of this.problems) {
        if (best.kind !== kind) continue;
        const same = other.problems.find((p) => p.kind === kind && p.offset === best.offset && (kind !== 'missing' || sameArgs(p.args, best.args)));
        if (!same?.args?.length) continue;
        for (const arg of same.args) if (!best.args!.includes(arg)) best.args!.push(arg);
        best.message = warningMessage(kind, best.args!);
      }
    }
  }

  mergePropertyMatch(property: Result): void {
    appendAll(this.problems, property.problems);
    this.propertiesMatches++;
    if (property.enumValueMatch || (!property.hasProblems() && property.propertiesMatches)) this.propertiesValueMatches++;
    if (property.enumValueMatch && property.enumValues) this.primaryValueMatches++;
  }

  compare(other: Result): number {
    if (this.hasProblems() !== other.hasProblems()) return this.hasProblems() ? -1 : 1;
    if (this.enumValueMatch !== other.enumValueMatch) return other.enumValueMatch ? -1 : 1;
    if (this.propertiesValueMatches !== other.propertiesValueMatches) return this.propertiesValueMatches - other.propertiesValueMatches;
    if (this.primaryValueMatches !== other.primaryValueMatches) return this.primaryValueMatches - other.primaryValueMatches;
    return this.propertiesMatches - other.propertiesMatches;
  }
}

/** Appends one by one: `push(...list)` overflows the stack on very long lists. */
function appendAll<T>(to: T[], from: readonly T[]): void {
  for (const item of from) to.push(item);
}

function sameArgs(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return (a?.length ?? 0) === (b?.length ?? 0) && (a ?? []).every((x, i) => x === b![i]);
}

function warningMessage(kind: 'missing' | 'type' | 'const', args: readonly string[]): string {
  const joined = args.join(' | ');
  return kind === 'missing' ? `Missing property "${joined}".` : kind === 'type' ? `Incorrect type. Expected "${joined}".` : `Value must be ${joined}.`;
}

/**
 * A validator for one schema document (with its `definitions`): `$ref`s resolve as yaml-language-server
 * resolves them (the target's keywords, and the reference for type names), once per schema object.
 */
export class SchemaValidator {
  private readonly resolved = new WeakMap<object, Schema>();
  private readonly patterns = new Map<string, RegExp | undefined>();

  /** `title`: the name the schema is registered under, which yaml-language-server quotes in some type names. */
  constructor(
    private readonly root: Schema,
    private readonly title?: string,
  ) {}

  /** The problems of one document (or of a node against a part of the schema), in yaml-language-server's order. */
  validate(node: ValueNode | null, schema: unknown = this.root): Problem[] {
    const result = new Result();
    this.node(node, schema, result);
    return result.problems;
  }

  /**
   * Whether a plain value (as js-yaml reads it) has no problem at all against `schema`: the verdict of
   * `validate` without its messages, stopping at the first problem. Same keywords, same rules (string
   * lengths in UTF-16 units, yaml-language-server's patterns and number limits, `oneOf` exactly one).
   */
  accepts(value: unknown, raw: unknown): boolean {
    const schema = this.resolve(raw);
    if (!schema) return true;
    const type = schema.type;
    if (Array.isArray(type) ? !type.some((t) => valueIsType(value, t)) : typeof type === 'string' && !valueIsType(value, type)) return false;
    if (typeof value === 'string' && !this.acceptsString(value, schema)) return false;
    if (typeof value === 'number' && !acceptsNumber(value, schema)) return false;
    if (Array.isArray(value)) {
      if (schema.items !== undefined && !Array.isArray(schema.items) && !value.every((item) => this.accepts(item, schema.items))) return false;
      if (typeof schema.minItems === 'number' && value.length < schema.minItems) return false;
      if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) return false;
      if (schema.uniqueItems === true && value.some((v, i) => i !== value.lastIndexOf(v))) return false;
    } else if (typeof value === 'object' && value !== null && !this.acceptsObject(value as Record<string, unknown>, schema)) {
      return false;
    }
    if (Array.isArray(schema.allOf) && !schema.allOf.every((sub) => this.accepts(value, sub))) return false;
    if (schema.not !== undefined && this.accepts(value, schema.not)) return false;
    if (Array.isArray(schema.anyOf) && !schema.anyOf.some((sub) => this.accepts(value, sub))) return false;
    if (Array.isArray(schema.oneOf)) {
      let matches = 0;
      for (const sub of schema.oneOf) if (this.accepts(value, sub) && ++matches > 1) return false;
      if (matches === 0) return false;
    }
    if (schema.if !== undefined) {
      const branch = this.accepts(value, schema.if) ? schema.then : schema.else;
      if (branch !== undefined && !this.accepts(value, branch)) return false;
    }
    if (Array.isArray(schema.enum) && !schema.enum.some((e) => equals(value, e))) return false;
    if (schema.const !== undefined && !equals(value, schema.const)) return false;
    return true;
  }

  private acceptsString(value: string, schema: Schema): boolean {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) return false;
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) return false;
    if (typeof schema.pattern === 'string') {
      const regex = this.pattern(schema.pattern);
      if (!regex || !regex.test(value)) return false;
    }
    return true;
  }

  private acceptsObject(value: Record<string, unknown>, schema: Schema): boolean {
    const keys = Object.keys(value);
    if (Array.isArray(schema.required) && !schema.required.every((name) => Object.prototype.hasOwnProperty.call(value, String(name)))) return false;
    const properties = isSchema(schema.properties) ? schema.properties : undefined;
    const additional = schema.additionalProperties;
    for (const key of keys) {
      const own = properties && Object.prototype.hasOwnProperty.call(properties, key) ? properties[key] : undefined;
      if (own !== undefined) {
        if (own === false || (own !== true && !this.accepts(value[key], own))) return false;
      } else if (additional === false || (isSchema(additional) && !this.accepts(value[key], additional))) {
        return false;
      }
    }
    if (typeof schema.maxProperties === 'number' && keys.length > schema.maxProperties) return false;
    if (typeof schema.minProperties === 'number' && keys.length < schema.minProperties) return false;
    return true;
  }

  private resolve(schema: unknown): Schema | undefined {
    if (typeof schema === 'boolean') return schema ? {} : { not: {} };
    if (!isSchema(schema)) return undefined;
    if (typeof schema.$ref !== 'string') return schema;
    const cached = this.resolved.get(schema);
    if (cached) return cached;
    const merged: Record<string, unknown> = {};
    let ref: string | undefined;
    let next: Schema | undefined = schema;
    const seen = new Set<string>();
    while (next && typeof next.$ref === 'string' && !seen.has(next.$ref)) {
      ref = next.$ref;
      seen.add(ref);
      for (const [k, v] of Object.entries(next)) if (k !== '$ref' && !(k in merged)) merged[k] = v;
      next = this.pointer(ref);
    }
    if (next) for (const [k, v] of Object.entries(next)) if (k !== '$ref' && !(k in merged)) merged[k] = v;
    merged._$ref = ref;
    this.resolved.set(schema, merged);
    return merged;
  }

  private pointer(ref: string): Schema | undefined {
    if (!ref.startsWith('#')) return undefined;
    let at: unknown = this.root;
    for (const part of ref.slice(1).split('/').slice(1)) at = isSchema(at) ? at[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    return isSchema(at) ? at : undefined;
  }

  private node(node: ValueNode | null, raw: unknown, result: Result): void {
    if (!node) return;
    const schema = this.resolve(raw);
    if (!schema) return;
    switch (node.type) {
      case 'object':
        this.object(node, schema, result);
        break;
      case 'array':
        this.array(node, schema, result);
        break;
      case 'string':
        this.string(node, schema, result);
        break;
      case 'number':
        this.number(node, schema, result);
        break;
    }
    this.generic(node, schema, result);
  }

  private generic(node: ValueNode, schema: Schema, result: Result): void {
    const at = { offset: node.offset, length: node.length };
    const type = schema.type;
    if (Array.isArray(type)) {
      if (!type.some((t) => matchesType(node, t))) result.problems.push({ ...at, message: `Incorrect type. Expected one of ${type.join(', ')}.` });
    } else if (typeof type === 'string' && !matchesType(node, type)) {
      const name = type === 'object' ? typeName(schema, this.title) : type;
      result.problems.push({ ...at, message: warningMessage('type', [name]), kind: 'type', args: [name] });
    }
    if (Array.isArray(schema.allOf)) {
      for (const sub of schema.allOf) {
        const subResult = new Result();
        this.node(node, sub, subResult);
        result.merge(subResult);
        result.propertiesMatches += subResult.propertiesMatches;
        result.propertiesValueMatches += subResult.propertiesValueMatches;
      }
    }
    if (schema.not !== undefined) {
      const subResult = new Result();
      this.node(node, schema.not, subResult);
      if (!subResult.hasProblems()) result.problems.push({ ...at, message: 'Matches a schema that is not allowed.' });
    }
    if (Array.isArray(schema.anyOf)) this.alternatives(node, schema.anyOf, false, result);
    if (Array.isArray(schema.oneOf)) this.alternatives(node, schema.oneOf, true, result);
    if (schema.if !== undefined) {
      const condition = new Result();
      this.node(node, schema.if, condition);
      const branch = !condition.hasProblems() ? schema.then : schema.else;
      if (branch !== undefined) {
        const subResult = new Result();
        this.node(node, branch, subResult);
        result.merge(subResult);
        result.propertiesMatches += subResult.propertiesMatches;
        result.propertiesValueMatches += subResult.propertiesValueMatches;
      }
    }
    if (Array.isArray(schema.enum)) {
      const value = nodeValue(node);
      const match = schema.enum.some((e) => equals(value, e));
      result.enumValues = schema.enum;
      result.enumValueMatch = match;
      if (!match) {
        result.problems.push({ ...at, enumMismatch: true, message: `Value is not accepted. Valid values: ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}.` });
      }
    }
    if (schema.const !== undefined) {
      if (!equals(nodeValue(node), schema.const)) {
        const c = JSON.stringify(schema.const);
        result.problems.push({ ...at, enumMismatch: true, kind: 'const', args: [c], message: warningMessage('const', [c]) });
        result.enumValueMatch = false;
      } else {
        result.enumValueMatch = true;
      }
      result.enumValues = [schema.const];
    }
  }

  /** `anyOf`/`oneOf`: the problems of the best alternative (yaml-language-server's ranking), none if one fits. */
  private alternatives(node: ValueNode, alternatives: readonly unknown[], oneOf: boolean, result: Result): void {
    let matches = 0;
    let noPropertyMatches = 0;
    let best: { schema: Schema; result: Result } | undefined;
    for (const alternative of alternatives) {
      const schema = this.resolve(alternative) ?? {};
      const subResult = new Result();
      this.node(node, alternative, subResult);
      if (!subResult.hasProblems()) {
        matches++;
        if (subResult.propertiesMatches === 0) noPropertyMatches++;
      }
      if (!best) {
        best = { schema, result: subResult };
      } else if (!oneOf && !subResult.hasProblems() && !best.result.hasProblems()) {
        best.result.propertiesMatches += subResult.propertiesMatches;
        best.result.propertiesValueMatches += subResult.propertiesValueMatches;
      } else {
        const order = subResult.compare(best.result);
        if (order > 0 || (order === 0 && oneOf && best.schema.type === 'object' && node.type !== 'null' && node.type !== best.schema.type)) {
          best = { schema, result: subResult };
        } else if (order === 0 || ((node.type === 'null' || ('value' in node && node.value === null)) && node.length === 0)) {
          best.result.mergeEnumValues(subResult);
          best.result.mergeWarnings(subResult);
        }
      }
    }
    if (matches > 1 && oneOf && (matches > 1 || noPropertyMatches === 0)) {
      result.problems.push({ offset: node.offset, length: 1, message: 'Matches multiple schemas when only one must validate.' });
    }
    if (best) {
      result.merge(best.result);
      result.propertiesMatches += best.result.propertiesMatches;
      result.propertiesValueMatches += best.result.propertiesValueMatches;
      result.enumValueMatch = result.enumValueMatch || best.result.enumValueMatch;
      if (best.result.enumValues?.length) result.enumValues = (result.enumValues ?? []).concat(best.result.enumValues);
    }
  }

  private string(node: ScalarNode, schema: Schema, result: Result): void {
    const value = node.value as string;
    const at = { offset: node.offset, length: node.length };
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) result.problems.push({ ...at, message: `String is shorter than the minimum length of ${schema.minLength}.` });
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) result.problems.push({ ...at, message: `String is longer than the maximum length of ${schema.maxLength}.` });
    if (typeof schema.pattern === 'string') {
      const regex = this.pattern(schema.pattern);
      if (!regex) result.problems.push({ ...at, message: `Invalid pattern: "${schema.pattern}"` });
      else if (!regex.test(value)) result.problems.push({ ...at, message: `String does not match the pattern of "${schema.pattern}".` });
    }
  }

  /** As yaml-language-server compiles patterns: inline `(?i)` modifiers become flags, Unicode mode when it compiles. */
  private pattern(source: string): RegExp | undefined {
    if (this.patterns.has(source)) return this.patterns.get(source);
    let flags = '';
    const pattern = source.replace(/\(\?([ims]+)\)/g, (_m, modifiers: string) => {
      for (const m of modifiers) if (!flags.includes(m)) flags += m;
      return '';
    });
    let regex: RegExp | undefined;
    try {
      regex = new RegExp(pattern, flags + 'u');
    } catch {
      try {
        regex = new RegExp(pattern, flags);
      } catch {
        regex = undefined;
      }
    }
    this.patterns.set(source, regex);
    return regex;
  }

  private number(node: ScalarNode, schema: Schema, result: Result): void {
    const value = node.value as number;
    const at = { offset: node.offset, length: node.length };
    const { exclusiveMinimum, exclusiveMaximum, minimum, maximum } = numberLimits(schema);
    if (exclusiveMinimum !== undefined && value <= exclusiveMinimum) result.problems.push({ ...at, message: `Value is below the exclusive minimum of ${exclusiveMinimum}.` });
    if (exclusiveMaximum !== undefined && value >= exclusiveMaximum) result.problems.push({ ...at, message: `Value is above the exclusive maximum of ${exclusiveMaximum}.` });
    if (minimum !== undefined && value < minimum) result.problems.push({ ...at, message: `Value is below the minimum of ${minimum}.` });
    if (maximum !== undefined && value > maximum) result.problems.push({ ...at, message: `Value is above the maximum of ${maximum}.` });
  }

  private array(node: ArrayNode, schema: Schema, result: Result): void {
    const at = { offset: node.offset, length: node.length };
    if (schema.items !== undefined && !Array.isArray(schema.items)) {
      for (const item of node.items) {
        const itemResult = new Result();
        this.node(item, schema.items, itemResult);
        result.mergePropertyMatch(itemResult);
        result.mergeEnumValues(itemResult);
      }
    }
    if (typeof schema.minItems === 'number' && node.items.length < schema.minItems) result.problems.push({ ...at, message: `Array has too few items. Expected ${schema.minItems} or more.` });
    if (typeof schema.maxItems === 'number' && node.items.length > schema.maxItems) result.problems.push({ ...at, message: `Array has too many items. Expected ${schema.maxItems} or fewer.` });
    if (schema.uniqueItems === true) {
      // yaml-language-server compares values with lastIndexOf: objects and arrays are never equal.
      const values = node.items.map(nodeValue);
      if (values.some((v, i) => i !== values.lastIndexOf(v))) result.problems.push({ ...at, message: 'Array has duplicate items.' });
    }
  }

  private object(node: ObjectNode, schema: Schema, result: Result): void {
    // Keys in yaml-language-server's order: it pops them off the end of the list.
    const seen = new Map<string, ValueNode | null>();
    const unprocessed: string[] = [];
    for (let i = node.properties.length - 1; i >= 0; i--) {
      const property = node.properties[i];
      const key = String(property.keyNode.value);
      seen.set(key, property.valueNode);
      unprocessed.push(key);
    }
    const processed = new Set<string>();

    if (Array.isArray(schema.required)) {
      for (const name of schema.required) {
        if (seen.has(String(name))) continue;
        const parent = node.parent;
        const keyNode = parent?.type === 'property' ? parent.keyNode : undefined;
        const at = keyNode ? { offset: keyNode.offset, length: keyNode.length } : { offset: node.offset, length: 1 };
        result.problems.push({ ...at, message: warningMessage('missing', [String(name)]), kind: 'missing', args: [String(name)] });
      }
    }
    if (isSchema(schema.properties)) {
      for (const [name, propertySchema] of Object.entries(schema.properties)) {
        processed.add(name);
        const child = seen.get(name);
        if (!child) continue;
        if (typeof propertySchema === 'boolean') {
          if (!propertySchema) {
            const key = (child.parent as PropertyNode).keyNode;
            result.problems.push({ offset: key.offset, length: key.length, message: `Property ${name} is not allowed.` });
          } else {
            result.propertiesMatches++;
            result.propertiesValueMatches++;
          }
        } else {
          const propertyResult = new Result();
          this.node(child, propertySchema, propertyResult);
          result.mergePropertyMatch(propertyResult);
          result.mergeEnumValues(propertyResult);
        }
      }
    }
    const rest = unprocessed.filter((name) => !processed.has(name));
    const additional = schema.additionalProperties;
    if (isSchema(additional)) {
      for (const name of rest) {
        const child = seen.get(name);
        if (!child) continue;
        const propertyResult = new Result();
        this.node(child, additional, propertyResult);
        result.mergePropertyMatch(propertyResult);
        result.mergeEnumValues(propertyResult);
      }
    } else if (additional === false) {
      for (const name of rest) {
        const child = seen.get(name);
        if (!child) continue;
        const key = (child.parent as PropertyNode).keyNode;
        result.problems.push({ offset: key.offset, length: key.length, message: `Property ${name} is not allowed.` });
      }
    }
    const at = { offset: node.offset, length: node.length };
    if (typeof schema.maxProperties === 'number' && node.properties.length > schema.maxProperties) {
      result.problems.push({ ...at, message: `Object has more properties than limit of ${schema.maxProperties}.` });
    }
    if (typeof schema.minProperties === 'number' && node.properties.length < schema.minProperties) {
      result.problems.push({ ...at, message: `Object has fewer properties than the required number of ${schema.minProperties}` });
    }
  }
}

/** yaml-language-server's draft-07 limits: a `minimum` (`maximum`) counts only without an exclusive one. */
function numberLimits(schema: Schema): { exclusiveMinimum?: number; exclusiveMaximum?: number; minimum?: number; maximum?: number } {
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const exclusiveMinimum = num(schema.exclusiveMinimum);
  const exclusiveMaximum = num(schema.exclusiveMaximum);
  return {
    exclusiveMinimum,
    exclusiveMaximum,
    minimum: exclusiveMinimum === undefined ? num(schema.minimum) : undefined,
    maximum: exclusiveMaximum === undefined ? num(schema.maximum) : undefined,
  };
}

function acceptsNumber(value: number, schema: Schema): boolean {
  const { exclusiveMinimum, exclusiveMaximum, minimum, maximum } = numberLimits(schema);
  if (exclusiveMinimum !== undefined && value <= exclusiveMinimum) return false;
  if (exclusiveMaximum !== undefined && value >= exclusiveMaximum) return false;
  if (minimum !== undefined && value < minimum) return false;
  if (maximum !== undefined && value > maximum) return false;
  return true;
}

/** A plain value's JSON type, as yaml-language-server types the node it would have been. */
function valueIsType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'null':
      return value === null;
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    default:
      return typeof value === type;
  }
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function matchesType(node: ValueNode, type: string): boolean {
  if (type === 'integer') return node.type === 'number' && node.isInteger === true;
  if (type === 'number') return node.type === 'number';
  return node.type === type;
}

/**
 * How yaml-language-server names an object type in "Incorrect type": the definition a `$ref` pointed to, else
 * `object` followed by the title of the schema it is part of.
 */
function typeName(schema: Schema, title: string | undefined): string {
  const ref = schema._$ref;
  if (typeof ref === 'string' && ref.includes('#')) return /^(?:.*\/)?(.*?)(?:\.schema\.json)?$/.exec(ref)?.[1] || 'typeNotFound';
  if (Array.isArray(schema.type)) return schema.type.join(' | ');
  return title ? `${String(schema.type)}(${title})` : String(schema.type);
}

function nodeValue(node: ValueNode): unknown {
  if (node.type === 'object') {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const p of node.properties) if (p.valueNode) out[String(p.keyNode.value)] = nodeValue(p.valueNode);
    return out;
  }
  if (node.type === 'array') return node.items.map(nodeValue);
  return node.value;
}

function equals(one: unknown, other: unknown): boolean {
  if (one === other) return true;
  if (one === null || one === undefined || other === null || other === undefined) return false;
  if (typeof one !== typeof other || typeof one !== 'object') return false;
  if (Array.isArray(one) !== Array.isArray(other)) return false;
  if (Array.isArray(one)) {
    const b = other as unknown[];
    return one.length === b.length && one.every((v, i) => equals(v, b[i]));
  }
  const a = one as Record<string, unknown>;
  const b = other as Record<string, unknown>;
  const keysA = Object.keys(a).sort();
  const keysB = Object.keys(b).sort();
  return equals(keysA, keysB) && keysA.every((k) => equals(a[k], b[k]));
}

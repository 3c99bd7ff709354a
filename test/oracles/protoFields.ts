/**
 * The fields of protobuf messages, read from a `.proto` file's text: enough to tell whether a YAML path names a
 * field of a message (Istio's values schema, istio.io/api's MeshConfig) and which names a message reserves.
 * Top-level and nested `message` blocks are read alike, by their simple name; comments are dropped first.
 */
export interface ProtoField {
  readonly name: string;
  readonly type: string;
  /** The names YAML may spell it with: the field's name, its lowerCamelCase and its `json_name`. */
  readonly spellings: readonly string[];
}

export interface ProtoMessage {
  readonly fields: readonly ProtoField[];
  readonly reserved: readonly string[];
}

const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

const FIELD = /^(?:repeated\s+|optional\s+)?(map<[^>]+>|[\w.]+)\s+(\w+)\s*=\s*\d+\s*(\[[^\]]*\])?\s*;/;

export function protoMessages(source: string): Map<string, ProtoMessage> {
  const text = source.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
  const out = new Map<string, { fields: ProtoField[]; reserved: string[] }>();
  // A stack of the blocks we are in: a message's name, or undefined for an enum, oneof or other block.
  const stack: Array<string | undefined> = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const open = /^(message|enum|oneof|service|extend)\s+(\w+)\s*\{/.exec(line);
    if (open) {
      const name = open[1] === 'message' ? open[2] : undefined;
      if (name) out.set(name, { fields: [], reserved: [] });
      // A oneof's fields belong to the message around it; `message Empty {}` opens and closes on one line.
      if (!line.endsWith('}')) stack.push(open[1] === 'oneof' ? stack.at(-1) : name);
      continue;
    }
    const current = stack.at(-1);
    if (line.startsWith('}')) {
      stack.pop();
      continue;
    }
    if (!current) continue;
    const message = out.get(current)!;
    if (line.startsWith('reserved')) {
      for (const [, name] of line.matchAll(/"(\w+)"/g)) message.reserved.push(name);
      continue;
    }
    const field = FIELD.exec(line);
    if (!field) continue;
    const [, type, name, options] = field;
    const json = options && /json_name\s*=\s*"([^"]+)"/.exec(options)?.[1];
    message.fields.push({ name, type, spellings: [...new Set([name, camel(name), ...(json ? [json] : [])])] });
  }
  return out;
}

/**
 * Whether `path` (keys as YAML writes them, `[]` for a list's items) names a field under `root`: false as soon as a key is no field of its
 * message. A path that reaches a free-form type (google.protobuf.Struct or Value, a map) is taken as present: any
 * key is accepted there.
 */
export function hasPath(messages: ReadonlyMap<string, ProtoMessage>, root: string, path: readonly string[]): boolean {
  let type = root;
  for (const key of path) {
    // `[]`: an item of a repeated field, whose type is the field's.
    if (key === '[]') continue;
    const message = messages.get(type.split('.').at(-1)!);
    if (!message) return true;
    const field = message.fields.find((f) => f.spellings.includes(key));
    if (!field) return false;
    type = field.type;
  }
  return true;
}

/** The value names an enum defines and those it reserves. */
export interface ProtoEnum {
  readonly values: readonly string[];
  readonly reserved: readonly string[];
}

/**
 * The enums of a `.proto` file's text, by their name qualified with the messages around them
 * (`MeshConfig.OutboundTrafficPolicy.Mode`): one enum name is used by many messages.
 */
export function protoEnums(source: string): Map<string, ProtoEnum> {
  const text = source.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
  const out = new Map<string, { values: string[]; reserved: string[] }>();
  const stack: Array<{ kind: string; name: string }> = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const open = /^(message|enum|oneof|service|extend)\s+(\w+)\s*\{/.exec(line);
    if (open) {
      const qualified = [...stack.filter((b) => b.kind === 'message').map((b) => b.name), open[2]].join('.');
      if (open[1] === 'enum') out.set(qualified, { values: [], reserved: [] });
      if (!line.endsWith('}')) stack.push({ kind: open[1], name: open[1] === 'enum' ? qualified : open[2] });
      continue;
    }
    if (line.startsWith('}')) {
      stack.pop();
      continue;
    }
    const current = stack.at(-1);
    if (current?.kind !== 'enum') continue;
    const e = out.get(current.name)!;
    if (line.startsWith('reserved')) for (const [, name] of line.matchAll(/"(\w+)"/g)) e.reserved.push(name);
    else {
      const value = /^(\w+)\s*=\s*-?\d+/.exec(line);
      if (value) e.values.push(value[1]);
    }
  }
  return out;
}

import fc from 'fast-check';

/**
 * Namespace, Deployment and Pod documents whose label and annotation maps come in every YAML style: block, flow on
 * one line and over several, quoted and tagged keys, comments everywhere, block scalars and nested values, anchors,
 * aliases and merge keys, Helm actions; files with CRLF, a BOM, no final newline, several documents. Values are
 * drawn so that the Istio rules fire. A model is generated (fast-check shrinks it), then rendered to text.
 */

export type Value =
  | { readonly t: 'plain' | 'single' | 'double'; readonly s: string }
  | { readonly t: 'block'; readonly indicator: '|' | '>-' | '|+'; readonly s: string; readonly comment?: string }
  | { readonly t: 'nested' }
  /** A block list below the key, indented or (`compact`) at the key's own column. */
  | { readonly t: 'list'; readonly compact: boolean }
  /** A scalar on the line below its key (the key's line may end with a comment). */
  | { readonly t: 'below'; readonly inner: Value }
  /** A value with an anchor of its own (repeated at the end of the document when it has `x-refs`). */
  | { readonly t: 'anchored'; readonly inner: Value }
  | { readonly t: 'tag'; readonly tag: '!!str' | '!!bool'; readonly inner: Value }
  | { readonly t: 'alias'; readonly name: AnchorName }
  | { readonly t: 'empty' }
  | { readonly t: 'helm' };

type AnchorName = 'v_enabled' | 'v_true' | 'v_yes' | 'v_bare' | 'v_rev';

/** The anchored values a document defines (under `x-values:`) when one of its labels is an alias. */
const ANCHORS: Record<AnchorName, string> = { v_enabled: 'enabled', v_true: '"true"', v_yes: 'yes', v_bare: 'true', v_rev: 'canary' };

export interface Entry {
  readonly key: string;
  readonly keyStyle: 'plain' | 'single' | 'double' | 'tag';
  readonly value: Value;
  /** After the value, on its line. */
  readonly comment?: string;
  /** On a line of its own before the entry. */
  readonly commentLine?: string;
}

export type LabelMap =
  | { readonly t: 'none' }
  | { readonly t: 'null'; readonly comment?: string }
  | { readonly t: 'aliasOwn' }
  | {
    readonly t: 'map';
    readonly style: 'block' | 'flow' | 'flowml';
    readonly entries: readonly Entry[];
    /** A merge key: of the document's `x-base` map, or (template labels) of the workload's own labels. */
    readonly merge?: 'base' | 'own';
    readonly anchorOwn?: boolean;
    readonly headComment?: string;
    readonly tailComment?: string;
    /** Wrap entries [from, to) in `{{- if }}`/`{{- end }}` (block style). */
    readonly helmIf?: readonly [number, number];
    readonly helmInclude?: boolean;
    readonly trailingComma?: boolean;
  };

export interface Meta {
  readonly labels: LabelMap;
  readonly annotations: LabelMap;
  readonly annotationsFirst: boolean;
}

export interface Doc {
  readonly kind: 'Namespace' | 'Deployment' | 'Pod';
  readonly name: string;
  readonly namespace?: string;
  readonly meta: Meta;
  /** Deployment only: the pod template's metadata, absent when undefined. */
  readonly template?: Meta;
  readonly hostNetwork: boolean;
  readonly base: readonly Entry[];
  readonly helmWrap: boolean;
  readonly leadingComment?: string;
  /** Repeat every anchored label value at the end (`x-refs: [*a0, ...]`), so none of them may be edited alone. */
  readonly refAnchors: boolean;
}

export interface File {
  readonly docs: readonly Doc[];
  readonly indent: 2 | 4;
  readonly crlf: boolean;
  readonly bom: boolean;
  readonly finalNewline: boolean;
  readonly leadingMarker: boolean;
}

/** `arb` with probability `p`, else undefined. */
function sometimes<T>(arb: fc.Arbitrary<T>, p: number): fc.Arbitrary<T | undefined> {
  const weight = Math.round(p * 20);
  return fc.oneof({ weight: 20 - weight, arbitrary: fc.constant(undefined) }, { weight, arbitrary: arb });
}

const comment = fc.constantFrom('# note', '#\ttabbed comment', '# a\tb: c', '# {not, yaml]', '#', '# ends with colon:');

const plain = (...s: string[]) => fc.constantFrom(...s).map((x): Value => ({ t: 'plain', s: x }));
const quoted = (...s: string[]) => fc.tuple(fc.constantFrom<'single' | 'double'>('single', 'double'), fc.constantFrom(...s)).map(([t, x]): Value => ({ t, s: x }));
const block = (...s: string[]) =>
  fc.record({ indicator: fc.constantFrom<'|' | '>-' | '|+'>('|', '>-', '|+'), s: fc.constantFrom(...s), comment: sometimes(comment, 0.4) }).map((b): Value => ({ t: 'block', ...b }));
const tagged = fc.oneof(
  plain('true', 'yes', 'enabled').map((inner): Value => ({ t: 'tag', tag: '!!str', inner })),
  fc.constantFrom<Value>({ t: 'plain', s: 'true' }, { t: 'double', s: 'true' }, { t: 'plain', s: 'false' }).map((inner): Value => ({ t: 'tag', tag: '!!bool', inner })),
);
const alias = (...names: AnchorName[]) => fc.constantFrom(...names).map((name): Value => ({ t: 'alias', name }));
const odd = fc.constantFrom<Value>({ t: 'nested' }, { t: 'empty' }, { t: 'helm' }, { t: 'list', compact: false }, { t: 'list', compact: true });
/** The same values written below their key, or with an anchor of their own. */
const placed = (values: fc.Arbitrary<Value>) =>
  fc.oneof(
    { weight: 6, arbitrary: values },
    { weight: 1, arbitrary: values.filter((v) => v.t === 'plain' || v.t === 'single' || v.t === 'double' || v.t === 'tag').map((inner): Value => ({ t: 'below', inner })) },
    { weight: 1, arbitrary: values.filter((v) => v.t !== 'alias' && v.t !== 'helm' && v.t !== 'empty').map((inner): Value => ({ t: 'anchored', inner })) },
  );

const VALUES: Record<string, fc.Arbitrary<Value>> = {
  'istio-injection': placed(fc.oneof(
    { weight: 3, arbitrary: plain('enabled', 'disabled', 'true', 'yes', 'on', 'Enabled', 'off') },
    { weight: 2, arbitrary: quoted('true', 'enabled', 'yes', 'disabled', 'off') },
    block('true', 'enabled'), tagged, alias('v_enabled', 'v_true', 'v_yes'), odd,
  )),
  'istio.io/rev': fc.oneof(plain('canary', 'default'), quoted('1-29-0'), alias('v_rev')),
  'istio.io/dataplane-mode': fc.oneof(plain('ambient', 'none', 'Ambient'), quoted('x', 'ambient')),
  'sidecar.istio.io/inject': placed(fc.oneof(
    { weight: 3, arbitrary: plain('true', 'false', 'yes', 'on', 'off', '1', 'y') },
    { weight: 2, arbitrary: quoted('true', 'false', 'enabled', 'disabled', 'yes') },
    block('true'), tagged, alias('v_true', 'v_bare', 'v_yes'), odd,
  )),
  app: plain('web'),
  team: quoted('a b', 'platform'),
  version: quoted('1.0'),
  '1': plain('one'),
  true: plain('yes'),
};

const entryOf = (key: string): fc.Arbitrary<Entry> =>
  fc.record({
    key: fc.constant(key),
    keyStyle: /^(1|true)$/.test(key) ? fc.constant<Entry['keyStyle']>('plain') : fc.constantFrom<Entry['keyStyle']>('plain', 'plain', 'single', 'double', 'tag'),
    value: VALUES[key],
    comment: sometimes(comment, 0.3),
    commentLine: sometimes(comment, 0.25),
  }, { requiredKeys: ['key', 'keyStyle', 'value'] });

const entryList = (keys: readonly string[], max: number) =>
  fc.uniqueArray(fc.constantFrom(...keys), { maxLength: max }).chain((ks) => (ks.length ? fc.tuple(...ks.map(entryOf)) : fc.constant([] as Entry[])));

const ISTIO_KEYS = ['istio-injection', 'istio.io/rev', 'istio.io/dataplane-mode', 'sidecar.istio.io/inject'];
const OTHER_KEYS = ['app', 'team', 'version', '1', 'true'];

function labelMap(keys: readonly string[], allowOwn: boolean): fc.Arbitrary<LabelMap> {
  const map = fc.record({
    t: fc.constant('map' as const),
    style: fc.constantFrom<'block' | 'flow' | 'flowml'>('block', 'block', 'flow', 'flowml'),
    entries: entryList(keys, 4),
    merge: sometimes(allowOwn ? fc.constantFrom<'base' | 'own'>('base', 'own') : fc.constant<'base'>('base'), 0.2),
    anchorOwn: sometimes(fc.constant(true), 0.2),
    headComment: sometimes(comment, 0.3),
    tailComment: sometimes(comment, 0.25),
    helmIf: sometimes(fc.tuple(fc.nat(3), fc.nat(3)).map(([a, b]): [number, number] => [Math.min(a, b), Math.max(a, b) + 1]), 0.2),
    helmInclude: sometimes(fc.constant(true), 0.15),
    trailingComma: sometimes(fc.constant(true), 0.3),
  }, { requiredKeys: ['t', 'style', 'entries'] });
  return fc.oneof(
    { weight: 6, arbitrary: map },
    { weight: 1, arbitrary: fc.constant<LabelMap>({ t: 'none' }) },
    { weight: 1, arbitrary: sometimes(comment, 0.5).map((c): LabelMap => ({ t: 'null', ...(c ? { comment: c } : {}) })) },
    ...(allowOwn ? [{ weight: 1, arbitrary: fc.constant<LabelMap>({ t: 'aliasOwn' }) }] : []),
  );
}

const KEYS = [...ISTIO_KEYS, ...OTHER_KEYS];

const meta = (allowOwn: boolean): fc.Arbitrary<Meta> =>
  fc.record({ labels: labelMap(KEYS, allowOwn), annotations: labelMap(['sidecar.istio.io/inject', 'team', 'version'], false), annotationsFirst: fc.boolean() });

const doc: fc.Arbitrary<Doc> = fc.record({
  kind: fc.constantFrom<Doc['kind']>('Namespace', 'Deployment', 'Pod'),
  name: fc.constantFrom('shop', 'shop', 'other', 'kube-system', 'istio-system'),
  namespace: sometimes(fc.constantFrom('shop', 'other'), 0.75),
  meta: meta(false),
  template: sometimes(meta(true), 0.8),
  hostNetwork: fc.boolean(),
  base: entryList(KEYS, 3),
  helmWrap: fc.nat(7).map((n) => n === 0),
  refAnchors: fc.boolean(),
  leadingComment: sometimes(comment, 0.25),
}, { requiredKeys: ['kind', 'name', 'meta', 'hostNetwork', 'base', 'helmWrap', 'refAnchors'] });

export const manifestFile: fc.Arbitrary<File> = fc.record({
  docs: fc.array(doc, { minLength: 1, maxLength: 3 }),
  indent: fc.constantFrom<2 | 4>(2, 2, 4),
  crlf: fc.nat(4).map((n) => n === 0),
  bom: fc.nat(6).map((n) => n === 0),
  finalNewline: fc.nat(4).map((n) => n !== 0),
  leadingMarker: fc.nat(4).map((n) => n === 0),
});

// ---------------------------------------------------------------- rendering

const pad = (n: number) => ' '.repeat(n);

function renderKey(e: Entry): string {
  switch (e.keyStyle) {
    case 'single': return `'${e.key}'`;
    case 'double': return `"${e.key}"`;
    case 'tag': return `!!str ${e.key}`;
    default: return e.key;
  }
}

/** Anchors of the document being rendered, in order. */
type Anchored = string[];

function scalar(v: Value, anchors: Anchored = []): string | undefined {
  switch (v.t) {
    case 'below': return scalar(v.inner, anchors);
    case 'anchored': {
      const inner = v.inner.t === 'block' || v.inner.t === 'nested' || v.inner.t === 'list' ? flowValue(v.inner) : scalar(v.inner, anchors);
      return inner === undefined ? undefined : `${anchor(anchors)} ${inner}`;
    }
    case 'plain': return v.s;
    case 'single': return `'${v.s}'`;
    case 'double': return `"${v.s}"`;
    case 'tag': return `${v.tag} ${scalar(v.inner, anchors) ?? '""'}`;
    case 'alias': return `*${v.name}`;
    case 'helm': return '{{ .Values.injection }}';
    default: return undefined;
  }
}

function anchor(anchors: Anchored): string {
  anchors.push(`a${anchors.length}`);
  return `&a${anchors.length - 1}`;
}

/** A value in a flow collection: block values become their flow counterparts. */
function flowValue(v: Value, anchors: Anchored = []): string {
  if (v.t === 'block') return `"${v.s}"`;
  if (v.t === 'nested') return '{a: b}';
  if (v.t === 'list') return '[a, b]';
  if (v.t === 'empty') return '""';
  return scalar(v, anchors)!;
}

/** A block entry's lines: `key: value  # comment`, or the key line then the lines of a block value. */
function blockEntry(e: Entry, col: number, u: number, anchors: Anchored): string[] {
  const lines = e.commentLine ? [pad(col) + e.commentLine] : [];
  const comment = e.comment ? ` ${e.comment}` : '';
  let v = e.value;
  let key = pad(col) + renderKey(e) + ':';
  if (v.t === 'anchored' && (v.inner.t === 'block' || v.inner.t === 'nested' || v.inner.t === 'list')) {
    key += ` ${anchor(anchors)}`;
    v = v.inner;
  }
  if (v.t === 'block') {
    lines.push(`${key} ${v.indicator}${v.comment ? ` ${v.comment}` : ''}`, pad(col + u) + v.s);
    if (v.indicator === '|+') lines.push('');
  } else if (v.t === 'nested') {
    lines.push(key + comment, `${pad(col + u)}a: b`, `${pad(col + u)}c: d`);
  } else if (v.t === 'list') {
    const at = v.compact ? col : col + u;
    lines.push(key + comment, `${pad(at)}- a`, `${pad(at)}- b`);
  } else if (v.t === 'below') {
    lines.push(key + comment, pad(col + u) + scalar(v.inner, anchors));
  } else if (v.t === 'empty') {
    lines.push(key + comment);
  } else {
    lines.push(`${key} ${scalar(v, anchors)}${comment}`);
  }
  return lines;
}

function renderMap(name: string, m: LabelMap, col: number, u: number, ownAnchored: boolean, anchors: Anchored): string[] {
  const key = pad(col) + name + ':';
  if (m.t === 'none') return [];
  if (m.t === 'null') return [key + (m.comment ? ` ${m.comment}` : '')];
  if (m.t === 'aliasOwn') return ownAnchored ? [`${key} *own`] : [];
  const anchor = m.anchorOwn ? ' &own' : '';
  const mergeName = m.merge === 'own' ? (ownAnchored ? 'own' : undefined) : m.merge === 'base' ? 'm_base' : undefined;
  const inner = col + u;
  if (m.style === 'block' && (m.entries.length > 0 || mergeName)) {
    const lines = [key + anchor + (m.headComment ? ` ${m.headComment}` : '')];
    if (m.helmInclude) lines.push(`${pad(inner)}{{- include "chart.labels" . | nindent ${inner} }}`);
    if (mergeName) lines.push(`${pad(inner)}<<: *${mergeName}`);
    let open = false;
    m.entries.forEach((e, i) => {
      if (m.helmIf && i === m.helmIf[0]) {
        lines.push(`${pad(inner)}{{- if .Values.extra }}`);
        open = true;
      }
      lines.push(...blockEntry(e, inner, u, anchors));
      if (open && (i === m.helmIf![1] - 1 || i === m.entries.length - 1)) {
        lines.push(`${pad(inner)}{{- end }}`);
        open = false;
      }
    });
    if (m.tailComment) lines.push(pad(inner) + m.tailComment);
    return lines;
  }
  const items = [...(mergeName ? [`<<: *${mergeName}`] : []), ...m.entries.map((e) => `${renderKey(e)}: ${flowValue(e.value, anchors)}`)];
  if (m.style === 'flowml' && items.length > 0) {
    const lines = [key + anchor + ' {' + (m.headComment ? ` ${m.headComment}` : '')];
    items.forEach((item, i) => {
      const e = m.entries[i - (mergeName ? 1 : 0)];
      if (e?.commentLine) lines.push(pad(inner) + e.commentLine);
      const comma = i < items.length - 1 || m.trailingComma ? ',' : '';
      lines.push(pad(inner) + item + comma + (e?.comment ? ` ${e.comment}` : ''));
    });
    if (m.tailComment) lines.push(pad(inner) + m.tailComment);
    lines.push(pad(col + 1) + '}');
    return lines;
  }
  return [`${key}${anchor} {${items.join(', ')}${items.length && m.trailingComma ? ',' : ''}}`];
}

function renderMeta(meta: Meta, col: number, u: number, head: string[], ownAnchored: boolean, anchors: Anchored): string[] {
  const first = meta.annotationsFirst ? 'annotations' : 'labels';
  const render = (which: 'labels' | 'annotations') => renderMap(which, meta[which], col, u, which === 'labels' && ownAnchored, anchors);
  const labels = first === 'labels' ? render('labels') : [];
  const annotations = render('annotations');
  if (first === 'annotations') labels.push(...render('labels'));
  return [...head, ...(meta.annotationsFirst ? [...annotations, ...labels] : [...labels, ...annotations])];
}

function hasAlias(entries: readonly Entry[]): boolean {
  return entries.some((e) => e.value.t === 'alias');
}

function usesAlias(meta: Meta | undefined): boolean {
  return [meta?.labels, meta?.annotations].some((m) => m?.t === 'map' && hasAlias(m.entries));
}

function usesBase(meta: Meta | undefined): boolean {
  return [meta?.labels, meta?.annotations].some((m) => m?.t === 'map' && m.merge === 'base');
}

function renderDoc(d: Doc, u: number): string[] {
  const lines: string[] = [];
  const anchors: Anchored = [];
  if (d.leadingComment) lines.push(d.leadingComment);
  if (d.helmWrap) lines.push('{{- if .Values.create }}');
  lines.push(d.kind === 'Deployment' ? 'apiVersion: apps/v1' : 'apiVersion: v1', `kind: ${d.kind}`);
  const base = usesBase(d.meta) || usesBase(d.template);
  if (usesAlias(d.meta) || usesAlias(d.template) || (base && hasAlias(d.base))) lines.push(`x-values: {${Object.entries(ANCHORS).map(([n, v], i) => `k${i}: &${n} ${v}`).join(', ')}}`);
  if (base) {
    lines.push('x-base: &m_base', ...(d.base.length ? d.base : [{ key: 'app', keyStyle: 'plain', value: { t: 'plain', s: 'web' } } as Entry]).flatMap((e) => blockEntry(e, u, u, anchors)));
  }
  const ownAnchored = d.kind === 'Deployment' && d.meta.labels.t === 'map' && d.meta.labels.anchorOwn === true && (d.meta.labels.entries.length > 0 || d.meta.labels.merge === 'base');
  const head = [`${pad(u)}name: ${d.kind === 'Namespace' ? d.name : d.kind === 'Pod' ? 'p' : 'web'}`, ...(d.kind !== 'Namespace' && d.namespace ? [`${pad(u)}namespace: ${d.namespace}`] : [])];
  lines.push('metadata:', ...renderMeta(stripOwn(d.meta, d.kind === 'Deployment'), u, u, head, false, anchors));
  if (d.kind === 'Deployment') {
    lines.push('spec:', `${pad(u)}selector:`, `${pad(2 * u)}matchLabels: {app: web}`, `${pad(u)}template:`);
    if (d.template) lines.push(`${pad(2 * u)}metadata:`, ...renderMeta(stripOwn(d.template, false), 3 * u, u, [], ownAnchored, anchors));
    lines.push(`${pad(2 * u)}spec:`, ...(d.hostNetwork ? [`${pad(3 * u)}hostNetwork: true`] : []), `${pad(3 * u)}containers:`, `${pad(3 * u)}- name: app`, `${pad(3 * u)}  image: app:1`);
  } else if (d.kind === 'Pod') {
    lines.push('spec:', ...(d.hostNetwork ? [`${pad(u)}hostNetwork: true`] : []), `${pad(u)}containers: []`);
  }
  if (d.refAnchors && anchors.length) lines.push(`x-refs: [${anchors.map((a) => `*${a}`).join(', ')}]`);
  if (d.helmWrap) lines.push('{{- end }}');
  return lines;
}

/** Only a Deployment's own labels may carry the `&own` anchor its template refers to. */
function stripOwn(meta: Meta, deployment: boolean): Meta {
  if (deployment || meta.labels.t !== 'map' || !meta.labels.anchorOwn) return meta;
  return { ...meta, labels: { ...meta.labels, anchorOwn: false } };
}

export function renderFile(f: File): string {
  const docs = f.docs.map((d) => renderDoc(d, f.indent).join('\n'));
  let text = (f.leadingMarker ? '---\n' : '') + docs.join('\n---\n') + '\n';
  if (!f.finalNewline) text = text.replace(/\n+$/, '');
  if (f.crlf) text = text.replace(/\n/g, '\r\n');
  return (f.bom ? '\uFEFF' : '') + text;
}

/**
 * The few DER shapes an X.509 certificate needs, written and read. node:crypto makes keys, signs and parses
 * certificates (X509Certificate) but builds none; the certificates of the mesh CA have one fixed shape (ca.ts), so
 * these ~70 lines replace an ASN.1 dependency. Pure.
 */

function tlv(tag: number, body: Buffer): Buffer {
  const n = body.length;
  const length = n < 0x80 ? Buffer.from([n]) : lengthBytes(n);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

function lengthBytes(n: number): Buffer {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
export const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
export const octets = (b: Buffer): Buffer => tlv(0x04, b);
export const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
export const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0]));
export const nul = (): Buffer => Buffer.from([0x05, 0x00]);
/** A BIT STRING whose last byte has `unused` trailing bits. */
export const bits = (b: Buffer, unused = 0): Buffer => tlv(0x03, Buffer.concat([Buffer.from([unused]), b]));
/** Context-specific tag `n`: constructed (explicit) or primitive (implicit). */
export const tagged = (n: number, body: Buffer, constructed = true): Buffer => tlv((constructed ? 0xa0 : 0x80) | n, body);

/** A non-negative INTEGER from big-endian bytes (a leading zero keeps it positive). */
export function uint(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const trimmed = b.subarray(i);
  return tlv(0x02, trimmed[0] & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

export function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [a * 40 + b];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime until 2049, GeneralizedTime after (RFC 5280 4.1.2.5), to the second. */
export function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
}

export interface Element {
  readonly tag: number;
  /** The whole element, header included. */
  readonly raw: Buffer;
  readonly body: Buffer;
}

/** The elements one after another in `b` (one level; read a body again to go deeper). */
export function children(b: Buffer): Element[] {
  const out: Element[] = [];
  let i = 0;
  while (i < b.length) {
    const tag = b[i];
    let len = b[i + 1];
    let head = 2;
    if (len & 0x80) {
      const count = len & 0x7f;
      len = 0;
      for (let k = 0; k < count; k++) len = len * 256 + b[i + 2 + k];
      head += count;
    }
    if (i + head + len > b.length) throw new Error('truncated DER');
    out.push({ tag, raw: b.subarray(i, i + head + len), body: b.subarray(i + head, i + head + len) });
    i += head + len;
  }
  return out;
}

// IDX files (LeCun's MNIST format) from bytes, raw or gzip. Runtime-neutral: no Node API; gzip is
// inflated with the web-standard DecompressionStream (Node 18+, Deno, Bun, browsers, workers).
// Layout: bytes 0-1 zero, byte 2 the element type (only 0x08 = u8 is accepted: every MNIST-shaped
// set uses it), byte 3 the number of dims, then one big-endian u32 per dim, then the elements.
import { ArgumentError, FormatError, NotImplementedError } from '../errors.js';

export interface IdxArray {
  /** Sizes, outermost first, e.g. [60000, 28, 28]. */
  readonly dims: readonly number[];
  /** The elements, row-major; a view into the input bytes when those were raw. */
  readonly data: Uint8Array;
}

/** Who is asking (`where`) and which file it is (`name`), for error messages. */
export interface SourceInfo {
  where?: string;
  name?: string;
}

const U8 = 0x08;
const TYPE_NAMES: Record<number, string> = { 0x08: 'u8', 0x09: 'i8', 0x0b: 'i16', 0x0c: 'i32', 0x0d: 'f32', 0x0e: 'f64' };

function hex(b: number): string {
  return '0x' + b.toString(16).padStart(2, '0');
}

/** True when the bytes start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Inflates gzip bytes with DecompressionStream; a corrupt or truncated stream is a FormatError. */
export async function gunzip(bytes: Uint8Array, info: SourceInfo = {}): Promise<Uint8Array> {
  const where = info.where ?? 'gunzip', name = info.name ?? 'input';
  if (typeof DecompressionStream !== 'function') {
    throw new NotImplementedError(`${where}: ${name} is gzipped and this runtime must provide DecompressionStream to inflate it, found none`);
  }
  const ds = new DecompressionStream('gzip');
  const writer = ds.writable.getWriter();
  // Errors surface on the read side; these promises only need their rejections handled.
  const input = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
  writer.write(input).catch(() => undefined);
  writer.close().catch(() => undefined);
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const reader = ds.readable.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.length;
    }
  } catch (e) {
    throw new FormatError(`${where}: ${name} must be a valid gzip stream, found a corrupt or truncated one (${(e as Error).message})`);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Parses raw (not gzipped) IDX bytes of element type u8. The result's data is a view, not a copy. */
export function parseIdx(bytes: Uint8Array, info: SourceInfo = {}): IdxArray {
  const where = info.where ?? 'parseIdx', name = info.name ?? 'input';
  const fail = (what: string): never => {
    throw new FormatError(`${where}: ${name} ${what}`);
  };
  if (isGzip(bytes)) fail('is gzipped: inflate it first (decodeIdx does)');
  if (bytes.length < 4) fail(`is truncated: an IDX header needs at least 4 bytes, found ${bytes.length}`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    fail(`must start with the IDX magic 00 00, found ${hex(bytes[0])} ${hex(bytes[1])} (not an IDX file)`);
  }
  if (bytes[2] !== U8) {
    const t = TYPE_NAMES[bytes[2]];
    fail(`must have element type 0x08 (u8), found ${hex(bytes[2])}${t ? ` (${t})` : ' (not an IDX type)'}`);
  }
  const ndims = bytes[3];
  if (ndims === 0) fail('must have at least 1 dimension, found 0');
  const header = 4 + 4 * ndims;
  if (bytes.length < header) fail(`is truncated: a header with ${ndims} dims needs ${header} bytes, found ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let product = 1;
  for (let i = 0; i < ndims; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    product *= d;
  }
  const found = bytes.length - header;
  if (found !== product) {
    const says = `header says ${dims.join('×')}${ndims > 1 ? ` = ${product}` : ''} bytes, found ${found}`;
    fail(found < product ? `is truncated: ${says}` : `has ${found - product} bytes too many: ${says}`);
  }
  return { dims, data: bytes.subarray(header) };
}

/** Parses IDX bytes, inflating them first when they are gzipped (magic 1f 8b). */
export async function decodeIdx(bytes: Uint8Array, info: SourceInfo = {}): Promise<IdxArray> {
  return parseIdx(isGzip(bytes) ? await gunzip(bytes, info) : bytes, info);
}

/** Encodes a u8 array as IDX bytes (the inverse of parseIdx; tests and exports use it). */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const product = dims.reduce((a, b) => a * b, 1);
  if (dims.length < 1 || dims.length > 255 || !dims.every((d) => Number.isInteger(d) && d >= 0 && d < 4294967296)) {
    throw new ArgumentError(`encodeIdx: dims must be 1 to 255 integers in [0, 2³²), found [${dims.join(',')}]`);
  }
  if (product !== data.length) throw new ArgumentError(`encodeIdx: data must have ${dims.join('×')} = ${product} elements, found ${data.length}`);
  const header = 4 + 4 * dims.length;
  const out = new Uint8Array(header + data.length);
  const view = new DataView(out.buffer);
  out[2] = U8;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, header);
  return out;
}

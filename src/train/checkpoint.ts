// Checkpoints: everything a run needs to continue bit for bit, in one self-checking binary file.
//
// Layout (little-endian): "GMBLCKPT", u32 version = 1, u32 header length, header (UTF-8 JSON:
// the state's plain fields and the byte length of each section), the sections in header order
// (model parameters in the Params format, then f32 arrays), then u32 FNV-1a of every byte before
// it and "END.". A short, long or altered file is a FormatError that names the file and the fault.
import { FormatError } from '../errors.js';

const MAGIC = 'GMBLCKPT';
const END = 'END.';
const VERSION = 1;

export interface CheckpointState {
  /** The run's configuration (plain JSON). */
  config: Record<string, unknown>;
  /** Steps completed; training continues at this step. */
  step: number;
  /** Root key of the run: step t uses foldIn(stepKey, t), so no generator state is needed. */
  rng: { seed: number; key: [number, number] };
  /** The schedules' values at `step` (they are functions of the step; kept for inspection). */
  schedule: { tau: number; slope: number };
  /** Estimator state (moving averages): plain numbers, exact through JSON. */
  estimator: Record<string, number>;
  optimizer: { name: string; t: number; buffers: Float32Array[] };
  /** Model parameters, Params.serialize() bytes. */
  params: Uint8Array;
  /** The estimator's own parameters (an input-dependent baseline), in params() order. */
  estimatorParams: Float32Array[];
  /** Anything else the run keeps (timings, last validation), plain JSON. */
  extra: Record<string, unknown>;
}

/** FNV-1a, 32 bits. */
export function fnv1a(bytes: Uint8Array, end = bytes.length): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return h >>> 0;
}

const f32Bytes = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export function encodeCheckpoint(s: CheckpointState): Uint8Array {
  const sections: Uint8Array[] = [s.params, ...s.optimizer.buffers.map(f32Bytes), ...s.estimatorParams.map(f32Bytes)];
  const header = {
    config: s.config, step: s.step, rng: s.rng, schedule: s.schedule, estimator: s.estimator, extra: s.extra,
    optimizer: { name: s.optimizer.name, t: s.optimizer.t, buffers: s.optimizer.buffers.length },
    estimatorParams: s.estimatorParams.length,
    sections: sections.map((b) => b.length),
  };
  const hb = new TextEncoder().encode(JSON.stringify(header));
  const total = 16 + hb.length + sections.reduce((a, b) => a + b.length, 0) + 8;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, VERSION, true);
  view.setUint32(12, hb.length, true);
  out.set(hb, 16);
  let o = 16 + hb.length;
  for (const sec of sections) {
    out.set(sec, o);
    o += sec.length;
  }
  view.setUint32(o, fnv1a(out, o), true);
  out.set(new TextEncoder().encode(END), o + 4);
  return out;
}

export function decodeCheckpoint(bytes: Uint8Array, name = 'checkpoint'): CheckpointState {
  const fail = (what: string) => new FormatError(`checkpoint: ${name} ${what}`);
  if (bytes.length < 16) throw fail(`is truncated: ${bytes.length} bytes, shorter than the 16-byte preamble`);
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw fail(`is not a gumbel checkpoint (magic '${MAGIC}' missing)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== VERSION) throw fail(`has format version ${version}, expected ${VERSION}`);
  const hlen = view.getUint32(12, true);
  if (16 + hlen > bytes.length) throw fail(`is truncated: ${bytes.length} bytes, the header alone needs ${16 + hlen}`);
  let h: {
    config: Record<string, unknown>; step: number; rng: CheckpointState['rng']; schedule: CheckpointState['schedule'];
    estimator: Record<string, number>; extra: Record<string, unknown>;
    optimizer: { name: string; t: number; buffers: number }; estimatorParams: number; sections: number[];
  };
  try {
    h = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(16, 16 + hlen)));
  } catch (e) {
    throw fail(`has an unreadable header (${(e as Error).message})`);
  }
  if (!h || !Array.isArray(h.sections) || typeof h.step !== 'number' || !h.optimizer || h.sections.length !== 1 + h.optimizer.buffers + h.estimatorParams) {
    throw fail('has a malformed header');
  }
  const need = 16 + hlen + h.sections.reduce((a, b) => a + b, 0) + 8;
  if (bytes.length < need) throw fail(`is truncated: ${bytes.length} bytes, needs ${need}`);
  if (bytes.length > need) throw fail(`has ${bytes.length - need} unexpected bytes after its end`);
  const o0 = need - 8;
  if (new TextDecoder().decode(bytes.subarray(o0 + 4, o0 + 8)) !== END) throw fail(`lacks its end marker '${END}'`);
  if (view.getUint32(o0, true) !== fnv1a(bytes, o0)) throw fail('is corrupt: its checksum does not match its contents');
  let o = 16 + hlen;
  const sections = h.sections.map((len) => {
    // A copy on its own buffer (a Node Buffer's slice() is a view at any offset).
    const s = new Uint8Array(len);
    s.set(bytes.subarray(o, o + len));
    o += len;
    return s;
  });
  const f32 = (b: Uint8Array) => {
    if (b.length % 4) throw fail('has an f32 section whose length is not a multiple of 4');
    return new Float32Array(b.buffer, b.byteOffset, b.length / 4);
  };
  const nOpt = h.optimizer.buffers;
  return {
    config: h.config, step: h.step, rng: h.rng, schedule: h.schedule, estimator: h.estimator, extra: h.extra ?? {},
    optimizer: { name: h.optimizer.name, t: h.optimizer.t, buffers: sections.slice(1, 1 + nOpt).map(f32) },
    params: sections[0],
    estimatorParams: sections.slice(1 + nOpt).map(f32),
  };
}

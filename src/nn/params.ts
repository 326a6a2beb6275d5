// Parameter collections: named persistent tensors, saved and loaded in a small typed binary format.
//
// Format (little-endian): "GMBL" magic, u32 version = 1, u32 count, then per tensor:
// u32 name length, name (UTF-8), u32 rank, u32 dims[rank], f32 data[size].
import type { Backend } from '../backend.js';
import { FormatError, ShapeError, fmtShape } from '../errors.js';
import { variable } from '../ops.js';
import type { Tensor } from '../tensor.js';

export class Params {
  readonly map = new Map<string, Tensor>();

  constructor(readonly backend: Backend) {}

  /** A new parameter (persistent, requiresGrad) named uniquely. */
  add(name: string, data: ArrayLike<number>, shape: number[]): Tensor {
    if (this.map.has(name)) throw new ShapeError(`Params.add: a parameter named '${name}' already exists`);
    const t = variable(data, shape, this.backend);
    this.map.set(name, t);
    return t;
  }

  get list(): Tensor[] {
    return [...this.map.values()];
  }

  get count(): number {
    return this.list.reduce((s, t) => s + t.size, 0);
  }

  serialize(): Uint8Array {
    const enc = new TextEncoder();
    const parts: Uint8Array[] = [];
    const u32 = (...xs: number[]) => parts.push(new Uint8Array(new Uint32Array(xs).buffer));
    parts.push(enc.encode('GMBL'));
    u32(1, this.map.size);
    for (const [name, t] of this.map) {
      const nb = enc.encode(name);
      u32(nb.length);
      parts.push(nb);
      u32(t.rank, ...t.shape);
      parts.push(new Uint8Array(Float32Array.from(t.data()).buffer));
    }
    const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  /** Loads values saved by serialize() into the existing parameters (names and shapes must match). */
  load(bytes: Uint8Array, source = 'parameters'): void {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let o = 0;
    const need = (n: number, what: string) => {
      if (o + n > bytes.length) throw new FormatError(`Params.load: ${source} is truncated while reading ${what} (needs ${o + n} bytes, has ${bytes.length})`);
    };
    const u32 = (what: string) => {
      need(4, what);
      const v = view.getUint32(o, true);
      o += 4;
      return v;
    };
    need(4, 'the magic');
    if (new TextDecoder().decode(bytes.subarray(0, 4)) !== 'GMBL') throw new FormatError(`Params.load: ${source} is not a gumbel parameter file (magic 'GMBL' missing)`);
    o = 4;
    const version = u32('the version');
    if (version !== 1) throw new FormatError(`Params.load: ${source} has format version ${version}, expected 1`);
    const count = u32('the tensor count');
    if (count !== this.map.size) throw new FormatError(`Params.load: ${source} has ${count} tensors, the model has ${this.map.size}`);
    for (let i = 0; i < count; i++) {
      const len = u32('a name length');
      need(len, 'a name');
      const name = new TextDecoder().decode(bytes.subarray(o, o + len));
      o += len;
      const rank = u32(`the rank of '${name}'`);
      const shape = Array.from({ length: rank }, () => u32(`the shape of '${name}'`));
      const t = this.map.get(name);
      if (!t) throw new FormatError(`Params.load: ${source} has a tensor '${name}' the model does not have`);
      if (fmtShape(shape) !== fmtShape(t.shape)) throw new FormatError(`Params.load: '${name}' in ${source} is ${fmtShape(shape)}, the model's is ${fmtShape(t.shape)}`);
      need(t.size * 4, `the values of '${name}'`);
      // Uint8Array.prototype.slice copies (a Node Buffer's own slice would be a view into its pool).
      t.backend.write(t.buf, new Float32Array(Uint8Array.prototype.slice.call(bytes, o, o + t.size * 4).buffer));
      o += t.size * 4;
    }
  }
}

// Philox word streams for the data pipeline: element t of a stream under key k is
// Philox((⌊t/4⌋, 0, 0, 0), k)[t mod 4], the same numbering as random/philox.ts `philoxWords`,
// but starting at any t so a slice of a long stream (one image of a file) can be drawn alone.
import type { Key } from '../random/key.js';
import { philox4x32 } from '../random/philox.js';

const block = new Uint32Array(4);

/** Fills out[0..n) with stream words start, start+1, …, start+n−1 (start + n ≤ 2³⁴). */
export function fillWords(out: Uint32Array, n: number, k: Key, start = 0): void {
  const k0 = k[0] >>> 0, k1 = k[1] >>> 0;
  let t = start, i = 0;
  while (i < n) {
    const lane = t % 4;
    philox4x32(Math.floor(t / 4) >>> 0, 0, 0, 0, k0, k1, block);
    const take = Math.min(4 - lane, n - i);
    for (let j = 0; j < take; j++) out[i + j] = block[lane + j];
    i += take;
    t += take;
  }
}

/** Sequential reader of one stream, refilled in chunks (used where the count is not known ahead). */
export class WordStream {
  private readonly buf: Uint32Array;
  private pos: number;
  private next0 = 0;

  /** `chunk`: words drawn per refill (a short stream need not draw 1024). */
  constructor(private readonly k: Key, chunk = 1024) {
    this.buf = new Uint32Array(Math.max(4, Math.min(1024, Math.ceil(chunk))));
    this.pos = this.buf.length;
  }

  next(): number {
    if (this.pos === this.buf.length) {
      fillWords(this.buf, this.buf.length, this.k, this.next0);
      this.next0 += this.buf.length;
      this.pos = 0;
    }
    return this.buf[this.pos++];
  }

  /** An integer uniform on [0, s), 1 ≤ s ≤ 2³²; exact: words at or above the last multiple of s are redrawn. */
  below(s: number): number {
    const limit = 4294967296 - (4294967296 % s);
    for (;;) {
      const w = this.next();
      if (w < limit) return w % s;
    }
  }
}

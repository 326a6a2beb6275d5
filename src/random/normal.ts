// Standard normal draws on the host by Box–Muller (Box & Muller 1958) from our Philox uniforms:
// pair j takes words 2j and 2j+1 of the stream under the key, u1, u2 ∈ (0, 1) (wordToUniform never
// returns 0 or 1), and gives z_2j = r·cos(2πu2), z_2j+1 = r·sin(2πu2) with r = √(−2 ln u1).
// Only the Gaussian latent of the semi-supervised model needs these (a few thousand per step), so
// they are drawn in TypeScript and uploaded rather than being a kernel; Math.cos/sin/log may differ
// by an ulp across engines, which is within the float tolerance of our determinism contract.
import { checkNumber } from '../errors.js';
import type { Key } from './key.js';
import { philoxWords, wordToUniform } from './philox.js';

export function normalHost(key: Key, n: number): Float32Array {
  checkNumber('normalHost', 'n', n, { integer: true, nonNegative: true });
  const pairs = Math.ceil(n / 2);
  const words = new Uint32Array(2 * pairs);
  philoxWords(words, 2 * pairs, key[0], key[1]);
  const out = new Float32Array(n);
  for (let j = 0; j < pairs; j++) {
    const r = Math.sqrt(-2 * Math.log(wordToUniform(words[2 * j])));
    const a = 2 * Math.PI * wordToUniform(words[2 * j + 1]);
    out[2 * j] = r * Math.cos(a);
    if (2 * j + 1 < n) out[2 * j + 1] = r * Math.sin(a);
  }
  return out;
}

// Pins the bits of one M2 objective and its gradient on every wasm build (k = 10, 12 unlabeled + 10
// labeled rows: every conv, transposed conv and dense product of the model at small batch). A
// kernel change that keeps each element's arithmetic order (blocking, loop order, threading) must
// keep these hashes; one that reorders sums changes them and must say so (then re-pin, after
// checking the values against the old ones within float tolerance).
import { describe, expect, it } from 'vitest';
import { grad } from '../../src/autograd/tape.js';
import { createWasmBackend } from '../../src/backends/wasm/index.js';
import { detectFeatures, type BuildName } from '../../src/backends/wasm/features.js';
import { setBackend, step } from '../../src/engine.js';
import { createEstimator } from '../../src/estimators/index.js';
import { SSVAE } from '../../src/models/ssvae.js';
import { key } from '../../src/random/key.js';

const images = (n: number, seed: number) => Float32Array.from({ length: n * 784 }, (_, i) => (((i + seed) * 2654435761) >>> 0) % 5 < 2 ? 1 : 0);

/** FNV-1a over the f32 bits of every value, in order. */
function fnv(arrays: ArrayLike<number>[]): string {
  let h = 0x811c9dc5;
  const bits = new Uint32Array(1), f = new Float32Array(bits.buffer);
  for (const a of arrays) for (let i = 0; i < a.length; i++) {
    f[0] = a[i];
    for (let s = 0; s < 32; s += 8) h = Math.imul(h ^ ((bits[0] >>> s) & 255), 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

const PINS: Record<string, Record<'marginalize' | 'gumbel_softmax', string>> = {
  scalar: { marginalize: '0fe3bd66', gumbel_softmax: '62cc0ca9' },
  simd: { marginalize: '235841e2', gumbel_softmax: 'f748bfd4' },
  relaxed: { marginalize: '1a6f17de', gumbel_softmax: 'c14f26fd' },
};

describe('M2 objective and gradient bits (wasm builds)', () => {
  for (const build of ['scalar', 'simd', 'relaxed'] as BuildName[]) {
    it(`${build}: the pinned hash of J and dJ/dθ for both y estimators`, async () => {
      if (build === 'relaxed' && !(await detectFeatures()).relaxedSimd) return;
      const be = await createWasmBackend({ build });
      setBackend(be);
      const m = new SSVAE({ key: key(1), classes: 10, backend: be, initData: images(4, 9) });
      const xu = images(12, 1), xl = images(10, 2), labels = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
      const got: Record<string, string> = {};
      for (const y of ['marginalize', 'gumbel_softmax'] as const) {
        got[y] = step(() => {
          const J = m.objective(xl, labels, xu, { y: createEstimator(y), beta: 0.3, tau: 0.7, key: key(5) }).surrogate;
          return fnv([J.data(), ...grad(J, m.params.list).map((g) => g!.data())]);
        }, be);
      }
      be.dispose();
      expect(got).toEqual(PINS[build]);
    }, 120_000);
  }
});

// col2im (im2col's adjoint) on every backend against ref: the geometry sweep of im2col, the paper's
// shapes, hand-derived tap counts, a guard after the output and an output that starts dirty (col2im
// overwrites). Each pixel sums at most kh·kw values of [−1, 1] in f32 (ref in f64): the tolerance
// is 2·kh·kw ulps of that sum. The wasm builds add every pixel's terms in one order with single f32
// adds, so scalar, SIMD and relaxed agree bit for bit.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { BACKENDS } from '../harness/backends.js';
import { expectClose, fillRandom, upload } from '../harness/check_kernel.js';
import { type Geometry, PAPER_GEOMETRIES, fmtGeometry, geometries, patchSizes } from '../harness/conv.js';
import { widen } from './support.js';

const ref = createRefBackend();
const GUARD = 4;

function col2imOn(be: Backend, g: Geometry, cols: Float32Array): Float32Array {
  const n = patchSizes(g).x;
  const x = upload(be, new Float32Array(n + GUARD).fill(777));
  be.col2im(upload(be, cols.length ? cols : [0]), x, g.n, g.h, g.w, g.c, g.kh, g.kw, g.stride, g.pad, g.ho, g.wo);
  const out = Float32Array.from(be.read(x));
  be.resetScratch();
  return out;
}

const tol = (be: Backend, g: Geometry) => widen(be, { atol: 2 * g.kh * g.kw * g.kh * g.kw * 2 ** -24, rtol: 0 }, g.kh * g.kw);

describe('col2im: ref against hand-derived values', () => {
  it('ones through a 2×2 kernel, stride 1, on 3×3: each pixel counts the patches covering it', () => {
    const g = { n: 1, h: 3, w: 3, c: 1, kh: 2, kw: 2, stride: 1, pad: 0, ho: 2, wo: 2 };
    expect([...col2imOn(ref, g, new Float32Array(16).fill(1)).subarray(0, 9)]).toEqual([1, 2, 1, 2, 4, 2, 1, 2, 1]);
  });
  it('3×3 kernel, stride 2, pad 1: padding taps are dropped; a pixel no patch reads is 0', () => {
    // 3×3 image, 2×2 outputs: every pixel is read (counts below); with a 1×1 kernel stride 2, odd pixels are not.
    const g = { n: 1, h: 3, w: 3, c: 1, kh: 3, kw: 3, stride: 2, pad: 1, ho: 2, wo: 2 };
    expect([...col2imOn(ref, g, new Float32Array(36).fill(1)).subarray(0, 9)]).toEqual([1, 2, 1, 2, 4, 2, 1, 2, 1]);
    const s = { n: 1, h: 3, w: 3, c: 1, kh: 1, kw: 1, stride: 2, pad: 0, ho: 2, wo: 2 };
    expect([...col2imOn(ref, s, Float32Array.from([1, 2, 3, 4])).subarray(0, 9)]).toEqual([1, 0, 2, 0, 0, 0, 3, 0, 4]);
  });
});

for (const nb of BACKENDS) {
  describe(`col2im on ${nb.label}`, () => {
    let be: Backend;
    beforeAll(async () => {
      be = await nb.make();
    });

    it('every geometry of the sweep against ref; overwrites a dirty output; nothing past it', () => {
      let seed = 1;
      for (const g of geometries()) {
        const cols = fillRandom(patchSizes(g).cols, seed++, -1, 1);
        const got = col2imOn(be, g, cols), n = patchSizes(g).x;
        expectClose(`${nb.label} ${fmtGeometry(g)}`, got.subarray(0, n), col2imOn(ref, g, cols).subarray(0, n), tol(be, g));
        expect([...got.subarray(n)], `${nb.label} ${fmtGeometry(g)}: past the output`).toEqual([777, 777, 777, 777]);
      }
    });

    it('the paper shapes', () => {
      for (const g of PAPER_GEOMETRIES) {
        const cols = fillRandom(patchSizes(g).cols, g.c, -1, 1);
        expectClose(`${nb.label} ${fmtGeometry(g)}`, col2imOn(be, g, cols), col2imOn(ref, g, cols), tol(be, g));
      }
    });

    it('NaN reaches exactly the pixel it is summed into', () => {
      const g = { n: 1, h: 4, w: 4, c: 5, kh: 3, kw: 3, stride: 1, pad: 1, ho: 4, wo: 4 };
      const cols = fillRandom(patchSizes(g).cols, 3, -1, 1);
      cols[7] = NaN; // row 0 (output 0,0), tap (0, 1), channel 2 → pixel (−1, 0): padding, dropped
      cols[45 + 4 * 5 + 3] = NaN; // row 1 (output 0,1), tap (1, 1), channel 3 → pixel (0, 1)
      const got = col2imOn(be, g, cols);
      expect(got.map((v) => (Number.isNaN(v) ? 1 : 0)).reduce((a, b) => a + b, 0)).toBe(1);
      expect(got[(0 * 4 + 1) * 5 + 3]).toBeNaN();
      expectClose(`${nb.label} NaN`, got, col2imOn(ref, g, cols), tol(be, g));
    });
  });
}

describe('col2im: wasm builds agree bit for bit', () => {
  it('scalar, simd and relaxed give the same bits on the sweep and the paper shapes', async () => {
    const bes = await Promise.all(BACKENDS.filter((b) => b.label.startsWith('wasm-')).map((b) => b.make()));
    let seed = 1;
    for (const g of [...geometries(), ...PAPER_GEOMETRIES]) {
      const cols = fillRandom(patchSizes(g).cols, seed++, -1e3, 1e3);
      const first = new Uint32Array(col2imOn(bes[0], g, cols).buffer);
      for (const be of bes.slice(1)) expect(new Uint32Array(col2imOn(be, g, cols).buffer), `${be.variant} ${fmtGeometry(g)}`).toEqual(first);
    }
  });
});

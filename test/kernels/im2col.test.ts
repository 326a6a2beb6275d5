// im2col on every backend against ref: the geometry sweep (channels below/at/above the SIMD width,
// kernels 1×1 … 5×5, stride 1 and 2, pad 0–2, n = 0), the paper's layer shapes, hand-derived values,
// a guard after the output, and the adjoint identity ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩. im2col only
// copies and zero-fills, so every backend must match ref exactly.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { BACKENDS } from '../harness/backends.js';
import { expectClose, fillRandom, upload } from '../harness/check_kernel.js';
import { type Geometry, PAPER_GEOMETRIES, fmtGeometry, geometries, patchSizes } from '../harness/conv.js';

const ref = createRefBackend();
const GUARD = 4;

/** im2col of x on be; the output buffer starts as 777s and has GUARD extra elements, returned too. */
function im2colOn(be: Backend, g: Geometry, x: Float32Array): Float32Array {
  const n = patchSizes(g).cols;
  const cols = upload(be, new Float32Array(n + GUARD).fill(777));
  be.im2col(upload(be, x.length ? x : [0]), cols, g.n, g.h, g.w, g.c, g.kh, g.kw, g.stride, g.pad, g.ho, g.wo);
  const out = Float32Array.from(be.read(cols));
  be.resetScratch();
  return out;
}

describe('im2col: ref against hand-derived values', () => {
  const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]); // one 3×3 image, one channel
  it('2×2 kernel, stride 1, no padding: the four patches', () => {
    const g = { n: 1, h: 3, w: 3, c: 1, kh: 2, kw: 2, stride: 1, pad: 0, ho: 2, wo: 2 };
    expect([...im2colOn(ref, g, x).subarray(0, 16)]).toEqual([1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9]);
  });
  it('3×3 kernel, stride 2, pad 1: zeros outside the image', () => {
    const g = { n: 1, h: 3, w: 3, c: 1, kh: 3, kw: 3, stride: 2, pad: 1, ho: 2, wo: 2 };
    expect([...im2colOn(ref, g, x).subarray(0, 36)]).toEqual([
      0, 0, 0, 0, 1, 2, 0, 4, 5, // (0,0): rows −1…1, columns −1…1
      0, 0, 0, 2, 3, 0, 5, 6, 0, // (0,1): columns 1…3
      0, 4, 5, 0, 7, 8, 0, 0, 0, // (1,0): rows 1…3
      5, 6, 0, 8, 9, 0, 0, 0, 0, // (1,1)
    ]);
  });
  it('channels stay together: [1,1,2,2] with a 1×2 kernel', () => {
    const g = { n: 1, h: 1, w: 2, c: 2, kh: 1, kw: 2, stride: 1, pad: 0, ho: 1, wo: 1 };
    expect([...im2colOn(ref, g, Float32Array.from([1, 10, 2, 20])).subarray(0, 4)]).toEqual([1, 10, 2, 20]);
  });
});

for (const nb of BACKENDS) {
  describe(`im2col on ${nb.label}`, () => {
    let be: Backend;
    beforeAll(async () => {
      be = await nb.make();
    });

    it('every geometry of the sweep equals ref exactly; nothing past the output', () => {
      let seed = 1;
      for (const g of geometries()) {
        const x = fillRandom(patchSizes(g).x, seed++, -1, 1);
        const got = im2colOn(be, g, x), n = patchSizes(g).cols;
        expectClose(`${nb.label} ${fmtGeometry(g)}`, got.subarray(0, n), im2colOn(ref, g, x).subarray(0, n), { atol: 0, rtol: 0 });
        expect([...got.subarray(n)], `${nb.label} ${fmtGeometry(g)}: past the output`).toEqual([777, 777, 777, 777]);
      }
    });

    it('the paper shapes (5×5/2 pad 2 convs, 3×3/2 pad 1 transposed chain)', () => {
      for (const g of PAPER_GEOMETRIES) {
        const x = fillRandom(patchSizes(g).x, g.c, -1, 1);
        expectClose(`${nb.label} ${fmtGeometry(g)}`, im2colOn(be, g, x), im2colOn(ref, g, x), { atol: 0, rtol: 0 });
      }
    });

    it('NaN and ±Inf are copied to every place that reads them, and nowhere else', () => {
      const g = { n: 1, h: 4, w: 4, c: 5, kh: 3, kw: 3, stride: 1, pad: 1, ho: 4, wo: 4 };
      const x = fillRandom(patchSizes(g).x, 3, -1, 1);
      x[5] = NaN;
      x[47] = Infinity;
      expectClose(`${nb.label} NaN`, im2colOn(be, g, x), im2colOn(ref, g, x), { atol: 0, rtol: 0 });
    });

    it('adjoint: ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩', () => {
      let seed = 500;
      for (const g of [...geometries()].filter((_, i) => i % 7 === 0).concat(PAPER_GEOMETRIES)) {
        const { x: nx, cols: nc } = patchSizes(g);
        const x = fillRandom(nx, seed++, -1, 1), y = fillRandom(nc, seed++, -1, 1);
        const cols = be.read(im2colBuf(be, g, x)), back = be.read(col2imBuf(be, g, y));
        be.resetScratch();
        let lhs = 0, rhs = 0, scale = 0;
        for (let i = 0; i < nc; i++) {
          lhs += cols[i] * y[i];
          scale += Math.abs(cols[i] * y[i]);
        }
        for (let i = 0; i < nx; i++) rhs += x[i] * back[i];
        expect(Math.abs(lhs - rhs), `${nb.label} ${fmtGeometry(g)}: ${lhs} vs ${rhs}`).toBeLessThanOrEqual(1e-5 * (1 + scale));
      }
    });
  });
}

function im2colBuf(be: Backend, g: Geometry, x: Float32Array) {
  const cols = be.alloc(patchSizes(g).cols, false);
  be.im2col(upload(be, x.length ? x : [0]), cols, g.n, g.h, g.w, g.c, g.kh, g.kw, g.stride, g.pad, g.ho, g.wo);
  return cols;
}

function col2imBuf(be: Backend, g: Geometry, cols: Float32Array) {
  const x = be.alloc(patchSizes(g).x, false);
  be.col2im(upload(be, cols.length ? cols : [0]), x, g.n, g.h, g.w, g.c, g.kh, g.kw, g.stride, g.pad, g.ho, g.wo);
  return x;
}

// conv2d and conv2d_transpose (im2col / col2im + matmul) on every backend against direct f64 loops
// (test/harness/conv.ts), at the paper's layer shapes and small odd ones; bias on and off; the
// multithreaded wasm backend bitwise equal to one thread; the layers; errors at the door.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend.js';
import { createWasmBackend } from '../../src/backends/wasm/index.js';
import { Conv2d, ConvTranspose2d } from '../../src/nn/conv.js';
import { Params } from '../../src/nn/params.js';
import { conv2d, conv2d_transpose, conv2dTranspose, tensor } from '../../src/ops.js';
import { key } from '../../src/random/key.js';
import { ArgumentError, ShapeError } from '../../src/errors.js';
import { BACKENDS } from '../harness/backends.js';
import { expectClose, fillRandom } from '../harness/check_kernel.js';
import { naiveConv2d, naiveConv2dTranspose, outSize } from '../harness/conv.js';

/** [B, H, W, C, kh, kw, Cout, stride, pad]: channel counts below/at/above 4 and odd, the paper's layers (batch 3). */
type ConvCase = [number, number, number, number, number, number, number, number, number];
const CONVS: ConvCase[] = [
  [2, 5, 6, 3, 3, 3, 5, 1, 1],
  [1, 7, 7, 4, 2, 3, 4, 2, 0],
  [3, 6, 5, 9, 3, 3, 1, 2, 2],
  [0, 5, 5, 3, 3, 3, 2, 1, 1],
  [3, 28, 28, 1, 5, 5, 32, 2, 2],
  [3, 28, 28, 11, 5, 5, 32, 2, 2],
  [3, 14, 14, 32, 5, 5, 64, 2, 2],
  [3, 7, 7, 64, 5, 5, 128, 2, 2],
];

/** [B, Hi, Wi, Cin, kh, kw, Cout, stride, pad, outH, outW]: the decoder chain 1→2→4→8→16 and small odd ones. */
type DeconvCase = [number, number, number, number, number, number, number, number, number, number, number];
const DECONVS: DeconvCase[] = [
  [2, 3, 2, 3, 3, 3, 5, 1, 1, 3, 2],
  [1, 2, 3, 5, 3, 2, 4, 2, 0, 5, 7],
  [2, 2, 2, 4, 3, 3, 9, 2, 1, 4, 3],
  [0, 2, 2, 3, 3, 3, 2, 2, 1, 4, 4],
  [3, 1, 1, 64, 3, 3, 128, 2, 1, 2, 2],
  [3, 2, 2, 128, 3, 3, 64, 2, 1, 4, 4],
  [3, 4, 4, 64, 3, 3, 32, 2, 1, 8, 8],
  [3, 8, 8, 32, 3, 3, 32, 2, 1, 16, 16],
];

/** f32 sums of k products of values in [−1, 1] (|y| ≲ √k): a few ulps of k. */
const tolFor = (k: number) => ({ atol: 8 * k * 2 ** -24, rtol: 1e-5 });

for (const nb of BACKENDS) {
  describe(`conv ops on ${nb.label}`, () => {
    let be: Backend;
    beforeAll(async () => {
      be = await nb.make();
    });
    const wide = (t: { atol: number; rtol: number }) => (be.name === 'tfjs' ? { atol: Math.max(t.atol, 1e-4), rtol: 1e-4 } : t);

    it('conv2d equals the direct loop, with and without bias', () => {
      let seed = 1;
      for (const [n, h, w, c, kh, kw, cout, stride, pad] of CONVS) {
        const ho = outSize(h, kh, stride, pad), wo = outSize(w, kw, stride, pad);
        const xd = fillRandom(n * h * w * c, seed++, -1, 1), wd = fillRandom(kh * kw * c * cout, seed++, -1, 1), bd = fillRandom(cout, seed++, -1, 1);
        for (const withBias of [true, false]) {
          const y = conv2d(tensor(xd, [n, h, w, c], { backend: be }), tensor(wd, [kh, kw, c, cout], { backend: be }), withBias ? tensor(bd, [cout], { backend: be }) : null, { stride, pad });
          expect(y.shape).toEqual([n, ho, wo, cout]);
          const want = naiveConv2d(xd, wd, withBias ? bd : null, { n, h, w, c, kh, kw, stride, pad, ho, wo }, cout);
          expectClose(`${nb.label} conv2d ${[n, h, w, c]} k${kh}×${kw} →${cout} s${stride} p${pad} bias=${withBias}`, y.size ? y.data() : [], want, wide(tolFor(kh * kw * c)));
          be.resetScratch();
        }
      }
    });

    it('conv2d_transpose equals the direct scatter loop, with and without bias', () => {
      let seed = 100;
      for (const [n, hi, wi, cin, kh, kw, cout, stride, pad, outH, outW] of DECONVS) {
        const xd = fillRandom(n * hi * wi * cin, seed++, -1, 1), wd = fillRandom(cin * kh * kw * cout, seed++, -1, 1), bd = fillRandom(cout, seed++, -1, 1);
        for (const withBias of [true, false]) {
          const y = conv2d_transpose(tensor(xd, [n, hi, wi, cin], { backend: be }), tensor(wd, [cin, kh, kw, cout], { backend: be }), withBias ? tensor(bd, [cout], { backend: be }) : null, { stride, pad, outH, outW });
          expect(y.shape).toEqual([n, outH, outW, cout]);
          const want = naiveConv2dTranspose(xd, wd, withBias ? bd : null, n, hi, wi, cin, kh, kw, cout, stride, pad, outH, outW);
          expectClose(`${nb.label} conv2d_transpose ${[n, hi, wi, cin]} k${kh}×${kw} →${outH}×${outW}×${cout} s${stride} p${pad} bias=${withBias}`, y.size ? y.data() : [], want, wide(tolFor(kh * kw * cin)));
          be.resetScratch();
        }
      }
    });
  });
}

describe('conv ops: threads', () => {
  it('conv2d and conv2d_transpose (forward and gradients) are bitwise equal on 1 and 2 threads at the paper shapes', async () => {
    const { grad } = await import('../../src/autograd/tape.js');
    const { mul, sum, variable } = await import('../../src/ops.js');
    const run = async (threads: number) => {
      const be = await createWasmBackend({ threads, build: 'relaxed-mt' });
      const out: Float32Array[] = [];
      const x = variable(fillRandom(100 * 14 * 14 * 32, 1, -1, 1), [100, 14, 14, 32], be);
      const w = variable(fillRandom(5 * 5 * 32 * 64, 2, -1, 1), [5, 5, 32, 64], be), b = variable(fillRandom(64, 3), [64], be);
      const y = conv2d(x, w, b, { stride: 2, pad: 2 });
      const wt = variable(fillRandom(64 * 3 * 3 * 32, 4, -1, 1), [64, 3, 3, 32], be);
      const z = conv2d_transpose(y, wt, null, { stride: 2, pad: 1, outH: 14, outW: 14 });
      const loss = sum(mul(z, tensor(fillRandom(z.size, 5), z.shape, { backend: be })));
      out.push(Float32Array.from(z.data()), ...grad(loss, [x, w, b, wt]).map((g) => Float32Array.from(g!.data())));
      be.dispose();
      return out;
    };
    const one = await run(1), two = await run(2);
    for (const [i, a] of one.entries()) expect(Buffer.from(two[i].buffer).equals(Buffer.from(a.buffer)), `output ${i}`).toBe(true);
  }, 120_000);
});

describe('conv gradient rules', () => {
  it('a conv on data (x wants no gradient) gives the same dW and db without computing dx', async () => {
    const { grad } = await import('../../src/autograd/tape.js');
    const { sum, mul, variable } = await import('../../src/ops.js');
    const be = await createWasmBackend({ build: 'simd' });
    const xd = fillRandom(2 * 6 * 6 * 3, 1, -1, 1), wd = fillRandom(3 * 3 * 3 * 4, 2, -1, 1), bd = fillRandom(4, 3);
    const weights = tensor(fillRandom(2 * 3 * 3 * 4, 4), [2, 3, 3, 4], { backend: be });
    const w = variable(wd, [3, 3, 3, 4], be), b = variable(bd, [4], be);
    const run = (x: ReturnType<typeof tensor>) => grad(sum(mul(conv2d(x, w, b, { stride: 2, pad: 1 }), weights)), [x, w, b]);
    const [dxData, dwData, dbData] = run(tensor(xd, [2, 6, 6, 3], { backend: be }));
    const [dx, dw, db] = run(variable(xd, [2, 6, 6, 3], be));
    expect(dxData).toBeNull();
    expect(dx).not.toBeNull();
    expect(dwData!.data()).toEqual(dw!.data());
    expect(dbData!.data()).toEqual(db!.data());
    // the same for the transposed conv
    const wt = variable(fillRandom(3 * 3 * 3 * 4, 5, -1, 1), [3, 3, 3, 4], be);
    const runT = (x: ReturnType<typeof tensor>) => grad(sum(conv2d_transpose(x, wt, null, { stride: 2, pad: 1, outH: 6, outW: 6 })), [x, wt]);
    const [tx0, tw0] = runT(tensor(xd.subarray(0, 2 * 3 * 3 * 3), [2, 3, 3, 3], { backend: be }));
    const [tx1, tw1] = runT(variable(xd.subarray(0, 2 * 3 * 3 * 3), [2, 3, 3, 3], be));
    expect(tx0).toBeNull();
    expect(tx1).not.toBeNull();
    expect(tw0!.data()).toEqual(tw1!.data());
    be.dispose();
  });
});

describe('conv layers', () => {
  it('Conv2d and ConvTranspose2d: parameter shapes, Glorot bounds, zero bias, the paper chains', async () => {
    const be = await createWasmBackend({ build: 'simd' });
    const params = new Params(be);
    const c1 = new Conv2d(params, 'c1', { inChannels: 1, outChannels: 32, kernel: 5, stride: 2, pad: 2 }, key(1));
    const c2 = new Conv2d(params, 'c2', { inChannels: 32, outChannels: 64, kernel: 5, stride: 2, pad: 2 }, key(2));
    const d1 = new ConvTranspose2d(params, 'd1', { inChannels: 64, outChannels: 128, kernel: 3, stride: 2, pad: 1 }, key(3));
    expect([...params.map.keys()]).toEqual(['c1.w', 'c1.b', 'c2.w', 'c2.b', 'd1.w', 'd1.b']);
    expect(c1.w.shape).toEqual([5, 5, 1, 32]);
    expect(d1.w.shape).toEqual([64, 3, 3, 128]);
    const bound = Math.sqrt(6 / (25 * 32 + 25 * 64));
    const w2 = c2.w.data();
    expect(Math.max(...w2.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w2.map(Math.abs))).toBeGreaterThan(0.95 * bound);
    expect([...c2.b.data()].every((v) => v === 0)).toBe(true);
    const h = c2.forward(c1.forward(tensor(fillRandom(2 * 784, 1, 0, 1), [2, 28, 28, 1], { backend: be })));
    expect(h.shape).toEqual([2, 7, 7, 64]);
    const z = tensor(fillRandom(2 * 64, 2), [2, 1, 1, 64], { backend: be });
    expect(d1.forward(z, [2, 2]).shape).toEqual([2, 2, 2, 128]);
    expect(d1.forward(z).shape).toEqual([2, 1, 1, 128]); // the smallest size: (1 − 1)·2 − 2 + 3
    // same key, same weights (Philox): a second collection gives identical bits
    const again = new Conv2d(new Params(be), 'c2', { inChannels: 32, outChannels: 64, kernel: 5, stride: 2, pad: 2 }, key(2));
    expect(again.w.data()).toEqual(w2);
    expect(() => new Conv2d(params, 'bad', { inChannels: 0, outChannels: 3, kernel: 3 }, key(4))).toThrow(/Conv2d: inChannels must be an integer > 0, found 0/);
    expect(() => new ConvTranspose2d(params, 'bad', { inChannels: 2, outChannels: 3, kernel: [3] as never }, key(4))).toThrow(/ConvTranspose2d: kernel must be a size k or \[kh, kw\], found \[3\]/);
    be.dispose();
  });
});

describe('conv ops: errors name the op, the argument, what was expected and what was found', () => {
  const be = BACKENDS[0];
  it('conv2d', async () => {
    const r = await be.make();
    const t = (shape: number[]) => tensor(new Float32Array(shape.reduce((a, d) => a * d, 1)), shape, { backend: r });
    const x = t([2, 8, 8, 3]), w = t([3, 3, 3, 4]);
    expect(() => conv2d(t([8, 8, 3]), w, null, { stride: 1, pad: 0 })).toThrow(/conv2d: x must be 4-D NHWC \[batch, height, width, channels\], found \[8,8,3\]/);
    expect(() => conv2d(x, t([3, 3, 4]), null, { stride: 1, pad: 0 })).toThrow(/conv2d: w must be 4-D \[kh, kw, inChannels, outChannels\], found \[3,3,4\]/);
    expect(() => conv2d(x, t([3, 3, 2, 4]), null, { stride: 1, pad: 0 })).toThrow(/conv2d: w must have 3 input channels like x \(w\[2\]\), found 2/);
    expect(() => conv2d(x, w, t([3]), { stride: 1, pad: 0 })).toThrow(/conv2d: b must be \[4\] \(one bias per output channel\) or null, found \[3\]/);
    expect(() => conv2d(x, w, null, { stride: 0, pad: 0 })).toThrow(ArgumentError);
    expect(() => conv2d(x, w, null, { stride: 1, pad: -1 })).toThrow(/conv2d: opts.pad must be an integer >= 0, found -1/);
    expect(() => conv2d(x, w, null, { stride: 1.5, pad: 0 })).toThrow(/conv2d: opts.stride must be an integer > 0, found 1.5/);
    expect(() => conv2d(x, t([9, 9, 3, 4]), null, { stride: 1, pad: 0 })).toThrow(/conv2d: the 9×9 kernel must fit the 8×8 image padded by 0/);
    expect(() => conv2d(x, w, null, undefined as never)).toThrow(/conv2d: opts must be/);
  });
  it('conv2d_transpose', async () => {
    const r = await be.make();
    const t = (shape: number[]) => tensor(new Float32Array(shape.reduce((a, d) => a * d, 1)), shape, { backend: r });
    const x = t([2, 2, 2, 4]), w = t([4, 3, 3, 5]);
    expect(() => conv2d_transpose(x, w, null, { stride: 2, pad: 1, outH: 5, outW: 4 })).toThrow(/conv2d_transpose: outH×outW must be a size that a 3×3 conv with stride 2, pad 1 maps to x's 2×2, found 5×4 \(it maps to 3×2\)/);
    expect(() => conv2d_transpose(x, t([5, 3, 3, 5]), null, { stride: 2, pad: 1, outH: 4, outW: 4 })).toThrow(/conv2d_transpose: w must have 4 input channels like x \(w\[0\]\), found 5/);
    expect(() => conv2d_transpose(x, w, t([4]), { stride: 2, pad: 1, outH: 4, outW: 4 })).toThrow(/conv2d_transpose: b must be \[5\]/);
    expect(() => conv2d_transpose(x, w, null, { stride: 2, pad: 1, outH: 0, outW: 4 })).toThrow(/conv2d_transpose: opts.outH must be an integer > 0, found 0/);
    expect(() => conv2d_transpose(x, w, null, { stride: 2, pad: 1 } as never)).toThrow(/conv2d_transpose: opts.outH must be an integer > 0, found undefined/);
    expect(conv2dTranspose).toBe(conv2d_transpose);
    // both output sizes a stride-2 conv maps to 2×2 are accepted
    expect(conv2d_transpose(x, w, null, { stride: 2, pad: 1, outH: 3, outW: 4 }).shape).toEqual([2, 3, 4, 5]);
  });
  it('ShapeError and ArgumentError are the classes thrown', async () => {
    const r = await be.make();
    const x = tensor(new Float32Array(16), [1, 4, 4, 1], { backend: r });
    expect(() => conv2d(x, tensor(new Float32Array(9), [3, 3, 2, 1], { backend: r }), null, { stride: 1, pad: 0 })).toThrow(ShapeError);
  });
});

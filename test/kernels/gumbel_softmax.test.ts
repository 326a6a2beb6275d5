// gumbel_softmax (the Gumbel-Softmax sample in one call) and gumbel_softmax_grad, on every backend:
// - bitwise equal to the unfused kernels on the same backend (random_gumbel, binary add, scale,
//   softmax; softmax_grad then scale): what makes the training step's numbers unchanged. The tfjs
//   adapter, which builds both from tf ops, within its floatPrecision;
// - against ref, k ∈ {1,2,3,4,5,8,10,17} and rows 0…33 (n below, at and above the random kernel's
//   16-element SIMD block and the softmax's 4 lanes), logits within ±80. The noise of the SIMD
//   builds is within 9.6e−7 of ref's (random.ts) and τ = 0.7 scales that by 1/τ: atol 1e−5;
// - the op: gumbelSoftmax(l, key, τ, k) and its gradient (kernel rule and recorded createGraph rule)
//   equal softmax(scale(add(l, gumbel(key, …)), 1/τ), k) and its gradient, bitwise.
// The gradient against finite differences: test/autograd/grads.test.ts.
import { describe, expect, it } from 'vitest';
import { createWasmBackend } from '../../src/backends/wasm/index.js';
import type { Backend } from '../../src/backend.js';
import { Bcast, type Buf } from '../../src/kernels.js';
import * as ops from '../../src/ops.js';
import { key } from '../../src/random/key.js';
import { BACKENDS } from '../harness/backends.js';
import { GROUP_K, ULP, compareWithRef, expectFusedOpBitwise, expectSameBits, fillRandom, groupedCases, maxAbs, runKernel, withGroupNaN } from './support.js';

const INV_TAU = 1 / 0.7, K0 = 12345, K1 = -678;

/** The unfused forward, in place on y as the fused kernel runs it. */
function chain(b: Backend, l: Buf, y: Buf, rows: number, k: number): void {
  const n = rows * k;
  b.random_gumbel(y, n, K0, K1);
  b.binary('add', l, y, y, n, 1, Bcast.None);
  b.scale(y, y, n, INV_TAU, 0);
  b.softmax(y, y, rows, k);
}

describe('gumbel_softmax', () => {
  for (const { label, make } of BACKENDS) {
    it(`${label}: the unfused kernels' bits, forward and backward, k ∈ {${GROUP_K}}, rows 0…33, logits to ±1e4 and NaN`, async () => {
      const be = await make();
      for (const { rows, k, lo, hi, seed } of groupedCases()) {
        const n = rows * k, l = withGroupNaN(fillRandom(n, seed, lo, hi), k), dy = fillRandom(n, seed + 500, -2, 2);
        const [y] = runKernel(be, [l], [n], (b, [bl], [by]) => b.gumbel_softmax(bl, by, rows, k, INV_TAU, K0, K1));
        const [want] = runKernel(be, [l], [n], (b, [bl], [by]) => chain(b, bl, by, rows, k));
        expectSameBits(`${label} [${rows},${k}] forward`, be, y, want);
        const y32 = Float32Array.from(y);
        const [dl] = runKernel(be, [y32, dy], [n], (b, [by, bg], [bd]) => b.gumbel_softmax_grad(by, bg, bd, rows, k, INV_TAU));
        const [dwant] = runKernel(be, [y32, dy], [n], (b, [by, bg], [bd]) => {
          b.softmax_grad(by, bg, bd, rows, k);
          b.scale(bd, bd, n, INV_TAU, 0);
        });
        expectSameBits(`${label} [${rows},${k}] backward`, be, dl, dwant);
      }
    });

    if (label === 'ref') continue;
    it(`${label}: against ref, logits within ±80`, async () => {
      const be = await make();
      for (const { rows, k, lo, hi, seed } of groupedCases()) {
        if (hi > 100) continue;
        const n = rows * k, l = fillRandom(n, seed, lo, hi), dy = fillRandom(n, seed + 500, -2, 2);
        compareWithRef(`${label} [${rows},${k}] forward`, be, [l], [n], (b, [bl], [by]) => b.gumbel_softmax(bl, by, rows, k, INV_TAU, K0, K1), { atol: 1e-5, rtol: 8 * ULP });
        const y = fillRandom(n, seed + 900, 0, 1);
        compareWithRef(`${label} [${rows},${k}] backward`, be, [y, dy], [n], (b, [by, bg], [bd]) => b.gumbel_softmax_grad(by, bg, bd, rows, k, INV_TAU), { atol: INV_TAU * (k + 4) * ULP * maxAbs(dy) + 1e-30, rtol: 8 * ULP });
      }
    });
  }

  for (const build of ['scalar', 'relaxed'] as const) {
    it(`op on wasm-${build}: gumbelSoftmax and its gradient (both rules) are bitwise the unfused ops'`, async () => {
      const be = await createWasmBackend({ build });
      const l = ops.variable(fillRandom(6 * 30, 3, -4, 4), [6, 30], be), w = ops.tensor(fillRandom(180, 4), [6, 30], { backend: be });
      const kk = key(7), tau = 0.37;
      const fused = () => ops.gumbelSoftmax(l, kk, tau, 10);
      const unfused = () => ops.softmax(ops.scale(ops.add(l, ops.gumbel(kk, l.shape, be)), 1 / tau), 10);
      expectFusedOpBitwise(l, w, fused, unfused);
      be.resetScratch();
    });
  }

  it('validates its arguments', async () => {
    const be = await createWasmBackend({ build: 'simd' });
    const l = ops.tensor(fillRandom(12, 1), [2, 6], { backend: be });
    expect(() => ops.gumbelSoftmax(l, key(1), 0)).toThrow(/gumbelSoftmax: tau must be a finite number > 0, found 0/);
    expect(() => ops.gumbelSoftmax(l, key(1), 1, 4)).toThrow(/gumbelSoftmax: the last dimension \(6\) must be a multiple of the group size k = 4/);
    expect(() => ops.gumbelSoftmax(l, [1] as never, 1)).toThrow(/gumbelSoftmax: key must be a Key/);
  });
});

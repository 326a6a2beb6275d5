// gumbel_sigmoid (the relaxed Bernoulli / BinConcrete sample in one call) and gumbel_sigmoid_grad,
// on every backend:
// - bitwise equal to the unfused kernels on the same backend (random_logistic, binary add, scale,
//   unary sigmoid; unary_grad sigmoid then scale), the tfjs adapter within its floatPrecision;
// - against ref at n 0…1031 (below, at and above the random kernel's 16-element block and 4 lanes),
//   logits within ±80: the SIMD noise is within 9.6e−7 of ref's, times 1/τ = 2.5: atol 4e−6;
// - the op: gumbelSigmoid(l, key, τ) and its gradient (both rules) equal sigmoid(scale(add(l,
//   logistic(key, …)), 1/τ)) and its gradient, bitwise.
// The gradient against finite differences: test/autograd/grads.test.ts.
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend.js';
import { createWasmBackend } from '../../src/backends/wasm/index.js';
import { Bcast, type Buf } from '../../src/kernels.js';
import * as ops from '../../src/ops.js';
import { key } from '../../src/random/key.js';
import { BACKENDS } from '../harness/backends.js';
import { sizeSweep } from '../harness/check_kernel.js';
import { ULP, compareWithRef, expectFusedOpBitwise, expectSameBits, fillRandom, maxAbs, runKernel, withNaN } from './support.js';

const INV_TAU = 1 / 0.4, K0 = 987, K1 = 65;

/** The unfused forward, in place on y as the fused kernel runs it. */
function chain(b: Backend, l: Buf, y: Buf, n: number): void {
  b.random_logistic(y, n, K0, K1);
  b.binary('add', l, y, y, n, 1, Bcast.None);
  b.scale(y, y, n, INV_TAU, 0);
  b.unary('sigmoid', y, y, n);
}

describe('gumbel_sigmoid', () => {
  for (const { label, make } of BACKENDS) {
    it(`${label}: the unfused kernels' bits, forward and backward, n 0…1031, logits to ±1e4 and NaN`, async () => {
      const be = await make();
      for (const n of sizeSweep(16)) {
        for (const [lo, hi] of [[-3, 3], [-1e4, 1e4]]) {
          const l = withNaN(fillRandom(n, n + 1, lo, hi)), dy = fillRandom(n, n + 2, -2, 2);
          const [y] = runKernel(be, [l], [n], (b, [bl], [by]) => b.gumbel_sigmoid(bl, by, n, INV_TAU, K0, K1));
          const [want] = runKernel(be, [l], [n], (b, [bl], [by]) => chain(b, bl, by, n));
          expectSameBits(`${label} n=${n} forward`, be, y, want);
          const y32 = Float32Array.from(y);
          const [dl] = runKernel(be, [y32, dy], [n], (b, [by, bg], [bd]) => b.gumbel_sigmoid_grad(by, bg, bd, n, INV_TAU));
          const [dwant] = runKernel(be, [y32, dy], [n], (b, [by, bg], [bd]) => {
            b.unary_grad('sigmoid', by, by, bg, bd, n);
            b.scale(bd, bd, n, INV_TAU, 0);
          });
          expectSameBits(`${label} n=${n} backward`, be, dl, dwant);
        }
      }
    });

    if (label === 'ref') continue;
    it(`${label}: against ref, logits within ±80`, async () => {
      const be = await make();
      for (const n of sizeSweep(16)) {
        const l = fillRandom(n, n + 3, -80, 80), y = fillRandom(n, n + 4, 0, 1), dy = fillRandom(n, n + 5, -2, 2);
        compareWithRef(`${label} n=${n} forward`, be, [l], [n], (b, [bl], [by]) => b.gumbel_sigmoid(bl, by, n, INV_TAU, K0, K1), { atol: 4e-6, rtol: 8 * ULP });
        compareWithRef(`${label} n=${n} backward`, be, [y, dy], [n], (b, [by, bg], [bd]) => b.gumbel_sigmoid_grad(by, bg, bd, n, INV_TAU), { atol: INV_TAU * 4 * ULP * maxAbs(dy) + 1e-30, rtol: 8 * ULP });
      }
    });
  }

  for (const build of ['scalar', 'relaxed'] as const) {
    it(`op on wasm-${build}: gumbelSigmoid and its gradient (both rules) are bitwise the unfused ops'`, async () => {
      const be = await createWasmBackend({ build });
      const l = ops.variable(fillRandom(5 * 37, 3, -4, 4), [5, 37], be), w = ops.tensor(fillRandom(185, 4), [5, 37], { backend: be });
      const kk = key(8), tau = 0.61;
      const fused = () => ops.gumbelSigmoid(l, kk, tau);
      const unfused = () => ops.sigmoid(ops.scale(ops.add(l, ops.logistic(kk, l.shape, be)), 1 / tau));
      expectFusedOpBitwise(l, w, fused, unfused);
      be.resetScratch();
    });
  }

  it('validates its arguments', async () => {
    const l = ops.tensor(fillRandom(12, 1), [2, 6], { backend: await createWasmBackend({ build: 'simd' }) });
    expect(() => ops.gumbelSigmoid(l, key(1), -1)).toThrow(/gumbelSigmoid: tau must be a finite number > 0, found -1/);
    expect(() => ops.gumbelSigmoid(l, 'k' as never, 1)).toThrow(/gumbelSigmoid: key must be a Key/);
  });
});

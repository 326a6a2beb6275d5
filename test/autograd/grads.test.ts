// Every gradient rule in src/autograd/grads.ts against central finite differences in f64.
import { describe, it } from 'vitest';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { GRADS } from '../../src/autograd/grads.js';
import * as ops from '../../src/ops.js';
import { key } from '../../src/random/key.js';
import { expect } from 'vitest';
import { fillRandom } from '../harness/check_kernel.js';
import { gradcheck } from '../harness/gradcheck.js';

const be = createRefBackend({ f64: true });
const r = (shape: number[], seed: number, lo = -2, hi = 2) => ({ shape, data: fillRandom(shape.reduce((a, b) => a * b, 1), seed, lo, hi) });

describe('gradient rules (f64 finite differences on ref)', () => {
  it('covers every rule in the table', () => {
    expect(Object.keys(GRADS).sort()).toEqual(
      ['binary', 'conv2d', 'conv2d_transpose', 'gumbel_sigmoid', 'gumbel_softmax', 'kl_bernoulli', 'kl_categorical', 'linear', 'log_softmax', 'logsumexp', 'matmul', 'reshape', 'scale', 'sigmoid_xent', 'sigmoid_xent_rows', 'softmax', 'sum', 'unary'].sort(),
    );
  });

  for (const op of ['neg', 'abs', 'square', 'relu', 'sigmoid', 'tanh', 'softplus', 'exp'] as const) {
    it(`unary ${op}`, () => gradcheck(be, (x) => ops[op](x), [r([3, 5], 1)]));
  }
  it('unary sqrt and log (positive domain)', () => {
    gradcheck(be, ops.sqrt, [r([7], 2, 0.5, 3)]);
    gradcheck(be, ops.log, [r([7], 3, 0.5, 3)]);
  });
  it('scale', () => gradcheck(be, (x) => ops.scale(x, -1.5, 2), [r([4], 4)]));
  it('reshape', () => gradcheck(be, (x) => ops.tanh(ops.reshape(x, [6, 2])), [r([3, 4], 5)]));

  for (const op of ['add', 'sub', 'mul', 'div'] as const) {
    it(`binary ${op}: same shape, row, column and scalar broadcast`, () => {
      const a = r([3, 4], 6), pos = (s: number[], seed: number) => r(s, seed, 0.5, 2);
      gradcheck(be, ops[op], [a, pos([3, 4], 7)]);
      gradcheck(be, ops[op], [a, pos([4], 8)]);
      gradcheck(be, ops[op], [a, pos([3, 1], 9)]);
      gradcheck(be, ops[op], [a, pos([1], 10)]);
    });
  }

  it('sum: all, axis 0, last axis', () => {
    gradcheck(be, (x) => ops.sum(x), [r([3, 4], 11)]);
    gradcheck(be, (x) => ops.sum(x, 0), [r([3, 4], 12)]);
    gradcheck(be, (x) => ops.sum(x, -1), [r([2, 3, 4], 13)]);
  });

  it('matmul in all three forms', () => {
    gradcheck(be, (a, b) => ops.matmul(a, b), [r([3, 5], 14), r([5, 2], 15)]);
    gradcheck(be, (a, b) => ops.matmul(a, b, { transA: true }), [r([5, 3], 16), r([5, 2], 17)]);
    gradcheck(be, (a, b) => ops.matmul(a, b, { transB: true }), [r([3, 5], 18), r([2, 5], 19)]);
  });

  it('linear with and without bias', () => {
    gradcheck(be, (x, w, b) => ops.linear(x, w, b), [r([3, 4], 20), r([4, 5], 21), r([5], 22)]);
    gradcheck(be, (x, w) => ops.linear(x, w), [r([3, 4], 23), r([4, 5], 24)]);
  });

  it('conv2d: x, w and b; stride 1 and 2, pad 0 to 2, with and without bias', () => {
    gradcheck(be, (x, w, b) => ops.conv2d(x, w, b, { stride: 1, pad: 1 }), [r([2, 4, 5, 3], 40), r([3, 3, 3, 2], 41), r([2], 42)]);
    gradcheck(be, (x, w, b) => ops.conv2d(x, w, b, { stride: 2, pad: 2 }), [r([1, 5, 6, 5], 43), r([3, 2, 5, 3], 44), r([3], 45)]);
    gradcheck(be, (x, w) => ops.conv2d(x, w, null, { stride: 2, pad: 0 }), [r([2, 5, 5, 1], 46), r([3, 3, 1, 4], 47)]);
  });

  it('conv2d_transpose: x, w and b; both output sizes of a stride-2 layer, with and without bias', () => {
    gradcheck(be, (x, w, b) => ops.conv2d_transpose(x, w, b, { stride: 2, pad: 1, outH: 4, outW: 3 }), [r([2, 2, 2, 3], 48), r([3, 3, 3, 2], 49), r([2], 50)]);
    gradcheck(be, (x, w, b) => ops.conv2d_transpose(x, w, b, { stride: 1, pad: 0, outH: 4, outW: 5 }), [r([1, 2, 4, 5], 51), r([5, 3, 2, 3], 52), r([3], 53)]);
    gradcheck(be, (x, w) => ops.conv2d_transpose(x, w, null, { stride: 2, pad: 2, outH: 4, outW: 5 }), [r([1, 2, 3, 2], 54), r([2, 5, 4, 3], 55)]);
  });

  it('the fused relaxed samples gumbelSoftmax and gumbelSigmoid (fixed noise of one key)', () => {
    gradcheck(be, (x) => ops.gumbelSoftmax(x, key(5), 0.7, 3), [r([2, 6], 26)]);
    gradcheck(be, (x) => ops.gumbelSigmoid(x, key(6), 1.3), [r([3, 5], 27)]);
  });
  it('softmax, logSoftmax, logsumexp over groups', () => {
    gradcheck(be, (x) => ops.softmax(x, 3), [r([2, 6], 25)]);
    gradcheck(be, (x) => ops.logSoftmax(x, 3), [r([2, 6], 26)]);
    gradcheck(be, (x) => ops.logsumexp(x, 3), [r([2, 6], 27)]);
  });

  it('klCategorical and klBernoulli, both arguments', () => {
    gradcheck(be, (q, p) => ops.klCategorical(q, p, 4), [r([2, 8], 28), r([2, 8], 29)]);
    gradcheck(be, ops.klBernoulli, [r([5], 30), r([5], 31)]);
  });

  it('sigmoidCrossEntropyRows: logits and targets (repeat 1), logits (repeat 3)', () => {
    gradcheck(be, (l, t) => ops.sigmoidCrossEntropyRows(l, t), [r([3, 5], 34, -4, 4), r([3, 5], 35, 0, 1)]);
    const t = ops.tensor(fillRandom(10, 36, 0, 1), [2, 5], { backend: be });
    gradcheck(be, (l) => ops.sigmoidCrossEntropyRows(l, t, 3), [r([6, 5], 37, -4, 4)]);
  });
  it('sigmoidCrossEntropy, logits and targets', () => {
    gradcheck(be, ops.sigmoidCrossEntropy, [r([6], 32, -4, 4), r([6], 33, 0, 1)]);
  });
});

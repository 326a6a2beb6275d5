// One gradient rule per recorded op: given the output's cotangent dy, the inputs, the output and
// the op's attributes, return one cotangent per input (null: none). Rules run with recording off
// and use public ops, plus the backward kernels of the catalogue (never recorded). Under
// grad(..., { createGraph: true }) they run with recording on (recording() is true): a rule with a
// backward kernel then uses the same formula in recorded ops, so it can be differentiated again;
// abs and relu keep the kernel's 0/±1 mask as a constant (their second derivative is 0 a.e.).
import type { Backend } from '../backend.js';
import { Bcast } from '../kernels.js';
import { GumbelError } from '../errors.js';
import type { UnaryOp } from '../kernels.js';
import { add, div, exp, full, matmul, mul, neg, reshape, scale, sigmoid, softmax, square, sub, sum } from '../ops.js';
import { Tensor } from '../tensor.js';
import { type GradTable, recording, recordCustom, wantsGrad } from './tape.js';

/** A fresh scratch tensor (like's shape, or `shape`) on like's backend, filled by one backward kernel. */
function kernel(like: Tensor, fill: (be: Backend, y: Tensor) => void, shape: readonly number[] = like.shape): Tensor {
  const be = like.backend;
  const y = new Tensor(be, be.alloc(shape.reduce((a, d) => a * d, 1), false), shape, false);
  fill(be, y);
  return y;
}

/** Sums a cotangent of a's shape down to b's shape, undoing the broadcast of a binary op. */
function unbroadcast(d: Tensor, b: Tensor, rows: number, cols: number, mode: Bcast): Tensor {
  if (mode === Bcast.None) return d;
  if (mode === Bcast.Scalar) return reshape(sum(d), b.shape);
  const r = reshape(d, [rows, cols]);
  return reshape(mode === Bcast.Row ? sum(r, 0) : sum(r, -1), b.shape);
}

/** dy (of shape `small`) broadcast back to x's shape: zeros(x) + dy along the reduced axes. */
function expand(dy: Tensor, x: Tensor, axis: 'all' | 0 | -1): Tensor {
  const zeros = full(x.shape, 0, { backend: x.backend });
  if (axis === 'all') return add(zeros, reshape(dy, [1]));
  if (axis === 0) return add(zeros, dy);
  return add(zeros, reshape(dy, [...x.shape.slice(0, -1), 1]));
}

/** f′(x) in recorded ops, given y = f(x) (unary_grad's formulas); null for abs and relu, whose f′ is a constant mask. */
function derivative(op: UnaryOp, x: Tensor, y: Tensor): Tensor | null {
  switch (op) {
    case 'neg': return full(x.shape, -1, { backend: x.backend });
    case 'square': return scale(x, 2);
    case 'sqrt': return div(full(x.shape, 0.5, { backend: x.backend }), y);
    case 'sigmoid': return mul(y, scale(y, -1, 1));
    case 'tanh': return scale(square(y), -1, 1);
    case 'softplus': return sigmoid(x);
    case 'exp': return y;
    case 'log': return div(full(x.shape, 1, { backend: x.backend }), x);
    default: return null;
  }
}

/** Sums v [.., n·k] over each group of k, broadcast back to v's shape. */
function groupSum(v: Tensor, k: number): Tensor {
  const rows = v.size / k;
  return reshape(add(full([rows, k], 0, { backend: v.backend }), reshape(sum(reshape(v, [rows, k]), -1), [rows, 1])), v.shape);
}

/** Under createGraph, a kernel-only rule's outputs get a node that refuses a further derivative. */
function firstOrderOnly(name: string, inputs: readonly (Tensor | null)[], outs: (Tensor | null)[]): (Tensor | null)[] {
  if (!recording()) return outs;
  const ins = inputs.filter((t): t is Tensor => t !== null);
  for (const o of outs) {
    if (o) recordCustom(ins, o, () => { throw new GumbelError(`grad: the gradient rule of ${name} is not twice differentiable; a second derivative through it is not supported`); });
  }
  return outs;
}

export const GRADS: GradTable = {
  reshape: (dy, [x]) => [reshape(dy, x.shape)],

  // d/dx f(x) per op: see unary_grad in src/kernels.ts
  unary: (dy, [x], y, { op }) => {
    if (!recording()) return [kernel(x, (be, dx) => be.unary_grad(op, x.buf, y.buf, dy.buf, dx.buf, x.size))];
    const ones = full(x.shape, 1, { backend: x.backend });
    return [mul(dy, derivative(op, x, y) ?? kernel(x, (be, m) => be.unary_grad(op, x.buf, y.buf, ones.buf, m.buf, x.size)))];
  },

  // d(αx + β)/dx = α
  scale: (dy, _x, _y, { alpha }) => [scale(dy, alpha)],

  // add: (dy, Σdy); sub: (dy, −Σdy); mul: (dy·b, Σ dy·a); div: (dy/b, −Σ dy·y/b). Σ undoes the broadcast.
  // An input whose cotangent grad() does not want gets null (wantsGrad): its work is skipped.
  binary: (dy, [a, b], y, { op, rows, cols, mode }) => {
    const un = (d: () => Tensor) => (wantsGrad(b) ? unbroadcast(d(), b, rows, cols, mode) : null);
    const da = (d: () => Tensor) => (wantsGrad(a) ? d() : null);
    switch (op) {
      case 'add': return [da(() => dy), un(() => dy)];
      case 'sub': return [da(() => dy), un(() => neg(dy))];
      case 'mul': return [da(() => mul(dy, b)), un(() => mul(dy, a))];
      case 'div': return [da(() => div(dy, b)), un(() => neg(div(mul(dy, y), b)))];
      default: throw new Error(`grad: binary '${op}' is not differentiable`);
    }
  },

  // d Σx / dx = 1, broadcast back over the reduced axes
  sum: (dy, [x], _y, { axis }) => [expand(dy, x, axis)],

  // C = A·B: dA = dC·Bᵀ, dB = Aᵀ·dC.  C = A·Bᵀ: dA = dC·B, dB = dCᵀ·A.  C = Aᵀ·B: dA = B·dCᵀ, dB = A·dC.
  matmul: (dy, [a, b], _y, { transA, transB }) => {
    if (transA && transB) throw new Error('grad: matmul with transA and transB is not differentiable');
    const [wa, wb] = [wantsGrad(a), wantsGrad(b)];
    if (transB) return [wa ? matmul(dy, b) : null, wb ? matmul(dy, a, { transA: true }) : null];
    if (transA) return [wa ? matmul(b, dy, { transB: true }) : null, wb ? matmul(a, dy) : null];
    return [wa ? matmul(dy, b, { transB: true }) : null, wb ? matmul(a, dy, { transA: true }) : null];
  },

  // y = x·w + b: dx = dy·wᵀ, dw = xᵀ·dy, db = Σ_rows dy
  linear: (dy, [x, w, bias]) => [
    wantsGrad(x) ? matmul(dy, w, { transB: true }) : null,
    wantsGrad(w) ? matmul(x, dy, { transA: true }) : null,
    bias && wantsGrad(bias) ? sum(dy, 0) : null,
  ],

  // y = cols·W + b with cols = im2col(x): dW = colsᵀ·dy, db = Σ_rows dy, dx = col2im(dy·Wᵀ) (col2im is im2col's adjoint).
  // dx is skipped when x wants no gradient (a first layer on data: the largest product of the backward pass).
  conv2d: (dy, [x, w, bias], _y, { g, cols }) => {
    const cout = w.shape[3], d2 = reshape(dy, [dy.size / cout, cout]), w2 = reshape(w, [w.size / cout, cout]);
    const dx = wantsGrad(x)
      ? kernel(x, (be, d) => be.col2im(matmul(d2, w2, { transB: true }).buf, d.buf, g.n, g.h, g.w, g.c, g.kh, g.kw, g.stride, g.pad, g.ho, g.wo))
      : null;
    return firstOrderOnly('conv2d', [dy, x, w], [dx, wantsGrad(w) ? reshape(matmul(cols, d2, { transA: true }), w.shape) : null, bias && wantsGrad(bias) ? sum(d2, 0) : null]);
  },

  // y = col2im(x·W) + b: with dcols = im2col(dy), dx = dcols·Wᵀ, dW = xᵀ·dcols, db = Σ_rows dy
  conv2d_transpose: (dy, [x, w, bias], _y, { g }) => {
    const cin = w.shape[0], kk = w.size / cin, rows = x.size / cin, cout = w.shape[3];
    const dcols = kernel(dy, (be, d) => be.im2col(dy.buf, d.buf, g.n, g.h, g.w, g.c, g.kh, g.kw, g.stride, g.pad, g.ho, g.wo), [rows, kk]);
    const w2 = reshape(w, [cin, kk]), x2 = reshape(x, [rows, cin]);
    return firstOrderOnly('conv2d_transpose', [dy, x, w], [
      wantsGrad(x) ? reshape(matmul(dcols, w2, { transB: true }), x.shape) : null,
      wantsGrad(w) ? reshape(matmul(x2, dcols, { transA: true }), w.shape) : null,
      bias && wantsGrad(bias) ? sum(reshape(dy, [dy.size / cout, cout]), 0) : null,
    ]);
  },

  // dx = y ⊙ (dy − Σ dy⊙y)
  softmax: (dy, [x], y, { k }) => [recording() ? mul(y, sub(dy, groupSum(mul(dy, y), k))) : kernel(x, (be, dx) => be.softmax_grad(y.buf, dy.buf, dx.buf, x.size / k, k))],

  // dx = dy − softmax(x)·Σdy
  log_softmax: (dy, [x], y, { k }) => [recording() ? sub(dy, mul(exp(y), groupSum(dy, k))) : kernel(x, (be, dx) => be.log_softmax_grad(y.buf, dy.buf, dx.buf, x.size / k, k))],

  // d lse(x)/dx = softmax(x), times the group's cotangent
  logsumexp: (dy, [x], _y, { k }) => {
    const rows = x.size / k;
    return [reshape(mul(reshape(softmax(x, k), [rows, k]), reshape(dy, [rows, 1])), x.shape)];
  },

  // dlq = dy·q(log q − log p − KL), dlp = dy·(p − q)
  kl_categorical: (dy, [lq, lp], _y, { k }) => {
    const dlp = kernel(lp, () => {});
    const dlq = kernel(lq, (be, d) => be.kl_categorical_grad(lq.buf, lp.buf, dy.buf, d.buf, dlp.buf, lq.size / k, k));
    return firstOrderOnly('kl_categorical', [dy, lq, lp], [dlq, dlp]);
  },

  // da = dy·σ(a)σ(−a)(a − b), db = dy·(σ(b) − σ(a))
  kl_bernoulli: (dy, [a, b]) => {
    const db = kernel(b, () => {});
    const da = kernel(a, (be, d) => be.kl_bernoulli_grad(a.buf, b.buf, dy.buf, d.buf, db.buf, a.size));
    return firstOrderOnly('kl_bernoulli', [dy, a, b], [da, db]);
  },

  // y[i] = Σ_j softplus(l[i,j]) − t[⌊i/s⌋,j]·l[i,j]: dl[i,j] = dy[i]·(σ(l[i,j]) − t[⌊i/s⌋,j]); dt = −dy·l (s = 1 only)
  sigmoid_xent_rows: (dy, [l, t], _y, { s }) => {
    const [rows, cols] = l.shape, dyc = reshape(dy, [rows, 1]);
    if (wantsGrad(t) && s !== 1) throw new GumbelError(`grad: sigmoidCrossEntropyRows has no gradient for targets shared by repeat = ${s} rows (only for repeat 1)`);
    const dt = wantsGrad(t) ? neg(mul(l, dyc)) : null;
    if (!wantsGrad(l)) return [null, dt];
    if (recording() && s === 1) return [mul(sub(sigmoid(l), t), dyc), dt];
    return firstOrderOnly('sigmoid_xent_rows', [dy, l, t], [kernel(l, (be, d) => be.sigmoid_xent_rows_grad(l.buf, t.buf, dy.buf, d.buf, rows, cols, s)), dt]);
  },

  // y = softmax(invTau·(l + g)): dl = invTau·y ⊙ (dy − Σ dy⊙y) (the softmax rule, then the scale rule)
  gumbel_softmax: (dy, [l], y, { k, invTau }) => [
    recording() ? scale(mul(y, sub(dy, groupSum(mul(dy, y), k))), invTau) : kernel(l, (be, dl) => be.gumbel_softmax_grad(y.buf, dy.buf, dl.buf, l.size / k, k, invTau)),
  ],

  // y = σ(invTau·(l + L)): dl = invTau·dy·y(1 − y)
  gumbel_sigmoid: (dy, [l], y, { invTau }) => [
    recording() ? scale(mul(dy, derivative('sigmoid', l, y)!), invTau) : kernel(l, (be, dl) => be.gumbel_sigmoid_grad(y.buf, dy.buf, dl.buf, l.size, invTau)),
  ],

  // d/dl (softplus(l) − t·l) = σ(l) − t;  d/dt = −l
  sigmoid_xent: (dy, [l, t]) => [
    !wantsGrad(l) ? null : recording() ? mul(dy, sub(sigmoid(l), t)) : kernel(l, (be, d) => be.sigmoid_xent_grad(l.buf, t.buf, dy.buf, d.buf, l.size)),
    wantsGrad(t) ? neg(mul(dy, l)) : null,
  ],
};


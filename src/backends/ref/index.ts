// The `ref` backend: plain TypeScript loops over Float32Arrays, computed in f64 and rounded on
// store. It is the specification every other backend is tested against, and runs anywhere.
import type { Backend } from '../../backend.js';
import type { Buf, F, Kernels } from '../../kernels.js';
import { adam } from './kernels/adam.js';
import { argmax_onehot } from './kernels/argmax_onehot.js';
import { binary } from './kernels/binary.js';
import { col2im } from './kernels/col2im.js';
import { fill } from './kernels/fill.js';
import { gumbel_sigmoid } from './kernels/gumbel_sigmoid.js';
import { gumbel_sigmoid_grad } from './kernels/gumbel_sigmoid_grad.js';
import { gumbel_softmax } from './kernels/gumbel_softmax.js';
import { gumbel_softmax_grad } from './kernels/gumbel_softmax_grad.js';
import { im2col } from './kernels/im2col.js';
import { kl_bernoulli } from './kernels/kl_bernoulli.js';
import { kl_bernoulli_grad } from './kernels/kl_bernoulli_grad.js';
import { kl_categorical } from './kernels/kl_categorical.js';
import { kl_categorical_grad } from './kernels/kl_categorical_grad.js';
import { log_softmax } from './kernels/log_softmax.js';
import { log_softmax_grad } from './kernels/log_softmax_grad.js';
import { logsumexp } from './kernels/logsumexp.js';
import { matmul } from './kernels/matmul.js';
import { bernoulli_sample, random_gumbel, random_logistic, random_uniform } from './kernels/random.js';
import { reduce_sum } from './kernels/reduce_sum.js';
import { scale } from './kernels/scale.js';
import { sgd_momentum } from './kernels/sgd_momentum.js';
import { sigmoid_xent } from './kernels/sigmoid_xent.js';
import { sigmoid_xent_grad } from './kernels/sigmoid_xent_grad.js';
import { sigmoid_xent_rows } from './kernels/sigmoid_xent_rows.js';
import { sigmoid_xent_rows_grad } from './kernels/sigmoid_xent_rows_grad.js';
import { softmax } from './kernels/softmax.js';
import { softmax_grad } from './kernels/softmax_grad.js';
import { sparse_matmul } from './kernels/sparse_matmul.js';
import { unary } from './kernels/unary.js';
import { unary_grad } from './kernels/unary_grad.js';

class RefBuf implements Buf {
  constructor(readonly data: F) {}
  get size(): number {
    return this.data.length;
  }
}

const d = (b: Buf): F => (b as RefBuf).data;

/** Kernel bindings: unwrap buffers, call the loop. */
const kernels: Kernels = {
  fill: (y, n, v) => fill(d(y), n, v),
  scale: (x, y, n, a, b) => scale(d(x), d(y), n, a, b),
  unary: (op, x, y, n) => unary(op, d(x), d(y), n),
  unary_grad: (op, x, y, dy, dx, n) => unary_grad(op, d(x), d(y), d(dy), d(dx), n),
  binary: (op, a, b, y, r, c, bc) => binary(op, d(a), d(b), d(y), r, c, bc),
  reduce_sum: (x, y, r, c, axis) => reduce_sum(d(x), d(y), r, c, axis),
  matmul: (a, b, c, m, k, n, ta, tb, acc, bias) => matmul(d(a), d(b), d(c), m, k, n, ta, tb, acc, bias && d(bias)),
  sparse_matmul: (a, b, c, m, k, n, bias) => sparse_matmul(d(a), d(b), d(c), m, k, n, bias && d(bias)),
  im2col: (x, cols, n, h, w, c, kh, kw, s, pad, ho, wo) => im2col(d(x), d(cols), n, h, w, c, kh, kw, s, pad, ho, wo),
  col2im: (cols, x, n, h, w, c, kh, kw, s, pad, ho, wo) => col2im(d(cols), d(x), n, h, w, c, kh, kw, s, pad, ho, wo),
  softmax: (x, y, r, k) => softmax(d(x), d(y), r, k),
  softmax_grad: (y, dy, dx, r, k) => softmax_grad(d(y), d(dy), d(dx), r, k),
  log_softmax: (x, y, r, k) => log_softmax(d(x), d(y), r, k),
  log_softmax_grad: (y, dy, dx, r, k) => log_softmax_grad(d(y), d(dy), d(dx), r, k),
  logsumexp: (x, y, r, k) => logsumexp(d(x), d(y), r, k),
  sigmoid_xent: (l, t, y, n) => sigmoid_xent(d(l), d(t), d(y), n),
  sigmoid_xent_grad: (l, t, dy, dl, n) => sigmoid_xent_grad(d(l), d(t), d(dy), d(dl), n),
  sigmoid_xent_rows: (l, t, y, r, c, s) => sigmoid_xent_rows(d(l), d(t), d(y), r, c, s),
  sigmoid_xent_rows_grad: (l, t, dy, dl, r, c, s) => sigmoid_xent_rows_grad(d(l), d(t), d(dy), d(dl), r, c, s),
  kl_categorical: (q, p, y, r, k) => kl_categorical(d(q), d(p), d(y), r, k),
  kl_categorical_grad: (q, p, dy, dq, dp, r, k) => kl_categorical_grad(d(q), d(p), d(dy), d(dq), d(dp), r, k),
  kl_bernoulli: (a, b, y, n) => kl_bernoulli(d(a), d(b), d(y), n),
  kl_bernoulli_grad: (a, b, dy, da, db, n) => kl_bernoulli_grad(d(a), d(b), d(dy), d(da), d(db), n),
  random_uniform: (y, n, k0, k1) => random_uniform(d(y), n, k0, k1),
  random_gumbel: (y, n, k0, k1) => random_gumbel(d(y), n, k0, k1),
  random_logistic: (y, n, k0, k1) => random_logistic(d(y), n, k0, k1),
  bernoulli_sample: (l, y, n, k0, k1) => bernoulli_sample(d(l), d(y), n, k0, k1),
  gumbel_softmax: (l, y, r, k, a, k0, k1) => gumbel_softmax(d(l), d(y), r, k, a, k0, k1),
  gumbel_softmax_grad: (y, dy, dl, r, k, a) => gumbel_softmax_grad(d(y), d(dy), d(dl), r, k, a),
  gumbel_sigmoid: (l, y, n, a, k0, k1) => gumbel_sigmoid(d(l), d(y), n, a, k0, k1),
  gumbel_sigmoid_grad: (y, dy, dl, n, a) => gumbel_sigmoid_grad(d(y), d(dy), d(dl), n, a),
  argmax_onehot: (x, y, r, k) => argmax_onehot(d(x), d(y), r, k),
  sgd_momentum: (p, g, v, n, lr, mu) => sgd_momentum(d(p), d(g), d(v), n, lr, mu),
  adam: (p, g, m, v, n, lr, b1, b2, eps, t) => adam(d(p), d(g), d(m), d(v), n, lr, b1, b2, eps, t),
};

/** `f64: true` stores Float64Array buffers: the gradient checks' finite differences run in f64. */
export function createRefBackend(opts: { f64?: boolean } = {}): Backend {
  let generation = 0;
  const Arr = opts.f64 ? Float64Array : Float32Array;
  return {
    ...kernels,
    name: 'ref',
    variant: opts.f64 ? 'ts-f64' : 'ts',
    floatPrecision: opts.f64 ? 1e-12 : 1e-6,
    get generation() {
      return generation;
    },
    alloc: (size) => new RefBuf(new Arr(size)),
    free: () => {},
    write: (buf, data, offset = 0) => d(buf).set(data, offset),
    read: (buf, offset = 0, length = buf.size - offset) => d(buf).slice(offset, offset + length),
    resetScratch: () => {
      generation++;
    },
    dispose: () => {},
  };
}

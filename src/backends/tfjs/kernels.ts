// The tfjs kernel table: one entry per kernel id of src/kernels.ts, written with tfjs ops.
// Every entry reads its inputs with io.get (a [rows, k] or flat view of a buffer), builds the
// result with tf ops and hands it to io.set; index.ts runs each entry inside tf.tidy, so the
// intermediates are freed and only the outputs survive.
//
// Where tfjs's own op differs from the contract, the entry says so and composes the contract:
// - maximum/minimum: tfjs-backend-wasm's minimum drops NaN, so NaN is put back explicitly;
// - reductions over an empty axis: tfjs-backend-wasm returns garbage, so `sumLast`/`sum0` return 0
//   (and matmul with k = 0 is bias only);
// - logsumexp: tf.logSumExp turns an all-+∞ group into NaN; `lse` shifts by the max only when it
//   is finite, as ref does;
// - abs/relu gradients: sign(NaN) is 0 in tfjs, so the contract's NaN is selected explicitly;
// - argmax_onehot: tf.oneHot(tf.argMax) (first maximum wins on cpu and wasm; oneHot needs k ≥ 2,
//   so k = 1 is ones), then groups with a NaN become all NaN, as ref does;
// - NaN selection uses a NaN tensor of the output's shape: tfjs broadcasts a scalar against an
//   empty [0] tensor to [1];
// - im2col / col2im: tfjs-backend-wasm has no UnsortedSegmentSum, so both are gathers with int32
//   index arrays built once per geometry and kept (see `patchIndex`): im2col gathers x with a zero
//   appended (padding reads it), col2im gathers for each pixel the ≤ ⌈kh/s⌉·⌈kw/s⌉ cols entries that
//   read it (a zero where it has fewer) and sums them. tf.gatherND, not tf.gather: on
//   tfjs-backend-wasm 4.22 gather is ~7× slower (36 ms vs 5.5 ms for 490k elements).
import type * as tfc from '@tensorflow/tfjs-core';
import { Bcast, type Buf, type KernelId, type Kernels, type UnaryOp } from '../../kernels.js';

export type TF = typeof tfc;
export type T = tfc.Tensor;

/** What an entry sees: the tf namespace, buffer views, and the noise source. */
export interface Io {
  readonly tf: TF;
  /** The first size(shape) elements of b, viewed as shape (a new tensor object). */
  get(b: Buf, shape: number[]): T;
  /** b's first t.size elements become t (flattened); the rest of b is kept. */
  set(b: Buf, t: T): void;
  /** n noise values for key (k0, k1): our Philox (bit-identical to ref) unless nativeRng. */
  noise(kind: 'uniform' | 'gumbel' | 'logistic', n: number, k0: number, k1: number): T;
}

type Entry<K extends KernelId> = (io: Io, ...args: Parameters<Kernels[K]>) => void;
export type Table = { [K in KernelId]: Entry<K> };

// ------------------------------------------------------------------ helpers (contract semantics)

/** Σ over the last axis of [rows, k] (keepDims); 0 for k = 0. */
const sumLast = (tf: TF, x: T): T =>
  x.shape[1] === 0 ? tf.zeros([x.shape[0], 1]) : tf.sum(x, 1, true);

/** log Σ exp over the last axis (keepDims), shifted by the max only where it is finite:
 *  −∞ for an all −∞ group (or k = 0), +∞ with a +∞ element, NaN with a NaN. */
function lse(tf: TF, x: T): T {
  if (x.shape[1] === 0) return tf.fill([x.shape[0], 1], -Infinity);
  const mx = tf.max(x, 1, true);
  const shift = tf.where(tf.isFinite(mx), mx, tf.zerosLike(mx));
  return tf.add(tf.log(tf.sum(tf.exp(tf.sub(x, shift)), 1, true)), shift);
}

/** NaN wherever `probe` is NaN, else `y` (probe broadcasts against y). */
const keepNaN = (tf: TF, probe: T, y: T): T => tf.where(tf.isNaN(probe), nanLike(tf, y), y);

/** NaN of y's shape (not a broadcast scalar: tfjs broadcasts [] against [0] to [1]). */
const nanLike = (tf: TF, y: T): T => tf.fill(y.shape, NaN);

/** NaN wherever a or b is NaN, else `y`: max/min propagate NaN (tfjs-backend-wasm's minimum does not). */
const eitherNaN = (tf: TF, a: T, b: T, y: T): T => tf.where(tf.logicalOr(tf.isNaN(a), tf.isNaN(b)), nanLike(tf, y), y);

/** dx for unary ops: dy·f′(x) as in ref, with y = f(x). */
const UNARY_GRAD: Record<UnaryOp, (tf: TF, x: T, y: T, dy: T) => T> = {
  neg: (tf, _x, _y, dy) => tf.neg(dy),
  abs: (tf, x, _y, dy) => keepNaN(tf, x, tf.where(tf.greater(x, 0), dy, tf.where(tf.less(x, 0), tf.neg(dy), tf.zerosLike(dy)))),
  square: (tf, x, _y, dy) => tf.mul(tf.mul(x, 2), dy),
  sqrt: (tf, _x, y, dy) => tf.div(dy, tf.mul(y, 2)),
  relu: (tf, x, _y, dy) => keepNaN(tf, x, tf.where(tf.greater(x, 0), dy, tf.zerosLike(dy))),
  sigmoid: (tf, _x, y, dy) => tf.mul(tf.mul(dy, y), tf.sub(1, y)),
  tanh: (tf, _x, y, dy) => tf.mul(dy, tf.sub(1, tf.square(y))),
  softplus: (tf, x, _y, dy) => tf.mul(dy, tf.sigmoid(x)),
  exp: (tf, _x, y, dy) => tf.mul(dy, y),
  log: (tf, x, _y, dy) => tf.div(dy, x),
};

const UNARY: Record<UnaryOp, (tf: TF, x: T) => T> = {
  neg: (tf, x) => tf.neg(x),
  abs: (tf, x) => tf.abs(x),
  square: (tf, x) => tf.square(x),
  sqrt: (tf, x) => tf.sqrt(x),
  relu: (tf, x) => tf.relu(x),
  sigmoid: (tf, x) => tf.sigmoid(x),
  tanh: (tf, x) => tf.tanh(x),
  softplus: (tf, x) => tf.softplus(x),
  exp: (tf, x) => tf.exp(x),
  log: (tf, x) => tf.log(x),
};

const BINARY = {
  add: (tf: TF, a: T, b: T) => tf.add(a, b),
  sub: (tf: TF, a: T, b: T) => tf.sub(a, b),
  mul: (tf: TF, a: T, b: T) => tf.mul(a, b),
  div: (tf: TF, a: T, b: T) => tf.div(a, b),
  max: (tf: TF, a: T, b: T) => eitherNaN(tf, a, b, tf.maximum(a, b)),
  min: (tf: TF, a: T, b: T) => eitherNaN(tf, a, b, tf.minimum(a, b)),
};

/** b's view for each broadcast mode against a [rows, cols] a. */
const bShape = (bc: Bcast, rows: number, cols: number): number[] =>
  bc === Bcast.None ? [rows, cols] : bc === Bcast.Row ? [cols] : bc === Bcast.Col ? [rows, 1] : [];

/** log q, log p and KL per group, shared by kl_categorical and its gradient. */
function klParts(tf: TF, lq: T, lp: T): { logq: T; logp: T; q: T; kl: T } {
  const logq = tf.sub(lq, lse(tf, lq)), logp = tf.sub(lp, lse(tf, lp)), q = tf.exp(logq);
  return { logq, logp, q, kl: sumLast(tf, tf.mul(q, tf.sub(logq, logp))) };
}

/** The geometry of an im2col / col2im call. */
type Patch = [n: number, h: number, w: number, c: number, kh: number, kw: number, stride: number, pad: number, ho: number, wo: number];

interface PatchIndex {
  /** [n·ho·wo·kh·kw·c, 1]: the index in x of each cols entry, or x's size (the appended zero) outside the image. */
  gather: T;
  /** [n·h·w·c, taps, 1]: the cols entries each pixel collects, padded with the index of cols's appended zero. */
  scatter: T;
  taps: number;
}

/** Index tensors per (tfjs backend, geometry), kept across tidy; the oldest are dropped past PATCH_CACHE. */
const patchCache = new Map<string, PatchIndex>();
const PATCH_CACHE = 32;

function patchIndex(tf: TF, [n, h, w, c, kh, kw, stride, pad, ho, wo]: Patch): PatchIndex {
  const key = `${tf.getBackend()}|${[n, h, w, c, kh, kw, stride, pad, ho, wo].join(',')}`;
  const hit = patchCache.get(key);
  if (hit) return hit;
  const size = n * h * w * c, total = n * ho * wo * kh * kw * c;
  const src = new Int32Array(total);
  const count = new Int32Array(size);
  let j = 0;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < kw; kx++) {
            const iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
            const inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
            for (let ci = 0; ci < c; ci++, j++) {
              src[j] = inside ? ((b * h + iy) * w + ix) * c + ci : size;
              if (inside) count[src[j]]++;
            }
          }
        }
      }
    }
  }
  const taps = count.reduce((a, v) => Math.max(a, v), 0);
  const dst = new Int32Array(size * taps).fill(total);
  const filled = new Int32Array(size);
  for (let i = 0; i < total; i++) if (src[i] < size) dst[src[i] * taps + filled[src[i]]++] = i;
  const entry = { gather: tf.keep(tf.tensor2d(src, [total, 1], 'int32')), scatter: tf.keep(tf.tensor3d(dst, [size, taps, 1], 'int32')), taps };
  if (patchCache.size >= PATCH_CACHE) {
    const [oldKey, old] = patchCache.entries().next().value as [string, PatchIndex];
    old.gather.dispose();
    old.scatter.dispose();
    patchCache.delete(oldKey);
  }
  patchCache.set(key, entry);
  return entry;
}

/** x (flattened) with one 0 appended: the value every out-of-image index reads. */
const withZero = (tf: TF, x: T): T => tf.concat([x, tf.zeros([1])]);

// ------------------------------------------------------------------ the table

export const TFJS_KERNELS: Table = {
  fill: ({ tf, set }, y, n, v) => set(y, tf.fill([n], v)),
  scale: ({ tf, get, set }, x, y, n, a, b) => set(y, tf.add(tf.mul(get(x, [n]), a), b)),
  unary: ({ tf, get, set }, op, x, y, n) => set(y, UNARY[op](tf, get(x, [n]))),
  unary_grad: ({ tf, get, set }, op, x, y, dy, dx, n) => set(dx, UNARY_GRAD[op](tf, get(x, [n]), get(y, [n]), get(dy, [n]))),
  binary: ({ tf, get, set }, op, a, b, y, r, c, bc) => set(y, BINARY[op](tf, get(a, [r, c]), get(b, bShape(bc, r, c)))),
  // wasm sums an empty axis to garbage: an empty reduction is zeros
  reduce_sum: ({ tf, get, set }, x, y, r, c, axis) =>
    set(y, (axis === 0 ? r : c) === 0 ? tf.zeros([axis === 0 ? c : r]) : tf.sum(get(x, [r, c]), axis)),
  matmul: ({ tf, get, set }, a, b, c, m, k, n, ta, tb, acc, bias) => {
    if (m * n === 0) return;
    // explicit transposes: tfjs-backend-wasm's matMul is ~10x slower with its transpose flags
    const av = ta ? tf.transpose(get(a, [k, m])) : get(a, [m, k]), bv = tb ? tf.transpose(get(b, [n, k])) : get(b, [k, n]);
    let y = k === 0 ? tf.zeros([m, n]) : tf.matMul(av, bv);
    if (bias) y = tf.add(y, get(bias, [n]));
    set(c, acc ? tf.add(get(c, [m, n]), y) : y);
  },
  // The dense product: the same values wherever B is finite (the contract skips B's rows where A is 0).
  sparse_matmul: ({ tf, get, set }, a, b, c, m, k, n, bias) => {
    if (m * n === 0) return;
    const y = k === 0 ? tf.zeros([m, n]) : tf.matMul(get(a, [m, k]), get(b, [k, n]));
    set(c, bias ? tf.add(y, get(bias, [n])) : y);
  },
  im2col: ({ tf, get, set }, x, cols, ...g) => {
    const [n, h, w, c, kh, kw, , , ho, wo] = g;
    const total = n * ho * wo * kh * kw * c;
    if (total === 0) return;
    set(cols, tf.gatherND(withZero(tf, get(x, [n * h * w * c])), patchIndex(tf, g).gather));
  },
  col2im: ({ tf, get, set }, cols, x, ...g) => {
    const [n, h, w, c, kh, kw, , , ho, wo] = g;
    const size = n * h * w * c, total = n * ho * wo * kh * kw * c;
    if (size === 0) return;
    const { scatter, taps } = total === 0 ? { scatter: null, taps: 0 } : patchIndex(tf, g);
    set(x, taps === 0 ? tf.zeros([size]) : tf.sum(tf.gatherND(withZero(tf, get(cols, [total])), scatter!), 1));
  },
  softmax: ({ tf, get, set }, x, y, r, k) => set(y, tf.softmax(get(x, [r, k]))),
  softmax_grad: ({ tf, get, set }, y, dy, dx, r, k) => {
    const yv = get(y, [r, k]), dyv = get(dy, [r, k]);
    set(dx, tf.mul(yv, tf.sub(dyv, sumLast(tf, tf.mul(dyv, yv)))));
  },
  log_softmax: ({ tf, get, set }, x, y, r, k) => {
    const xv = get(x, [r, k]);
    set(y, tf.sub(xv, lse(tf, xv)));
  },
  log_softmax_grad: ({ tf, get, set }, y, dy, dx, r, k) => {
    const dyv = get(dy, [r, k]);
    set(dx, tf.sub(dyv, tf.mul(tf.exp(get(y, [r, k])), sumLast(tf, dyv))));
  },
  logsumexp: ({ tf, get, set }, x, y, r, k) => set(y, lse(tf, get(x, [r, k]))),
  sigmoid_xent: ({ tf, get, set }, l, t, y, n) => {
    const lv = get(l, [n]);
    set(y, tf.sub(tf.softplus(lv), tf.mul(get(t, [n]), lv)));
  },
  sigmoid_xent_rows: ({ tf, get, set }, l, t, y, r, c, s) => {
    if (r === 0) return;
    if (c === 0) return set(y, tf.zeros([r])); // tfjs-backend-wasm's sum over an empty axis is not 0
    const lv = get(l, [r / s, s, c]);
    set(y, tf.reshape(tf.sum(tf.sub(tf.softplus(lv), tf.mul(get(t, [r / s, 1, c]), lv)), 2), [r]));
  },
  sigmoid_xent_rows_grad: ({ tf, get, set }, l, t, dy, dl, r, c, s) => {
    if (r * c === 0) return;
    set(dl, tf.mul(get(dy, [r / s, s, 1]), tf.sub(tf.sigmoid(get(l, [r / s, s, c])), get(t, [r / s, 1, c]))));
  },
  sigmoid_xent_grad: ({ tf, get, set }, l, t, dy, dl, n) => set(dl, tf.mul(get(dy, [n]), tf.sub(tf.sigmoid(get(l, [n])), get(t, [n])))),
  kl_categorical: ({ tf, get, set }, lq, lp, y, r, k) => set(y, klParts(tf, get(lq, [r, k]), get(lp, [r, k])).kl),
  kl_categorical_grad: ({ tf, get, set }, lq, lp, dy, dlq, dlp, r, k) => {
    const { logq, logp, q, kl } = klParts(tf, get(lq, [r, k]), get(lp, [r, k]));
    const dyv = get(dy, [r, 1]);
    set(dlq, tf.mul(tf.mul(dyv, q), tf.sub(tf.sub(logq, logp), kl)));
    set(dlp, tf.mul(dyv, tf.sub(tf.exp(logp), q)));
  },
  kl_bernoulli: ({ tf, get, set }, a, b, y, n) => {
    const av = get(a, [n]), bv = get(b, [n]), q = tf.sigmoid(av), sp = tf.softplus;
    const pos = tf.mul(q, tf.sub(sp(tf.neg(bv)), sp(tf.neg(av))));
    set(y, tf.add(pos, tf.mul(tf.sub(1, q), tf.sub(sp(bv), sp(av)))));
  },
  kl_bernoulli_grad: ({ tf, get, set }, a, b, dy, da, db, n) => {
    const av = get(a, [n]), bv = get(b, [n]), dyv = get(dy, [n]), q = tf.sigmoid(av);
    set(da, tf.mul(tf.mul(tf.mul(dyv, q), tf.sub(1, q)), tf.sub(av, bv)));
    set(db, tf.mul(dyv, tf.sub(tf.sigmoid(bv), q)));
  },
  random_uniform: ({ set, noise }, y, n, k0, k1) => set(y, noise('uniform', n, k0, k1)),
  random_gumbel: ({ set, noise }, y, n, k0, k1) => set(y, noise('gumbel', n, k0, k1)),
  random_logistic: ({ set, noise }, y, n, k0, k1) => set(y, noise('logistic', n, k0, k1)),
  // the fused samples: the noise, add, scale and softmax/sigmoid of the unfused entries, as tf ops
  gumbel_softmax: ({ tf, get, set, noise }, l, y, r, k, a, k0, k1) => {
    if (r * k === 0) return;
    set(y, tf.softmax(tf.mul(tf.add(get(l, [r, k]), tf.reshape(noise('gumbel', r * k, k0, k1), [r, k])), a)));
  },
  gumbel_softmax_grad: ({ tf, get, set }, y, dy, dl, r, k, a) => {
    const yv = get(y, [r, k]), dyv = get(dy, [r, k]);
    set(dl, tf.mul(tf.mul(yv, tf.sub(dyv, sumLast(tf, tf.mul(dyv, yv)))), a));
  },
  gumbel_sigmoid: ({ tf, get, set, noise }, l, y, n, a, k0, k1) => set(y, tf.sigmoid(tf.mul(tf.add(get(l, [n]), noise('logistic', n, k0, k1)), a))),
  gumbel_sigmoid_grad: ({ tf, get, set }, y, dy, dl, n, a) => {
    const yv = get(y, [n]);
    set(dl, tf.mul(UNARY_GRAD.sigmoid(tf, yv, yv, get(dy, [n])), a));
  },
  // [l + L > 0], NaN stays NaN (the f32 sum is rounded exactly as ref rounds it)
  bernoulli_sample: ({ tf, get, set, noise }, l, y, n, k0, k1) => {
    const s = tf.add(get(l, [n]), noise('logistic', n, k0, k1));
    set(y, keepNaN(tf, s, tf.cast(tf.greater(s, 0), 'float32')));
  },
  argmax_onehot: ({ tf, get, set }, x, y, r, k) => {
    if (r * k === 0) return;
    const xv = get(x, [r, k]);
    // tf.oneHot needs depth ≥ 2
    const hot = k === 1 ? tf.ones([r, 1]) : tf.cast(tf.oneHot(tf.argMax(xv, 1), k), 'float32');
    set(y, tf.where(tf.any(tf.isNaN(xv), 1, true), nanLike(tf, hot), hot));
  },
  // in place: p and v are both replaced
  sgd_momentum: ({ tf, get, set }, p, g, v, n, lr, mu) => {
    const v1 = tf.add(tf.mul(get(v, [n]), mu), get(g, [n]));
    set(v, v1);
    set(p, tf.sub(get(p, [n]), tf.mul(v1, lr)));
  },
  adam: ({ tf, get, set }, p, g, m, v, n, lr, b1, b2, eps, t) => {
    const c1 = 1 - Math.pow(b1, t), c2 = 1 - Math.pow(b2, t), gv = get(g, [n]);
    const m1 = tf.add(tf.mul(get(m, [n]), b1), tf.mul(gv, 1 - b1));
    const v1 = tf.add(tf.mul(get(v, [n]), b2), tf.mul(tf.mul(gv, 1 - b2), gv));
    set(m, m1);
    set(v, v1);
    set(p, tf.sub(get(p, [n]), tf.div(tf.mul(tf.div(m1, c1), lr), tf.add(tf.sqrt(tf.div(v1, c2)), eps))));
  },
};

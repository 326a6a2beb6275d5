// Public ops: validate at the door (errors name the op, the argument, what was expected and what
// was found), allocate the output in scratch memory, run one kernel, record the op for autograd.
// Gradient rules live in autograd/grads.ts, one per op name used here.
import { record } from './autograd/tape.js';
import type { Backend } from './backend.js';
import { getBackend } from './engine.js';
import { ArgumentError, ShapeError, checkNumber, fmtShape } from './errors.js';
import { Bcast, type BinaryOp, type UnaryOp } from './kernels.js';
import type { Key } from './random/key.js';
import { Tensor } from './tensor.js';

export type Shape = readonly number[];

function sizeOf(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

function checkShape(where: string, shape: Shape): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError(`${where}: shape must be a list of non-negative integers, found ${JSON.stringify(shape)}`);
  }
}

function backendOf(where: string, ...ts: Tensor[]): Backend {
  const be = ts[0].backend;
  for (const [i, t] of ts.entries()) {
    if (!(t instanceof Tensor)) throw new ArgumentError(`${where}: argument ${i} must be a Tensor, found ${typeof t}`);
    t.assertAlive(where);
    if (t.backend !== be) throw new ArgumentError(`${where}: all tensors must be on one backend, found '${be.name}' and '${t.backend.name}'`);
  }
  return be;
}

/** A new scratch tensor (or persistent when `persistent`) on a backend. */
export function empty(shape: Shape, opts: { persistent?: boolean; backend?: Backend } = {}): Tensor {
  checkShape('empty', shape);
  const be = opts.backend ?? getBackend();
  return new Tensor(be, be.alloc(sizeOf(shape), !!opts.persistent), shape, !!opts.persistent);
}

export function tensor(data: ArrayLike<number>, shape: Shape = [data.length], opts: { persistent?: boolean; backend?: Backend } = {}): Tensor {
  checkShape('tensor', shape);
  if (sizeOf(shape) !== data.length) throw new ShapeError(`tensor: data has ${data.length} values but shape ${fmtShape(shape)} needs ${sizeOf(shape)}`);
  const t = empty(shape, opts);
  if (data.length) t.backend.write(t.buf, data);
  return t;
}

export function full(shape: Shape, value: number, opts: { persistent?: boolean; backend?: Backend } = {}): Tensor {
  const t = empty(shape, opts);
  t.backend.fill(t.buf, t.size, value);
  return t;
}

export const zeros = (shape: Shape, opts: { persistent?: boolean; backend?: Backend } = {}): Tensor => full(shape, 0, opts);

/** A persistent leaf that wants a gradient (a parameter). */
export function variable(data: ArrayLike<number>, shape: Shape, backend?: Backend): Tensor {
  const t = tensor(data, shape, { persistent: true, backend });
  t.requiresGrad = true;
  return t;
}

/** A persistent copy of t (survives resetScratch), without gradient history. */
export function keep(t: Tensor): Tensor {
  const be = backendOf('keep', t);
  const out = new Tensor(be, be.alloc(t.size, true), t.shape, true);
  be.scale(t.buf, out.buf, t.size, 1, 0);
  return out;
}

/** The same values, with no gradient flowing back (the SG of the papers). */
export function stopGradient(t: Tensor): Tensor {
  backendOf('stopGradient', t);
  return alias(t, t.shape);
}

/** A tensor sharing t's buffer with a new shape. */
function alias(t: Tensor, shape: Shape): Tensor {
  return new Tensor(t.backend, t.buf, shape, t.persistent, t.generation);
}

export function reshape(t: Tensor, shape: Shape): Tensor {
  backendOf('reshape', t);
  checkShape('reshape', shape);
  if (sizeOf(shape) !== t.size) throw new ShapeError(`reshape: cannot reshape ${fmtShape(t.shape)} (${t.size} values) to ${fmtShape(shape)}`);
  const out = alias(t, shape);
  record('reshape', [t], out, {});
  return out;
}

function out(be: Backend, shape: Shape): Tensor {
  return new Tensor(be, be.alloc(sizeOf(shape), false), shape, false);
}

// ---------------------------------------------------------------- elementwise

function unaryOp(op: UnaryOp, x: Tensor): Tensor {
  const be = backendOf(op, x);
  const y = out(be, x.shape);
  be.unary(op, x.buf, y.buf, x.size);
  record('unary', [x], y, { op });
  return y;
}

export const neg = (x: Tensor) => unaryOp('neg', x);
export const abs = (x: Tensor) => unaryOp('abs', x);
export const square = (x: Tensor) => unaryOp('square', x);
export const sqrt = (x: Tensor) => unaryOp('sqrt', x);
export const relu = (x: Tensor) => unaryOp('relu', x);
export const sigmoid = (x: Tensor) => unaryOp('sigmoid', x);
export const tanh = (x: Tensor) => unaryOp('tanh', x);
export const softplus = (x: Tensor) => unaryOp('softplus', x);
export const exp = (x: Tensor) => unaryOp('exp', x);
export const log = (x: Tensor) => unaryOp('log', x);

/** alpha·x + beta. */
export function scale(x: Tensor, alpha: number, beta = 0): Tensor {
  const be = backendOf('scale', x);
  checkNumber('scale', 'alpha', alpha);
  checkNumber('scale', 'beta', beta);
  const y = out(be, x.shape);
  be.scale(x.buf, y.buf, x.size, alpha, beta);
  record('scale', [x], y, { alpha });
  return y;
}

/**
 * How b broadcasts against a, viewing a as [rows, cols] with cols = a's last dimension:
 * same size → None; b's shape = [cols] or [1, cols] → Row; b's shape = a's leading dims + [1] → Col;
 * one element → Scalar.
 */
export function broadcastMode(where: string, a: Tensor, b: Tensor): { rows: number; cols: number; mode: Bcast } {
  const cols = a.rank ? a.shape[a.rank - 1] : 1;
  const rows = cols ? a.size / cols : 0;
  const same = a.rank === b.rank && a.shape.every((d, i) => d === b.shape[i]);
  if (same) return { rows: 1, cols: a.size, mode: Bcast.None };
  if (b.size === 1) return { rows: 1, cols: a.size, mode: Bcast.Scalar };
  const lastB = b.rank ? b.shape[b.rank - 1] : 1;
  if (lastB === cols && b.size === cols) return { rows, cols, mode: Bcast.Row };
  if (lastB === 1 && b.size === rows && a.rank === b.rank && a.shape.slice(0, -1).every((d, i) => d === b.shape[i])) {
    return { rows, cols, mode: Bcast.Col };
  }
  throw new ShapeError(`${where}: b must have a's shape ${fmtShape(a.shape)}, [${cols}] (one row), ${fmtShape([...a.shape.slice(0, -1), 1])} (one column) or one element; found ${fmtShape(b.shape)}`);
}

function binaryOp(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  const be = backendOf(op, a, b);
  const { rows, cols, mode } = broadcastMode(op, a, b);
  const y = out(be, a.shape);
  be.binary(op, a.buf, b.buf, y.buf, rows, cols, mode);
  record('binary', [a, b], y, { op, rows, cols, mode });
  return y;
}

export const add = (a: Tensor, b: Tensor) => binaryOp('add', a, b);
export const sub = (a: Tensor, b: Tensor) => binaryOp('sub', a, b);
export const mul = (a: Tensor, b: Tensor) => binaryOp('mul', a, b);
export const div = (a: Tensor, b: Tensor) => binaryOp('div', a, b);
/** Not differentiable (no gradient rule); use relu compositions where a gradient is needed. */
export const maximum = (a: Tensor, b: Tensor) => binaryOp('max', a, b);
export const minimum = (a: Tensor, b: Tensor) => binaryOp('min', a, b);

// ---------------------------------------------------------------- reductions

/** Sum of all elements (shape []), or along axis 0 / the last axis of a [rows, cols] view. */
export function sum(x: Tensor, axis?: 0 | -1): Tensor {
  const be = backendOf('sum', x);
  const cols = x.rank ? x.shape[x.rank - 1] : 1;
  if (axis === undefined) {
    const y = out(be, []);
    be.reduce_sum(x.buf, y.buf, 1, x.size, 1);
    record('sum', [x], y, { axis: 'all' });
    return y;
  }
  if (axis !== 0 && axis !== -1) throw new ArgumentError(`sum: axis must be 0, -1 or undefined, found ${String(axis)}`);
  if (axis === 0 && x.rank !== 2) throw new ShapeError(`sum: axis 0 needs a 2-D tensor, found ${fmtShape(x.shape)}`);
  const rows = cols ? x.size / cols : 0;
  const shape = axis === 0 ? [cols] : x.shape.slice(0, -1);
  const y = out(be, shape);
  be.reduce_sum(x.buf, y.buf, rows, cols, axis === 0 ? 0 : 1);
  record('sum', [x], y, { axis });
  return y;
}

export function mean(x: Tensor): Tensor {
  return scale(sum(x), 1 / Math.max(1, x.size));
}

// ---------------------------------------------------------------- matmul and dense layers

export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
}

/** op(A)·op(B) for 2-D tensors; transA reads A as [k, m], transB reads B as [n, k]. */
export function matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  const be = backendOf('matmul', a, b);
  if (a.rank !== 2 || b.rank !== 2) throw new ShapeError(`matmul: a and b must be 2-D, found a: ${fmtShape(a.shape)}, b: ${fmtShape(b.shape)}`);
  const transA = !!opts.transA, transB = !!opts.transB;
  const [m, k] = transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [kb, n] = transB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (k !== kb) throw new ShapeError(`matmul: op(a) is [${m},${k}] but op(b) is [${kb},${n}]: inner dimensions differ (a: ${fmtShape(a.shape)}${transA ? 'ᵀ' : ''}, b: ${fmtShape(b.shape)}${transB ? 'ᵀ' : ''})`);
  const c = out(be, [m, n]);
  be.matmul(a.buf, b.buf, c.buf, m, k, n, transA, transB, false, null);
  record('matmul', [a, b], c, { transA, transB });
  return c;
}

/** x·w + bias: x [B, in], w [in, out], bias [out] (fused into the matmul). */
export function linear(x: Tensor, w: Tensor, bias?: Tensor): Tensor {
  const be = bias ? backendOf('linear', x, w, bias) : backendOf('linear', x, w);
  if (x.rank !== 2 || w.rank !== 2 || x.shape[1] !== w.shape[0]) {
    throw new ShapeError(`linear: x has ${x.shape[x.rank - 1]} features but w expects ${w.shape[0]} (x: ${fmtShape(x.shape)}, w: ${fmtShape(w.shape)})`);
  }
  if (bias && (bias.rank !== 1 || bias.shape[0] !== w.shape[1])) {
    throw new ShapeError(`linear: bias must be [${w.shape[1]}], found ${fmtShape(bias.shape)}`);
  }
  const [m, k] = x.shape, n = w.shape[1];
  const y = out(be, [m, n]);
  be.matmul(x.buf, w.buf, y.buf, m, k, n, false, false, false, bias ? bias.buf : null);
  record('linear', bias ? [x, w, bias] : [x, w], y, {});
  return y;
}

/**
 * a·w + bias for an `a` [m, k] of mostly zeros (one-hot or binary samples): only a's non-zeros are
 * visited, one thread (w [k, n], bias [n]). Not differentiable (no gradient is recorded).
 */
export function sparseMatmul(a: Tensor, w: Tensor, bias?: Tensor): Tensor {
  const be = bias ? backendOf('sparseMatmul', a, w, bias) : backendOf('sparseMatmul', a, w);
  if (a.rank !== 2 || w.rank !== 2 || a.shape[1] !== w.shape[0]) {
    throw new ShapeError(`sparseMatmul: a has ${a.shape[a.rank - 1]} columns but w expects ${w.shape[0]} (a: ${fmtShape(a.shape)}, w: ${fmtShape(w.shape)})`);
  }
  if (bias && (bias.rank !== 1 || bias.shape[0] !== w.shape[1])) throw new ShapeError(`sparseMatmul: bias must be [${w.shape[1]}], found ${fmtShape(bias.shape)}`);
  const [m, k] = a.shape, n = w.shape[1];
  const y = out(be, [m, n]);
  be.sparse_matmul(a.buf, w.buf, y.buf, m, k, n, bias ? bias.buf : null);
  return y;
}

// ---------------------------------------------------------------- convolutions (NHWC, im2col + matmul)

export interface Conv2dOptions {
  stride: number;
  pad: number;
}

export interface Conv2dTransposeOptions extends Conv2dOptions {
  outH: number;
  outW: number;
}

/** Output size of a convolution along one axis: ⌊(size + 2·pad − k)/stride⌋ + 1 (0 or less: the kernel does not fit). */
export const convOutSize = (size: number, k: number, stride: number, pad: number): number => Math.floor((size + 2 * pad - k) / stride) + 1;

/** The geometry every conv op passes to im2col / col2im, checked at the door. */
export interface ConvGeometry {
  n: number; h: number; w: number; c: number; kh: number; kw: number; stride: number; pad: number; ho: number; wo: number;
}

function checkConv(where: string, x: Tensor, w: Tensor, b: Tensor | null, opts: Conv2dOptions, wName: string): void {
  if (!opts || typeof opts !== 'object') throw new ArgumentError(`${where}: opts must be { stride, pad${where === 'conv2d' ? '' : ', outH, outW'} }, found ${String(opts)}`);
  checkNumber(where, 'opts.stride', opts.stride, { integer: true, positive: true });
  checkNumber(where, 'opts.pad', opts.pad, { integer: true, nonNegative: true });
  if (x.rank !== 4) throw new ShapeError(`${where}: x must be 4-D NHWC [batch, height, width, channels], found ${fmtShape(x.shape)}`);
  if (w.rank !== 4) throw new ShapeError(`${where}: w must be 4-D ${wName}, found ${fmtShape(w.shape)}`);
  if (b !== null && (b.rank !== 1 || b.shape[0] !== w.shape[3])) throw new ShapeError(`${where}: b must be [${w.shape[3]}] (one bias per output channel) or null, found ${fmtShape(b.shape)}`);
}

/**
 * 2-D convolution (cross-correlation, as in every framework) of a batched NHWC image:
 * x [B,H,W,C], w [kh,kw,C,Cout], b [Cout] or null → y [B,Ho,Wo,Cout] with Ho = ⌊(H + 2·pad − kh)/stride⌋ + 1
 * (the same for W), zero padding. y = im2col(x) · w viewed [kh·kw·C, Cout] + b.
 */
export function conv2d(x: Tensor, w: Tensor, b: Tensor | null, opts: Conv2dOptions): Tensor {
  const be = b ? backendOf('conv2d', x, w, b) : backendOf('conv2d', x, w);
  checkConv('conv2d', x, w, b, opts, '[kh, kw, inChannels, outChannels]');
  const [n, h, wd, c] = x.shape, [kh, kw, cin, cout] = w.shape, { stride, pad } = opts;
  if (cin !== c) throw new ShapeError(`conv2d: w must have ${c} input channels like x (w[2]), found ${cin} (x: ${fmtShape(x.shape)}, w: ${fmtShape(w.shape)})`);
  const ho = convOutSize(h, kh, stride, pad), wo = convOutSize(wd, kw, stride, pad);
  if (kh < 1 || kw < 1 || ho < 1 || wo < 1) {
    throw new ShapeError(`conv2d: the ${kh}×${kw} kernel must fit the ${h}×${wd} image padded by ${pad} (kernel ≥ 1 and ≤ size + 2·pad), found x: ${fmtShape(x.shape)}, w: ${fmtShape(w.shape)}`);
  }
  const g: ConvGeometry = { n, h, w: wd, c, kh, kw, stride, pad, ho, wo };
  const m = n * ho * wo, k = kh * kw * c;
  // cols is kept for the weight gradient (colsᵀ·dy): the backward pass does not redo im2col.
  const cols = out(be, [m, k]);
  be.im2col(x.buf, cols.buf, n, h, wd, c, kh, kw, stride, pad, ho, wo);
  const y = out(be, [n, ho, wo, cout]);
  be.matmul(cols.buf, w.buf, y.buf, m, k, cout, false, false, false, b ? b.buf : null);
  record('conv2d', b ? [x, w, b] : [x, w], y, { g, cols });
  return y;
}

/**
 * Transposed convolution, the adjoint of conv2d from its output space (the gradient of conv2d with
 * respect to its input): x [B,Hi,Wi,Cin], w [Cin,kh,kw,Cout], b [Cout] or null → y [B,outH,outW,Cout]
 * with y = col2im(x viewed [B·Hi·Wi, Cin] · w viewed [Cin, kh·kw·Cout]) + b. outH and outW must be
 * sizes a conv2d with these kh, kw, stride, pad maps to Hi, Wi: ⌊(outH + 2·pad − kh)/stride⌋ + 1 = Hi
 * (stride > 1 allows several, e.g. 3×3 stride 2 pad 1: Hi = 2 comes from outH = 3 or 4).
 */
export function conv2d_transpose(x: Tensor, w: Tensor, b: Tensor | null, opts: Conv2dTransposeOptions): Tensor {
  const where = 'conv2d_transpose';
  const be = b ? backendOf(where, x, w, b) : backendOf(where, x, w);
  checkConv(where, x, w, b, opts, '[inChannels, kh, kw, outChannels]');
  checkNumber(where, 'opts.outH', opts.outH, { integer: true, positive: true });
  checkNumber(where, 'opts.outW', opts.outW, { integer: true, positive: true });
  const [n, hi, wi, c] = x.shape, [cin, kh, kw, cout] = w.shape, { stride, pad, outH, outW } = opts;
  if (cin !== c) throw new ShapeError(`${where}: w must have ${c} input channels like x (w[0]), found ${cin} (x: ${fmtShape(x.shape)}, w: ${fmtShape(w.shape)})`);
  if (kh < 1 || kw < 1) throw new ShapeError(`${where}: w's kernel must be at least 1×1, found ${kh}×${kw} (w: ${fmtShape(w.shape)})`);
  const eh = convOutSize(outH, kh, stride, pad), ew = convOutSize(outW, kw, stride, pad);
  if (eh !== hi || ew !== wi) {
    throw new ShapeError(`${where}: outH×outW must be a size that a ${kh}×${kw} conv with stride ${stride}, pad ${pad} maps to x's ${hi}×${wi}, found ${outH}×${outW} (it maps to ${eh}×${ew})`);
  }
  const g: ConvGeometry = { n, h: outH, w: outW, c: cout, kh, kw, stride, pad, ho: hi, wo: wi };
  const m = n * hi * wi, k = kh * kw * cout;
  const cols = out(be, [m, k]);
  be.matmul(x.buf, w.buf, cols.buf, m, c, k, false, false, false, null);
  const y = out(be, [n, outH, outW, cout]);
  be.col2im(cols.buf, y.buf, n, outH, outW, cout, kh, kw, stride, pad, hi, wi);
  if (b && y.size) be.binary('add', y.buf, b.buf, y.buf, y.size / cout, cout, Bcast.Row);
  record('conv2d_transpose', b ? [x, w, b] : [x, w], y, { g });
  return y;
}

/** conv2d_transpose under the camelCase name of the other ops. */
export const conv2dTranspose = conv2d_transpose;

// ---------------------------------------------------------------- grouped softmax family

function groups(where: string, x: Tensor, k: number): number {
  checkNumber(where, 'k', k, { integer: true, positive: true });
  const last = x.rank ? x.shape[x.rank - 1] : 1;
  if (last % k !== 0) throw new ShapeError(`${where}: the last dimension (${last}) must be a multiple of the group size k = ${k}, found ${fmtShape(x.shape)}`);
  return x.size / k;
}

/** softmax over consecutive groups of k along the last axis ([B, 20·10] with k = 10: 20 variables of 10 classes). */
export function softmax(x: Tensor, k = x.shape[x.rank - 1]): Tensor {
  const be = backendOf('softmax', x);
  const rows = groups('softmax', x, k);
  const y = out(be, x.shape);
  be.softmax(x.buf, y.buf, rows, k);
  record('softmax', [x], y, { k });
  return y;
}

export function logSoftmax(x: Tensor, k = x.shape[x.rank - 1]): Tensor {
  const be = backendOf('logSoftmax', x);
  const rows = groups('logSoftmax', x, k);
  const y = out(be, x.shape);
  be.log_softmax(x.buf, y.buf, rows, k);
  record('log_softmax', [x], y, { k });
  return y;
}

/** log Σ exp over groups of k; the last dimension shrinks from d to d/k. */
export function logsumexp(x: Tensor, k = x.shape[x.rank - 1]): Tensor {
  const be = backendOf('logsumexp', x);
  const rows = groups('logsumexp', x, k);
  const shape = [...x.shape.slice(0, -1), x.shape[x.rank - 1] / k];
  const y = out(be, shape);
  be.logsumexp(x.buf, y.buf, rows, k);
  record('logsumexp', [x], y, { k });
  return y;
}

/** KL(softmax(lq) ‖ softmax(lp)) per group of k; the last dimension shrinks from d to d/k. */
export function klCategorical(lq: Tensor, lp: Tensor, k: number): Tensor {
  const be = backendOf('klCategorical', lq, lp);
  const rows = groups('klCategorical', lq, k);
  if (lq.size !== lp.size) throw new ShapeError(`klCategorical: lp must have lq's shape ${fmtShape(lq.shape)}, found ${fmtShape(lp.shape)}`);
  const y = out(be, [...lq.shape.slice(0, -1), lq.shape[lq.rank - 1] / k]);
  be.kl_categorical(lq.buf, lp.buf, y.buf, rows, k);
  record('kl_categorical', [lq, lp], y, { k });
  return y;
}

/** KL(Bernoulli(σ(a)) ‖ Bernoulli(σ(b))) elementwise. */
export function klBernoulli(a: Tensor, b: Tensor): Tensor {
  const be = backendOf('klBernoulli', a, b);
  if (a.size !== b.size) throw new ShapeError(`klBernoulli: b must have a's shape ${fmtShape(a.shape)}, found ${fmtShape(b.shape)}`);
  const y = out(be, a.shape);
  be.kl_bernoulli(a.buf, b.buf, y.buf, a.size);
  record('kl_bernoulli', [a, b], y, {});
  return y;
}

/** Bernoulli negative log-likelihood with logits, elementwise: softplus(l) − t·l. */
export function sigmoidCrossEntropy(logits: Tensor, targets: Tensor): Tensor {
  const be = backendOf('sigmoidCrossEntropy', logits, targets);
  if (logits.size !== targets.size) throw new ShapeError(`sigmoidCrossEntropy: targets must have the logits' shape ${fmtShape(logits.shape)}, found ${fmtShape(targets.shape)}`);
  const y = out(be, logits.shape);
  be.sigmoid_xent(logits.buf, targets.buf, y.buf, logits.size);
  record('sigmoid_xent', [logits, targets], y, {});
  return y;
}

/**
 * Row sums of sigmoidCrossEntropy with each target row shared by `repeat` consecutive logit rows:
 * y[i] = Σ_j softplus(l[i,j]) − t[⌊i/repeat⌋, j]·l[i,j] (logits [R, D], targets [R/repeat, D], y [R]);
 * −y is the Bernoulli log-likelihood of the samples of the importance-sampled evaluation. Not differentiable.
 */
export function sigmoidCrossEntropyRows(logits: Tensor, targets: Tensor, repeat = 1): Tensor {
  const be = backendOf('sigmoidCrossEntropyRows', logits, targets);
  checkNumber('sigmoidCrossEntropyRows', 'repeat', repeat, { integer: true, positive: true });
  if (logits.rank !== 2) throw new ShapeError(`sigmoidCrossEntropyRows: logits must be 2-D, found ${fmtShape(logits.shape)}`);
  const [rows, cols] = logits.shape;
  if (rows % repeat || targets.rank !== 2 || targets.shape[0] !== rows / repeat || targets.shape[1] !== cols) {
    throw new ShapeError(`sigmoidCrossEntropyRows: targets must be [${rows / repeat}, ${cols}] (logits ${fmtShape(logits.shape)}, each target row for ${repeat}), found ${fmtShape(targets.shape)}`);
  }
  const y = out(be, [rows]);
  be.sigmoid_xent_rows(logits.buf, targets.buf, y.buf, rows, cols, repeat);
  return y;
}

/** one_hot(argmax) over groups of k (exactly one-hot; first maximum wins ties). Not differentiable. */
export function argmaxOneHot(x: Tensor, k = x.shape[x.rank - 1]): Tensor {
  const be = backendOf('argmaxOneHot', x);
  const rows = groups('argmaxOneHot', x, k);
  const y = out(be, x.shape);
  be.argmax_onehot(x.buf, y.buf, rows, k);
  return y;
}

// ---------------------------------------------------------------- randomness (keys, never state)

function randomOp(where: string, shape: Shape, key: Key, backend: Backend | undefined, run: (be: Backend, y: Tensor) => void): Tensor {
  checkShape(where, shape);
  if (!Array.isArray(key) || key.length !== 2) throw new ArgumentError(`${where}: key must be a Key ([u32, u32]) from key(seed) or split(), found ${JSON.stringify(key)}`);
  const be = backend ?? getBackend();
  const y = out(be, shape);
  run(be, y);
  return y;
}

/** Uniform(0, 1) with both ends excluded. */
export const uniform = (key: Key, shape: Shape, backend?: Backend) =>
  randomOp('uniform', shape, key, backend, (be, y) => be.random_uniform(y.buf, y.size, key[0], key[1]));
/** Gumbel(0, 1) noise, finite for every random word. */
export const gumbel = (key: Key, shape: Shape, backend?: Backend) =>
  randomOp('gumbel', shape, key, backend, (be, y) => be.random_gumbel(y.buf, y.size, key[0], key[1]));
/** Logistic(0, 1) noise, finite for every random word. */
export const logistic = (key: Key, shape: Shape, backend?: Backend) =>
  randomOp('logistic', shape, key, backend, (be, y) => be.random_logistic(y.buf, y.size, key[0], key[1]));

/** z ~ Bernoulli(σ(logits)) as 0/1, via z = [logits + L > 0]. Not differentiable. */
export function bernoulliSample(logits: Tensor, key: Key): Tensor {
  const be = backendOf('bernoulliSample', logits);
  return randomOp('bernoulliSample', logits.shape, key, be, (b, y) => b.bernoulli_sample(logits.buf, y.buf, y.size, key[0], key[1]));
}

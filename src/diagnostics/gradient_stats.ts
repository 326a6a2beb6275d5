// How good is an estimator's gradient? On a problem small enough to enumerate every discrete
// configuration, compare the estimator's per-sample gradient of E_z[f(z)] with respect to the
// parameters θ against the exact gradient ∇θ Σ_z p_θ(z)·f(z): mean, variance (per coordinate and total), bias,
// MSE = ‖bias‖² + total variance, and time per sample.
//
// Per-sample gradients come from one backward pass per batch: each θ is broadcast to B rows and the
// gradient with respect to that [B, D] tensor holds each row's own gradient (times 1/B, the
// surrogate's mean), since rows share nothing but the estimator's moving averages from earlier steps.
import type { Backend } from '../backend.js';
import { grad } from '../autograd/tape.js';
import { createRefBackend } from '../backends/ref/index.js';
import { discrete } from '../distributions/index.js';
import { getBackend, step } from '../engine.js';
import { ArgumentError, checkNumber } from '../errors.js';
import type { Estimator, EstimatorOptions, LatentSpec, Pass } from '../estimators/estimator.js';
import { add, exp, full, linear, log, mul, neg, reshape, scale, square, sum, tanh, tensor, variable, zeros } from '../ops.js';
import { foldIn, key as makeKey, type Key } from '../random/key.js';
import type { Tensor } from '../tensor.js';

/**
 * A small stochastic computation: parameter vectors (each broadcast to every row) and a pass over B
 * rows of them. Its stochastic layers, in call order, are small enough to enumerate.
 */
export interface Problem {
  name: string;
  /** The parameters whose gradient is estimated: vectors θ_p of D_p values. */
  params: readonly (readonly number[])[];
  /** Stochastic layers in the order the pass reaches them: spec and width (units, or n·k). */
  layers: readonly { spec: LatentSpec; width: number }[];
  /** The pass given each θ_p broadcast to rows [B, D_p]; f must be defined for relaxed z too. */
  pass(rows: Tensor[]): Pass;
}

/** One stochastic layer whose logits are θ, followed by a fixed f(z) [B, D] → [B]. */
export function singleLayer(name: string, spec: LatentSpec, theta: readonly number[], f: (z: Tensor) => Tensor): Problem {
  return { name, params: [theta], layers: [{ spec, width: theta.length }], pass: ([rows]) => (latent) => f(latent(rows, spec)) };
}

const constant = (z: Tensor, data: readonly number[], shape: number[]) => tensor(data, shape, { backend: z.backend });

/** f(z) = s·(vᵀ tanh(Wᵀz + b) − t)²: a small fixed network, nonlinear in z (every estimator's bias shows). */
export function smallNetwork(w: readonly number[][], b: readonly number[], v: readonly number[], t: number, s = 1): (z: Tensor) => Tensor {
  const d = w.length, h = b.length;
  return (z) => {
    const hid = tanh(linear(z, constant(z, w.flat(), [d, h]), constant(z, b, [h])));
    const out = reshape(linear(hid, constant(z, v, [h, 1])), [z.shape[0]]);
    return scale(square(scale(out, 1, -t)), s);
  };
}

/** 3 Bernoulli units; f a 3-4-1 tanh network. */
export function bernoulliProblem(): Problem {
  const f = smallNetwork([[1.5, -1, 0.5, 2], [-2, 1, 1.5, -0.5], [1, 2, -1.5, 1]], [0.1, -0.3, 0.2, 0], [0.5, -0.4, 0.3, 0.6], 0.2, 0.5);
  return singleLayer('bernoulli-3', { kind: 'bernoulli' }, [0.4, -0.9, 1.3], f);
}

/** 2 categorical variables of 4 classes; f an 8-4-1 tanh network. */
export function categoricalProblem(): Problem {
  const f = smallNetwork(
    [[1, -1, 0.5, 0], [-1.5, 0.5, 1, 1], [0.5, 1.5, -1, -0.5], [2, 0, 0.5, -1], [-1, 1, 0, 1.5], [0.5, -2, 1, 0], [1.5, 0.5, -0.5, 1], [0, 1, 2, -1]],
    [0.2, -0.1, 0, 0.3], [0.5, -0.4, 0.3, 0.6], 0.1, 0.5,
  );
  return singleLayer('categorical-2x4', { kind: 'categorical', k: 4 }, [0.5, -0.2, 1.0, -1.1, -0.4, 0.8, 0.1, 0.3], f);
}

/** A two-layer sigmoid belief net in miniature: z1 ~ Bern(θ1) [2], z2 ~ Bern(z1·W + θ2) [3], f a 3-4-1 network of z2. */
export function twoLayerProblem(): Problem {
  const w = [1.5, -1, 0.5, -2, 1, 1.5];
  const f = smallNetwork([[1.5, -1, 0.5, 2], [-2, 1, 1.5, -0.5], [1, 2, -1.5, 1]], [0.1, -0.3, 0.2, 0], [0.5, -0.4, 0.3, 0.6], 0.2, 0.5);
  const spec: LatentSpec = { kind: 'bernoulli' };
  return {
    name: 'sbn-2-3',
    params: [[0.3, -0.6], [0.2, -0.5, 0.4]],
    layers: [{ spec, width: 2 }, { spec, width: 3 }],
    pass: ([r1, r2]) => (latent) => {
      const z1 = latent(r1, spec);
      return f(latent(add(linear(z1, constant(z1, w, [2, 3])), r2), spec));
    },
  };
}

/** Its categorical twin: z1 ~ Cat(θ1) [1×3], z2 ~ Cat(z1·W + θ2) [2×3], f a 6-4-1 network of z2. */
export function twoLayerCategoricalProblem(): Problem {
  const w = [1, -1, 0.5, 0, 1.5, -0.5, -1, 0.5, 1, 0.5, 0, -1.5, 0.5, 1, -1, 1.5, -0.5, 0];
  const f = smallNetwork([[1, -1, 0.5, 0], [-1.5, 0.5, 1, 1], [0.5, 1.5, -1, -0.5], [2, 0, 0.5, -1], [-1, 1, 0, 1.5], [0.5, -2, 1, 0]], [0.2, -0.1, 0, 0.3], [0.5, -0.4, 0.3, 0.6], 0.1, 0.5);
  const spec: LatentSpec = { kind: 'categorical', k: 3 };
  return {
    name: 'sbn-cat-3-2x3',
    params: [[0.4, -0.3, 0.1], [0.2, -0.5, 0.4, -0.1, 0.3, 0]],
    layers: [{ spec, width: 3 }, { spec, width: 6 }],
    pass: ([r1, r2]) => (latent) => {
      const z1 = latent(r1, spec);
      return f(latent(add(linear(z1, constant(z1, w, [3, 6])), r2), spec));
    },
  };
}

/**
 * The K-sample bound of a problem as a problem of its own: the layers repeated K times, and
 * f = −log (1/K) Σ_k exp(−f_k) with f_k the base pass on the k-th copy. Its exact gradient is what
 * VIMCO estimates.
 */
export function multiSampleBound(base: Problem, k: number): Problem {
  checkNumber('multiSampleBound', 'k', k, { integer: true, positive: true });
  return {
    name: `${base.name} K=${k}`,
    params: base.params,
    layers: Array.from({ length: k }, () => base.layers).flat(),
    pass: (rows) => (latent) => {
      const ws = Array.from({ length: k }, () => exp(neg(base.pass(rows)(latent))));
      return neg(log(scale(ws.reduce((a, b) => add(a, b)), 1 / k)));
    },
  };
}

/** Every configuration of the layer, one per row: [M, D] (2^D for Bernoulli, k^n for categorical). */
export function configurations(spec: LatentSpec, d: number): { data: Float64Array; count: number } {
  const k = spec.kind === 'bernoulli' ? 2 : spec.k, n = spec.kind === 'bernoulli' ? d : d / spec.k;
  if (!Number.isInteger(n) || k ** n > 1 << 16) throw new ArgumentError(`configurations: too many configurations to enumerate, found ${k}^${n}`);
  const count = k ** n, data = new Float64Array(count * d);
  for (let m = 0; m < count; m++) {
    for (let j = 0, r = m; j < n; j++, r = Math.floor(r / k)) {
      if (spec.kind === 'bernoulli') data[m * d + j] = r % k;
      else data[m * d + j * k + (r % k)] = 1;
    }
  }
  return { data, count };
}

/** Each θ_p broadcast to `rows` rows: [rows, D_p] (a recorded op, so grad() can stop there). */
function broadcastRows(params: Tensor[], rows: number): Tensor[] {
  return params.map((p) => add(zeros([rows, p.size], { backend: p.backend }), p));
}

/**
 * E[f] and its exact gradient in every θ_p (concatenated) by enumerating every configuration of
 * every layer: the pass runs once on all of them as rows, each row weighted by Π_i p(z_i | pa).
 * In f64 on `ref` unless a backend is given.
 */
export function exactGradient(problem: Problem, be: Backend = createRefBackend({ f64: true })): { value: number; grad: Float64Array } {
  const confs = problem.layers.map((l) => configurations(l.spec, l.width));
  const total = confs.reduce((a, c) => a * c.count, 1);
  if (total > 1 << 16) throw new ArgumentError(`exactGradient: too many configurations to enumerate, found ${total}`);
  return step(() => {
    const params = problem.params.map((p) => variable(p, [p.length], be));
    // Row m takes configuration ⌊m / stride_i⌋ mod count_i of layer i.
    let stride = 1;
    const zs = confs.map((c, i) => {
      const w = problem.layers[i].width, data = new Float64Array(total * w);
      for (let m = 0; m < total; m++) data.set(c.data.subarray(Math.floor(m / stride) % c.count * w, (Math.floor(m / stride) % c.count + 1) * w), m * w);
      stride *= c.count;
      return tensor(data, [total, w], { backend: be });
    });
    const logp: Tensor[] = [];
    const f = problem.pass(broadcastRows(params, total))((logits, spec) => {
      const z = zs[logp.length];
      if (!z) throw new ArgumentError(`exactGradient: the pass of '${problem.name}' reached more stochastic layers than its ${problem.layers.length}`);
      logp.push(discrete(logits, spec).logProb(z));
      return z;
    });
    const e = sum(mul(exp(logp.reduce((a, b) => add(a, b))), f));
    const grads = grad(e, params);
    const out = new Float64Array(params.reduce((a, p) => a + p.size, 0));
    let o = 0;
    grads.forEach((g, i) => {
      if (g) out.set(g.data(), o);
      o += params[i].size;
    });
    return { value: e.item(), grad: out };
  }, be);
}

export interface StatsOptions {
  /** Per-sample gradients to draw (rounded up to whole batches). */
  samples: number;
  /** Rows per objective call (default min(samples, 1000)). */
  batch?: number;
  key?: Key;
  /** τ and slope (default τ = 1, slope = 1). */
  opts?: EstimatorOptions;
  /** Batches run first and discarded, so moving averages have a history (default 1). */
  warmup?: number;
  /** The problem whose exact gradient the estimator targets (default: the problem itself; VIMCO: its multiSampleBound). */
  target?: Problem;
  /** The input x an input-dependent baseline reads, [batch, dim] (default: ones [batch, 1]). */
  input?: Tensor;
  backend?: Backend;
}

export interface GradientStats {
  estimator: string;
  problem: string;
  samples: number;
  exact: Float64Array;
  mean: Float64Array;
  /** Per-coordinate variance of one sample's gradient. */
  variance: Float64Array;
  /** Standard error of each variance: √((m₄ − s⁴(n − 3)/(n − 1))/n), m₄ the fourth central moment. */
  varianceStderr: Float64Array;
  /** Σ of the per-coordinate variances: E‖ĝ − E ĝ‖². */
  totalVariance: number;
  /** mean − exact per coordinate, and its standard error √(variance/samples). */
  bias: Float64Array;
  stderr: Float64Array;
  /** ‖bias‖². */
  bias2: number;
  /** E‖ĝ − ∇‖² = ‖bias‖² + total variance. */
  mse: number;
  secondsPerSample: number;
}

export function gradientStats(estimator: Estimator, problem: Problem, options: StatsOptions): GradientStats {
  const samples = checkNumber('gradientStats', 'samples', options.samples, { integer: true, positive: true });
  const batch = checkNumber('gradientStats', 'batch', options.batch ?? Math.min(samples, 1000), { integer: true, positive: true });
  const warmup = checkNumber('gradientStats', 'warmup', options.warmup ?? 1, { integer: true, nonNegative: true });
  const be = options.backend ?? getBackend();
  const opts = options.opts ?? { tau: 1, slope: 1 };
  const key = options.key ?? makeKey(0);
  const params = problem.params.map((p) => variable(p, [p.length], be));
  const d = params.reduce((a, p) => a + p.size, 0);
  // Sums of (g − g₀)^p, p = 1..4, with g₀ the first sample: no cancellation when the variance is ~0.
  const sumG = new Float64Array(d), sumG2 = new Float64Array(d), sumG3 = new Float64Array(d), sumG4 = new Float64Array(d);
  let shift: Float64Array | null = null;
  // An input for an input-dependent baseline (NVIL): one constant feature.
  const x = options.input ?? full([batch, 1], 1, { backend: be, persistent: true });
  if (x.shape[0] !== batch) throw new ArgumentError(`gradientStats: input must have ${batch} rows (the batch), found ${x.shape[0]}`);
  const run = (call: number, record: boolean) =>
    step(() => {
      const rows = broadcastRows(params, batch);
      const { surrogate } = estimator.objective(problem.pass(rows), foldIn(key, call), opts, x);
      const grads = grad(surrogate, rows);
      if (!record) return;
      let o = 0;
      grads.forEach((g, p) => {
        const w = params[p].size;
        const gv = g ? g.data() : new Float64Array(batch * w);
        shift ??= new Float64Array(d);
        if (call === warmup) for (let i = 0; i < w; i++) shift[o + i] = gv[i] * batch;
        for (let i = 0; i < gv.length; i++) {
          const j = o + (i % w), v = gv[i] * batch - shift[j];
          sumG[j] += v;
          sumG2[j] += v * v;
          sumG3[j] += v * v * v;
          sumG4[j] += v * v * v * v;
        }
        o += w;
      });
    }, be);
  for (let c = 0; c < warmup; c++) run(c, false);
  const calls = Math.ceil(samples / batch), t0 = performance.now();
  for (let c = 0; c < calls; c++) run(warmup + c, true);
  const seconds = (performance.now() - t0) / 1000;
  for (const t of options.input ? params : [...params, x]) be.free(t.buf);
  const n = calls * batch, exact = exactGradient(options.target ?? problem).grad;
  const mean = sumG.map((s, j) => shift![j] + s / n);
  const variance = sumG2.map((s, j) => Math.max(0, (s - (sumG[j] * sumG[j]) / n) / (n - 1)));
  const varianceStderr = variance.map((s2, j) => {
    const mu = sumG[j] / n, m4 = sumG4[j] / n - 4 * mu * sumG3[j] / n + 6 * mu * mu * sumG2[j] / n - 3 * mu ** 4;
    return Math.sqrt(Math.max(0, m4 - (s2 * s2 * (n - 3)) / (n - 1)) / n);
  });
  const bias = mean.map((m, j) => m - exact[j]);
  const totalVariance = variance.reduce((a, b) => a + b, 0), bias2 = bias.reduce((a, b) => a + b * b, 0);
  return {
    estimator: estimator.name, problem: problem.name, samples: n, exact, mean, variance, varianceStderr, totalVariance,
    bias, stderr: variance.map((v) => Math.sqrt(v / n)), bias2, mse: bias2 + totalVariance, secondsPerSample: seconds / n,
  };
}

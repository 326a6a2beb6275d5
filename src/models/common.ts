// What the paper's models share: latent layer shapes, discrete sampling and log-mass under logits,
// output-bias initialisation, and the importance-sampled evaluation loop (P12: the log-mean-exp
// over m samples is accumulated in f64 on the host, streaming over chunks of samples).
import type { Backend } from '../backend.js';
import { noGrad } from '../autograd/tape.js';
import { step } from '../engine.js';
import { ArgumentError, ShapeError, checkNumber } from '../errors.js';
import type { LatentSpec, Pass } from '../estimators/estimator.js';
import { sigmoidCrossEntropy, sum, tensor } from '../ops.js';
import { foldIn, type Key } from '../random/key.js';
import type { Params } from '../nn/params.js';
import type { Tensor } from '../tensor.js';

export type LatentKind = 'bernoulli' | 'categorical';

/** A stochastic layer's size: `units` Bernoulli units, or `vars` categorical variables of `classes` classes. */
export interface LatentSize {
  kind: LatentKind;
  /** Bernoulli units (default 200). */
  units?: number;
  /** Categorical variables (default 20) of `classes` classes (default 10). */
  vars?: number;
  classes?: number;
}

/** The spec the estimator sees and the layer's width (units, or vars·classes). */
export function latentLayer(size: LatentSize): { spec: LatentSpec; width: number } {
  if (size.kind === 'bernoulli') {
    const units = checkNumber('latent', 'units', size.units ?? 200, { integer: true, positive: true });
    return { spec: { kind: 'bernoulli' }, width: units };
  }
  if (size.kind === 'categorical') {
    const vars = checkNumber('latent', 'vars', size.vars ?? 20, { integer: true, positive: true });
    const k = checkNumber('latent', 'classes', size.classes ?? 10, { integer: true, positive: true });
    if (k < 2) throw new ArgumentError(`latent: classes must be >= 2, found ${k}`);
    return { spec: { kind: 'categorical', k }, width: vars * k };
  }
  throw new ArgumentError(`latent: kind must be 'bernoulli' or 'categorical', found '${String((size as LatentSize).kind)}'`);
}

/** −Σ_j log p(x_j | logits_j) for Bernoulli pixels: [B, D] → [B] (the models' f, so no negation op either way). */
export function bernoulliNll(logits: Tensor, x: Tensor): Tensor {
  return sum(sigmoidCrossEntropy(logits, x), -1);
}

/**
 * Logit of the mean of columns [from, to) over data rows [n, dim], clamped to [eps, 1−eps]: the
 * output-bias initialisation (the Concrete paper's convention), so training starts at the marginals.
 */
export function logitOfMean(data: Float32Array, dim: number, from = 0, to = dim, eps = 1e-3): Float32Array {
  const rows = data.length / dim;
  if (!Number.isInteger(rows) || rows < 1) throw new ShapeError(`logitOfMean: data must hold whole rows of ${dim}, found ${data.length} values`);
  const w = to - from;
  const acc = new Float64Array(w);
  for (let r = 0; r < rows; r++) for (let j = 0; j < w; j++) acc[j] += data[r * dim + from + j];
  const out = new Float32Array(w);
  for (let j = 0; j < w; j++) {
    const p = Math.min(1 - eps, Math.max(eps, acc[j] / rows));
    out[j] = Math.log(p / (1 - p));
  }
  return out;
}

/**
 * Columns [from, to) of host rows [rows, dim], copied into `out` (reused by a caller that copies the
 * result on at once: a fresh array of a batch's size, ~157 kB, costs more than the copy, ~0.4 ms in
 * the allocator and page faults, a fifth of an SBN step).
 */
export function columns(data: Float32Array, rows: number, dim: number, from: number, to: number, out = new Float32Array(rows * (to - from))): Float32Array {
  const w = to - from;
  if (out.length < rows * w) throw new ShapeError(`columns: out must hold ${rows * w} values, found ${out.length}`);
  for (let r = 0; r < rows; r++) out.set(data.subarray(r * dim + from, r * dim + to), r * w);
  return out.length === rows * w ? out : out.subarray(0, rows * w);
}

/** One batch as the estimator sees it: its input x (what an input-dependent baseline reads) and the pass. */
export interface Batch {
  x: Tensor;
  pass: Pass;
}

export interface EvalOptions {
  /** Discrete samples per example (the paper's m; default 1000). */
  samples?: number;
  key: Key;
  /** About how many sample rows go through the network at once (default 4000). */
  chunkRows?: number;
  /** At most this many examples per chunk (default 32): repeating rows by a one-hot matmul costs E·s·E·dim. */
  chunkExamples?: number;
  /** Called after each chunk with the examples finished so far. */
  onProgress?: (done: number, total: number) => void;
}

export interface EvalResult {
  /** Mean over examples of −log((1/m) Σ_i w_i), in nats. */
  mean: number;
  perExample: Float64Array;
  samples: number;
}

/** The trained model interface the loop, the CLI and the tests use. */
export interface Model {
  readonly name: 'sbn' | 'vae';
  readonly latent: LatentKind;
  readonly params: Params;
  /** Values per data row (784 for MNIST; the SBN splits it into input and target). */
  readonly dim: number;
  /** Width of batch()'s x, what an input-dependent baseline reads (VAE: dim; SBN: its input half). */
  readonly inDim: number;
  /** The estimator's view of `rows` host data rows [rows, dim]. */
  batch(data: Float32Array, rows: number): Batch;
  /** −log of the m-sample importance estimate per example (VAE: −log p̂(x); SBN: −log p̂(lower | upper)). */
  evaluate(data: Float32Array, opts: EvalOptions): EvalResult;
  /** n images [n, dim] of probabilities in [0, 1]: VAE samples from the prior; SBN completions of `data`'s inputs. */
  sample(n: number, key: Key, data?: Float32Array): Float32Array;
}

/** Streaming log-mean-exp per example in f64 (max-shifted). */
export class LogMeanExp {
  private readonly max: Float64Array;
  private readonly acc: Float64Array;
  private readonly count: Float64Array;

  constructor(n: number) {
    this.max = new Float64Array(n).fill(-Infinity);
    this.acc = new Float64Array(n);
    this.count = new Float64Array(n);
  }

  /** Adds values[0..len) to example i. */
  add(i: number, values: ArrayLike<number>, start: number, len: number): void {
    let m = this.max[i];
    for (let j = 0; j < len; j++) if (values[start + j] > m) m = values[start + j];
    if (m === -Infinity || Number.isNaN(m)) {
      this.count[i] += len;
      if (Number.isNaN(m)) this.max[i] = NaN;
      return;
    }
    let s = this.max[i] === -Infinity ? 0 : this.acc[i] * Math.exp(this.max[i] - m);
    for (let j = 0; j < len; j++) s += Math.exp(values[start + j] - m);
    this.max[i] = m;
    this.acc[i] = s;
    this.count[i] += len;
  }

  /** log((1/count) Σ exp(v)) for example i. */
  value(i: number): number {
    return this.max[i] + Math.log(this.acc[i]) - Math.log(this.count[i]);
  }
}

/**
 * The shared evaluation loop. Examples go through in chunks of E examples × s samples (E·s ≈ chunkRows);
 * `logWeights(rows, e, R, key)` gets the chunk's e host data rows [e, dim] and the one-hot repeat matrix
 * R [e·s, e] (matmul(R, t) repeats each row of t s times, exactly), and returns log w [e·s], example-major.
 */
export function importanceEvaluate(
  be: Backend,
  data: Float32Array,
  dim: number,
  opts: EvalOptions,
  logWeights: (rows: Float32Array, e: number, repeat: Tensor, key: Key) => Tensor,
): EvalResult {
  const m = checkNumber('evaluate', 'samples', opts.samples ?? 1000, { integer: true, positive: true });
  const chunkRows = checkNumber('evaluate', 'chunkRows', opts.chunkRows ?? 4000, { integer: true, positive: true });
  const n = data.length / dim;
  if (!Number.isInteger(n)) throw new ShapeError(`evaluate: data must hold whole rows of ${dim}, found ${data.length} values`);
  const s = Math.min(m, chunkRows);
  const maxE = checkNumber('evaluate', 'chunkExamples', opts.chunkExamples ?? 32, { integer: true, positive: true });
  const E = Math.max(1, Math.min(maxE, Math.floor(chunkRows / s)));
  const lme = new LogMeanExp(n);
  const repeatFor = new Map<number, Float32Array>();
  const repeatData = (e: number): Float32Array => {
    let r = repeatFor.get(e);
    if (!r) {
      r = new Float32Array(e * s * e);
      for (let i = 0; i < e; i++) for (let j = 0; j < s; j++) r[(i * s + j) * e + i] = 1;
      repeatFor.set(e, r);
    }
    return r;
  };
  let chunk = 0;
  for (let start = 0; start < n; start += E) {
    const e = Math.min(E, n - start);
    for (let done = 0; done < m; done += s) {
      const len = Math.min(s, m - done);
      const key = foldIn(opts.key, chunk++);
      const lw = step(() => noGrad(() => {
        // A chunk with fewer samples (the last of m) uses a repeat matrix for `len` samples per example.
        const r = len === s ? repeatData(e) : (() => {
          const a = new Float32Array(e * len * e);
          for (let i = 0; i < e; i++) for (let j = 0; j < len; j++) a[(i * len + j) * e + i] = 1;
          return a;
        })();
        const repeat = tensor(r, [e * len, e], { backend: be });
        return logWeights(data.subarray(start * dim, (start + e) * dim), e, repeat, key).data();
      }), be);
      for (let i = 0; i < e; i++) lme.add(start + i, lw, i * len, len);
    }
    opts.onProgress?.(start + e, n);
  }
  const perExample = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    perExample[i] = -lme.value(i);
    total += perExample[i];
  }
  return { mean: n ? total / n : NaN, perExample, samples: m };
}

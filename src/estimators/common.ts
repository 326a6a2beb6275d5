// What the seven estimators share: driving a pass layer by layer with one key per stochastic layer,
// the straight-through arithmetic, probes for ∂f/∂z, the objective's shape, and the moving averages
// of MuProp's centring (C) and variance normalisation (VN) (Gu et al. 2016 §2.2; Mnih & Gregor 2014).
import { discrete, type Discrete } from '../distributions/index.js';
import { ArgumentError, GumbelError, ShapeError, checkNumber, fmtShape } from '../errors.js';
import { add, mean, scale, stopGradient, sub, zeros } from '../ops.js';
import { foldIn, type Key } from '../random/key.js';
import type { Tensor } from '../tensor.js';
import type { Estimator, EstimatorName, EstimatorOptions, Latent, LatentSpec, Objective, Pass } from './estimator.js';

/** The key of the i-th stochastic layer a pass reaches (call order), so every estimator given one key draws the same z. */
export const layerKey = (key: Key, i: number): Key => foldIn(key, i);

function checkSpec(spec: LatentSpec): LatentSpec {
  if (spec?.kind === 'bernoulli') return spec;
  if (spec?.kind === 'categorical') {
    checkNumber('latent', 'spec.k', spec.k, { integer: true, positive: true });
    return spec;
  }
  throw new ArgumentError(`latent: spec.kind must be 'bernoulli' or 'categorical', found ${JSON.stringify(spec)}`);
}

/** Runs the pass, handing each stochastic layer to `handle` with its call index; returns f [B]. */
export function drive(pass: Pass, handle: (logits: Tensor, spec: LatentSpec, i: number) => Tensor): Tensor {
  let i = 0;
  const latent: Latent = (logits, spec) => handle(logits, checkSpec(spec), i++);
  const f = pass(latent);
  if (f.rank !== 1) throw new ShapeError(`estimator: the pass must return f per example, [B], found ${fmtShape(f.shape)}`);
  return f;
}

/** Runs the pass again on stored samples zs (one per layer, in call order); returns f and each layer's distribution. */
export function replay(name: string, pass: Pass, zs: Tensor[]): { f: Tensor; dists: Discrete[] } {
  const dists: Discrete[] = [];
  const f = drive(pass, (logits, spec, i) => {
    if (i >= zs.length) throw new GumbelError(`${name}: the pass reached more stochastic layers than the ${zs.length} of its first run; it must reach the same layers each time`);
    dists.push(discrete(logits, spec));
    return zs[i];
  });
  if (dists.length !== zs.length) throw new GumbelError(`${name}: the pass reached ${dists.length} stochastic layers, its first run ${zs.length}; it must reach the same layers each time`);
  return { f, dists };
}

/** Forward `hard`, backward through `soft`: (hard − SG(soft)) + soft, exact in the forward ((1 − a) + a = 1: numerics P8). */
export function straightThrough(hard: Tensor, soft: Tensor): Tensor {
  return add(sub(hard, stopGradient(soft)), soft);
}

/** t + 0 where the 0 is a leaf wanting a gradient: grad(f, [leaf]) is then ∂f/∂t through every later path. */
export function probe(t: Tensor): { value: Tensor; leaf: Tensor } {
  const leaf = zeros(t.shape, { backend: t.backend });
  leaf.requiresGrad = true;
  return { value: add(t, leaf), leaf };
}

/** loss = mean_b f_b (reporting); surrogate = mean_b f_b + the estimator's extra terms. */
export function objectiveOf(f: Tensor, extra?: Tensor): Objective {
  const m = mean(f);
  return { loss: stopGradient(m), surrogate: extra ? add(m, extra) : m };
}

/** Σ of a list of same-shaped tensors (null when empty). */
export function addAll(ts: Tensor[]): Tensor | null {
  return ts.length ? ts.reduce((a, b) => add(a, b)) : null;
}

/** An estimator whose only work is the value each stochastic layer takes (one pass, no state). */
export function pathwise(name: EstimatorName, value: (logits: Tensor, spec: LatentSpec, key: Key, opts: EstimatorOptions) => Tensor): Estimator {
  return {
    name,
    unbiased: false,
    objective: (pass, key, opts) => objectiveOf(drive(pass, (logits, spec, i) => value(logits, spec, layerKey(key, i), opts))),
    params: () => [],
    state: () => ({}),
    loadState: () => {},
  };
}

export interface SignalOptions {
  /** Decay of the moving averages (default 0.99: a horizon of about 100 steps). */
  decay?: number;
  /** Subtract the moving average of the signal (C; default true). */
  centre?: boolean;
  /** Divide by max(1, √v), v the moving average of the squared centred signal (VN; default true). */
  normalise?: boolean;
}

/**
 * C and VN for learning signals indexed by stochastic layer. apply() uses the averages of earlier
 * steps only (so the centred signal stays independent of this step's samples), then updates them:
 * c ← d·c + (1 − d)·mean(s), v ← d·v + (1 − d)·mean(r²) with r the centred signal; both are
 * bias-corrected by 1 − dᵗ (Adam's correction), and the first step uses c = 0, v ≤ 1.
 */
export class SignalStats {
  readonly decay: number;
  readonly centre: boolean;
  readonly normalise: boolean;
  private c = new Map<number, number>();
  private v = new Map<number, number>();
  private t = new Map<number, number>();

  constructor(opts: SignalOptions = {}) {
    this.decay = checkNumber('estimator', 'decay', opts.decay ?? 0.99, { nonNegative: true });
    if (this.decay >= 1) throw new ArgumentError(`estimator: decay must be in [0, 1), found ${this.decay}`);
    this.centre = opts.centre ?? true;
    this.normalise = opts.normalise ?? true;
  }

  /** The bias-corrected moving mean of signal i (0 before its first step). */
  mean(i: number): number {
    const t = this.t.get(i) ?? 0;
    return t ? (this.c.get(i) ?? 0) / (1 - this.decay ** t) : 0;
  }

  private meanSquare(i: number): number {
    const t = this.t.get(i) ?? 0;
    return t ? (this.v.get(i) ?? 0) / (1 - this.decay ** t) : 0;
  }

  /**
   * (s − c − b)/max(1, √v) for a stopped signal s (any shape) and an optional stopped baseline b of
   * s's shape; returns it and the c used.
   */
  apply(i: number, s: Tensor, b?: Tensor): { signal: Tensor; c: number } {
    const c = this.centre ? this.mean(i) : 0;
    const m = this.normalise ? Math.max(1, Math.sqrt(this.meanSquare(i))) : 1;
    const centred = b ? sub(s, b) : s;
    const signal = stopGradient(scale(centred, 1 / m, -c / m));
    // Update from this step's values (host reads of a few numbers per example).
    const sv = s.data(), bv = b?.data();
    let sum = 0, sq = 0;
    for (let j = 0; j < sv.length; j++) {
      const r = sv[j] - c - (bv ? bv[j] : 0);
      sum += sv[j];
      sq += r * r;
    }
    const n = Math.max(1, sv.length), d = this.decay;
    this.c.set(i, d * (this.c.get(i) ?? 0) + (1 - d) * (sum / n));
    this.v.set(i, d * (this.v.get(i) ?? 0) + (1 - d) * (sq / n));
    this.t.set(i, (this.t.get(i) ?? 0) + 1);
    return { signal, c };
  }

  /** Plain numbers for a checkpoint: c<i>, v<i>, t<i> per signal. */
  state(): Record<string, number> {
    const s: Record<string, number> = {};
    for (const [i, t] of this.t) Object.assign(s, { [`c${i}`]: this.c.get(i) ?? 0, [`v${i}`]: this.v.get(i) ?? 0, [`t${i}`]: t });
    return s;
  }

  loadState(s: Record<string, number>): void {
    this.c.clear();
    this.v.clear();
    this.t.clear();
    for (const [name, value] of Object.entries(s)) {
      const m = /^([cvt])(\d+)$/.exec(name);
      if (!m || !Number.isFinite(value)) throw new ArgumentError(`estimator.loadState: entries must be c<i>, v<i> or t<i> with finite values, found ${name} = ${value}`);
      this.maps()[m[1] as 'c' | 'v' | 't'].set(Number(m[2]), value);
    }
  }

  private maps(): Record<'c' | 'v' | 't', Map<number, number>> {
    return { c: this.c, v: this.v, t: this.t };
  }
}

/** The shared shape of sf, darn and muprop: C and VN statistics as state, no parameters of their own. */
export abstract class SignalEstimator implements Estimator {
  abstract readonly name: EstimatorName;
  abstract readonly unbiased: boolean;
  protected readonly stats: SignalStats;

  constructor(opts: SignalOptions = {}) {
    this.stats = new SignalStats(opts);
  }

  abstract objective(pass: Pass, key: Key, opts: EstimatorOptions, x?: Tensor): Objective;

  params(): Tensor[] {
    return [];
  }

  state(): Record<string, number> {
    return this.stats.state();
  }

  loadState(s: Record<string, number>): void {
    this.stats.loadState(s);
  }
}

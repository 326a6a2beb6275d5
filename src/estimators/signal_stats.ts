// The learning-signal statistics of the score-function family (sf, darn, muprop): moving averages
// for MuProp's centring (C) and variance normalisation (VN) (Gu et al. 2016 §2.2; Mnih & Gregor 2014).
import { ArgumentError, checkNumber } from '../errors.js';
import { scale, stopGradient, sub } from '../ops.js';
import type { Key } from '../random/key.js';
import type { Tensor } from '../tensor.js';
import type { Estimator, EstimatorOptions, Objective, Pass } from './estimator.js';
import type { OptionSpec } from './registry.js';

/** The option table entries of C and VN (registry.ts), shared by sf, darn and muprop. */
export const SIGNAL_OPTIONS: readonly OptionSpec[] = [
    { key: 'decay', help: 'decay of the moving averages of C and VN', default: 0.99, min: 0, max: 0.999999 },
    { key: 'centre', help: 'centre the learning signal by its moving average (C)', default: true },
    { key: 'normalise', help: 'divide the signal by max(1, √v), v its moving mean square (VN)', default: true },
  ];

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
  abstract readonly name: string;
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

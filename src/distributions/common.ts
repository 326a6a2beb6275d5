// What the distributions share: temperature validation (TAU_RANGE) and broadcasting (numerics P4, P9),
// per-variable sums over groups of k, and log Γ(k) for integer k.
import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import { add, div, log, mul, reshape, scale, sum } from '../ops.js';
import { Tensor } from '../tensor.js';

/**
 * The temperatures the f32 kernels can compute with. (ℓ + g)/τ and τ·x stay finite while |ℓ + g| and
 * |x| are below 3.4e8 (f32 max 3.4e38 × 1e-30); τ = 1e-40 is not even a normal f32 and gives NaN.
 */
export const TAU_RANGE: readonly [number, number] = [1e-30, 1e30];

/** In TAU_RANGE, compared in f32 (what a tensor of τ holds, and what the kernels compute with). */
const tauOk = (v: number): boolean => Math.fround(v) >= Math.fround(TAU_RANGE[0]) && Math.fround(v) <= Math.fround(TAU_RANGE[1]);
const RANGE = 'a finite number in [1e-30, 1e30]';

/** A temperature: one number, or one value per row of the logits ([B] or [B, 1]). */
export type Temperature = number | Tensor;

/** A validated temperature, ready to divide, multiply and take the log of. */
export class Tau {
  private constructor(readonly value: number | Tensor) {}

  /** Throws ArgumentError naming `tau` unless every value is in TAU_RANGE. */
  static of(where: string, tau: Temperature, logits: Tensor): Tau {
    if (typeof tau === 'number') {
      if (!tauOk(tau)) throw new ArgumentError(`${where}: tau must be ${RANGE}, found ${String(tau)}`);
      return new Tau(tau);
    }
    if (!(tau instanceof Tensor)) throw new ArgumentError(`${where}: tau must be a number or a Tensor, found ${typeof tau}`);
    const rows = logits.rank === 2 ? logits.shape[0] : -1;
    if (tau.size !== 1 && (rows < 0 || tau.size !== rows || tau.rank > 2 || (tau.rank === 2 && tau.shape[1] !== 1))) {
      throw new ShapeError(`${where}: tau must be one value or one per row of the logits [${rows < 0 ? 'B' : rows}] or [${rows < 0 ? 'B' : rows},1], found ${fmtShape(tau.shape)} for logits ${fmtShape(logits.shape)}`);
    }
    const values = tau.data();
    const bad = values.findIndex((v) => !tauOk(v));
    if (bad >= 0) throw new ArgumentError(`${where}: tau must be ${RANGE} in every row, found ${values[bad]} at row ${bad}`);
    return new Tau(tau.size === 1 ? reshape(tau, [1]) : reshape(tau, [rows, 1]));
  }

  /** x / τ (τ broadcast over each row). */
  divide(x: Tensor): Tensor {
    return typeof this.value === 'number' ? scale(x, 1 / this.value) : div(x, this.value);
  }

  /** τ · x. */
  times(x: Tensor): Tensor {
    return typeof this.value === 'number' ? scale(x, this.value) : mul(x, this.value);
  }

  /** c·log τ + x, with x [B, m] (τ a number, or one value per row). */
  addLog(x: Tensor, c: number): Tensor {
    if (typeof this.value === 'number') return scale(x, 1, c * Math.log(this.value));
    return add(x, scale(log(this.value), c));
  }
}

/** Sums over each group of k along the last axis: [..., n·k] → [..., n] (k = 1: unchanged). */
export function sumGroups(x: Tensor, k: number): Tensor {
  if (k === 1) return x;
  const last = x.shape[x.rank - 1];
  const n = last / k;
  return reshape(sum(reshape(x, [x.size / k, k]), -1), [...x.shape.slice(0, -1), n]);
}

/** Sum over the last axis: per-unit values [B, m] → per-example [B]. */
export const perExample = (x: Tensor): Tensor => sum(x, -1);

/** log Γ(k) = log((k − 1)!) for a positive integer k. */
export function logGammaInt(k: number): number {
  let s = 0;
  for (let i = 2; i < k; i++) s += Math.log(i);
  return s;
}

/** Euler–Mascheroni constant (the mean of a standard Gumbel). */
export const EULER_GAMMA = 0.5772156649015329;

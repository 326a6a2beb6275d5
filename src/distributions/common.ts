// What the distributions share: temperature validation and broadcasting (numerics P4, P9),
// per-variable sums over groups of k, and log Γ(k) for integer k.
import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import { add, div, log, mul, reshape, scale, sum } from '../ops.js';
import { Tensor } from '../tensor.js';

/** A temperature: one number, or one value per row of the logits ([B] or [B, 1]). */
export type Temperature = number | Tensor;

/** A validated temperature, ready to divide, multiply and take the log of. */
export class Tau {
  private constructor(readonly value: number | Tensor) {}

  /** Throws ArgumentError naming `tau` unless every value is finite and > 0. */
  static of(where: string, tau: Temperature, logits: Tensor): Tau {
    if (typeof tau === 'number') {
      if (!Number.isFinite(tau) || tau <= 0) throw new ArgumentError(`${where}: tau must be a finite number > 0, found ${String(tau)}`);
      return new Tau(tau);
    }
    if (!(tau instanceof Tensor)) throw new ArgumentError(`${where}: tau must be a number or a Tensor, found ${typeof tau}`);
    const rows = logits.rank === 2 ? logits.shape[0] : -1;
    if (tau.size !== 1 && (rows < 0 || tau.size !== rows || tau.rank > 2 || (tau.rank === 2 && tau.shape[1] !== 1))) {
      throw new ShapeError(`${where}: tau must be one value or one per row of the logits [${rows < 0 ? 'B' : rows}] or [${rows < 0 ? 'B' : rows},1], found ${fmtShape(tau.shape)} for logits ${fmtShape(logits.shape)}`);
    }
    const values = tau.data();
    const bad = values.findIndex((v) => !(Number.isFinite(v) && v > 0));
    if (bad >= 0) throw new ArgumentError(`${where}: tau must be finite and > 0 in every row, found ${values[bad]} at row ${bad}`);
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

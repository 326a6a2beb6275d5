// Annealing schedules as pure functions of the step (or epoch) and a plain-data config, so a
// checkpoint only needs the step counter and the config object.
// - Temperature (Jang et al. 2017 §4.2–4.3): τ = max(floor, τ0·exp(−r·N·⌊t/N⌋)), updated every N steps;
//   τ0 = 1 and floor = 0.5 in the paper (VAE: r ∈ {1e−5, 1e−4}, N ∈ {500, 1000}; M2: r = 3e−5, N = 2000;
//   SBN: fixed τ = 1).
// - Slope of the annealed straight-through estimator (Chung et al. 2016 §4.1): a = min(5, 1 + 0.04·epoch).
import { ArgumentError, checkNumber } from '../errors.js';

export interface TauSchedule {
  /** Decay rate r per step. */
  rate: number;
  /** τ changes every N steps. */
  every: number;
  /** Lower bound (0.5 in the paper). */
  floor: number;
  /** τ at step 0 (1 in the paper). */
  initial?: number;
}

export interface SlopeSchedule {
  start: number;
  /** Increase per epoch. */
  rate: number;
  max: number;
}

export const PAPER_SLOPE: Readonly<SlopeSchedule> = { start: 1, rate: 0.04, max: 5 };
/** Fixed τ = 1 (the SBN experiments). */
export const FIXED_TAU: Readonly<TauSchedule> = { rate: 0, every: 1, floor: 1, initial: 1 };
/** The semi-supervised schedule: τ = max(0.5, exp(−3e−5·t)), every 2000 steps. */
export const SSL_TAU: Readonly<TauSchedule> = { rate: 3e-5, every: 2000, floor: 0.5 };
/** The VAE schedule grid (r, N); the paper picks one on validation. */
export const VAE_TAU_GRID: readonly Readonly<TauSchedule>[] = [1e-5, 1e-4].flatMap((rate) => [500, 1000].map((every) => ({ rate, every, floor: 0.5 })));

function checkTau(s: TauSchedule): void {
  checkNumber('tauAt', 'rate', s.rate, { nonNegative: true });
  checkNumber('tauAt', 'every', s.every, { integer: true, positive: true });
  checkNumber('tauAt', 'floor', s.floor, { positive: true });
  checkNumber('tauAt', 'initial', s.initial ?? 1, { positive: true });
}

/** τ at global step t (t ≥ 0, an integer). */
export function tauAt(t: number, s: TauSchedule): number {
  checkNumber('tauAt', 't', t, { integer: true, nonNegative: true });
  checkTau(s);
  return Math.max(s.floor, (s.initial ?? 1) * Math.exp(-s.rate * s.every * Math.floor(t / s.every)));
}

/** Slope a at a (possibly fractional) epoch ≥ 0. */
export function slopeAt(epoch: number, s: SlopeSchedule = PAPER_SLOPE): number {
  checkNumber('slopeAt', 'epoch', epoch, { nonNegative: true });
  checkNumber('slopeAt', 'start', s.start, { positive: true });
  checkNumber('slopeAt', 'rate', s.rate, { nonNegative: true });
  checkNumber('slopeAt', 'max', s.max, { positive: true });
  if (s.max < s.start) throw new ArgumentError(`slopeAt: max must be >= start (${s.start}), found ${s.max}`);
  return Math.min(s.max, s.start + s.rate * epoch);
}

/** Whole epochs completed after `step` steps of `batch` examples over `examples` (50,000 for MNIST). */
export function epochAt(step: number, batch: number, examples: number): number {
  checkNumber('epochAt', 'step', step, { integer: true, nonNegative: true });
  checkNumber('epochAt', 'batch', batch, { integer: true, positive: true });
  checkNumber('epochAt', 'examples', examples, { integer: true, positive: true });
  return Math.floor((step * batch) / examples);
}

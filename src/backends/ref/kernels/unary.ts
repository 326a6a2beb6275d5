import type { F, UnaryOp } from '../../../kernels.js';

/** Stable sigmoid: never evaluates exp of a large positive number. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Stable softplus log(1 + eˣ) = max(x, 0) + log1p(e^−|x|). */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

export const UNARY: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  square: (x) => x * x,
  sqrt: Math.sqrt,
  relu: (x) => (x > 0 ? x : x === x ? 0 : x),
  sigmoid,
  tanh: Math.tanh,
  softplus,
  exp: Math.exp,
  log: Math.log,
};

export function unary(op: UnaryOp, x: F, y: F, n: number): void {
  const f = UNARY[op];
  for (let i = 0; i < n; i++) y[i] = f(x[i]);
}

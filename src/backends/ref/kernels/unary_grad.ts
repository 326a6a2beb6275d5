import type { F, UnaryOp } from '../../../kernels.js';
import { sigmoid } from './unary.js';

// dx = dy·f′(x), written with y = f(x) where that is cheaper or more stable.
const GRAD: Record<UnaryOp, (x: number, y: number, dy: number) => number> = {
  neg: (_x, _y, dy) => -dy,
  abs: (x, _y, dy) => (x > 0 ? dy : x < 0 ? -dy : x === x ? 0 : x),
  square: (x, _y, dy) => 2 * x * dy,
  sqrt: (_x, y, dy) => dy / (2 * y),
  relu: (x, _y, dy) => (x > 0 ? dy : x === x ? 0 : x),
  sigmoid: (_x, y, dy) => dy * y * (1 - y),
  tanh: (_x, y, dy) => dy * (1 - y * y),
  softplus: (x, _y, dy) => dy * sigmoid(x),
  exp: (_x, y, dy) => dy * y,
  log: (x, _y, dy) => dy / x,
};

export function unary_grad(op: UnaryOp, x: F, y: F, dy: F, dx: F, n: number): void {
  const g = GRAD[op];
  for (let i = 0; i < n; i++) dx[i] = g(x[i], y[i], dy[i]);
}

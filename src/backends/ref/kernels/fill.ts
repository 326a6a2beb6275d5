import type { F } from '../../../kernels.js';
export function fill(y: F, n: number, value: number): void {
  y.fill(value, 0, n);
}

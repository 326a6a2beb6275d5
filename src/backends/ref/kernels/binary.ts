import { Bcast, type BinaryOp, type F } from '../../../kernels.js';

const nanMax = (a: number, b: number) => (a !== a || b !== b ? NaN : Math.max(a, b));
const nanMin = (a: number, b: number) => (a !== a || b !== b ? NaN : Math.min(a, b));

const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  max: nanMax,
  min: nanMin,
};

export function binary(op: BinaryOp, a: F, b: F, y: F, rows: number, cols: number, bcast: Bcast): void {
  const f = BINARY[op];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const bi = bcast === Bcast.None ? i : bcast === Bcast.Row ? c : bcast === Bcast.Col ? r : 0;
      y[i] = f(a[i], b[bi]);
    }
  }
}

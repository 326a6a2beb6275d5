// softmax (and softmax_grad) in M elements/s over [rows, k]: [2000, 10] (20 categorical variables
// × 10 classes × a batch of 100), [10000, 2] (the segmented k = 2 path), [100, 784] (long rows);
// ref, the wasm builds, tfjs-backend-wasm (tf.softmax on the last axis; see support.ts for the
// two tfjs rows). `npm run bench -- kernels softmax [--json]`
import { type BenchContext, type Row, measure } from '../harness.js';
import { backendCases, data, impls_, tfjsCases } from './support.js';

export const SHAPES: [number, number][] = [[2000, 10], [10000, 2], [100, 784]];

export async function run(_ctx: BenchContext): Promise<Row[]> {
  const im = await impls_();
  const rows: Row[] = [];
  for (const [r, k] of SHAPES) {
    const n = r * k, x = data(n, 1);
    const cases = backendCases(im, [x], [n], n, (be, [bx], [by]) => be.softmax(bx, by, r, k));
    cases.push(...tfjsCases(im, [{ data: x, shape: [r, k] }], n, (t) => im.tf.softmax(t)));
    rows.push(...(await measure('softmax', `[${r},${k}]`, 'M elem/s', cases)));
  }
  for (const [r, k] of SHAPES.slice(0, 2)) {
    const n = r * k, y = data(n, 3, 0, 0.2), dy = data(n, 4);
    rows.push(...(await measure('softmax_grad', `[${r},${k}]`, 'M elem/s', backendCases(im, [y, dy], [n], n, (be, [by, bg], [bd]) => be.softmax_grad(by, bg, bd, r, k)))));
  }
  return rows;
}

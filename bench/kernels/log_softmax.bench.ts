// log_softmax (and log_softmax_grad) in M elements/s over [rows, k]: [2000, 10], [10000, 2],
// [100, 784]; ref, the wasm builds, tfjs-backend-wasm (tf.logSoftmax on the last axis; see
// support.ts for the two tfjs rows). `npm run bench -- kernels log_softmax [--json]`
import { type BenchContext, type Row, measure } from '../harness.js';
import { SHAPES } from './softmax.bench.js';
import { backendCases, data, impls_, tfjsCases } from './support.js';

export async function run(_ctx: BenchContext): Promise<Row[]> {
  const im = await impls_();
  const rows: Row[] = [];
  for (const [r, k] of SHAPES) {
    const n = r * k, x = data(n, 1);
    const cases = backendCases(im, [x], [n], n, (be, [bx], [by]) => be.log_softmax(bx, by, r, k));
    cases.push(...tfjsCases(im, [{ data: x, shape: [r, k] }], n, (t) => im.tf.logSoftmax(t)));
    rows.push(...(await measure('log_softmax', `[${r},${k}]`, 'M elem/s', cases)));
  }
  for (const [r, k] of SHAPES.slice(0, 2)) {
    const n = r * k, y = data(n, 3, -6, 0), dy = data(n, 4);
    rows.push(...(await measure('log_softmax_grad', `[${r},${k}]`, 'M elem/s', backendCases(im, [y, dy], [n], n, (be, [by, bg], [bd]) => be.log_softmax_grad(by, bg, bd, r, k)))));
  }
  return rows;
}

// logsumexp in M elements/s over [rows, k]: [2000, 10], [10000, 2], [100, 784]; ref, the wasm
// builds, tfjs-backend-wasm (tf.logSumExp over axis 1; see support.ts for the two tfjs rows).
// `npm run bench -- kernels logsumexp [--json]`
import { type BenchContext, type Row, measure } from '../harness.js';
import { SHAPES } from './softmax.bench.js';
import { backendCases, data, impls_, tfjsCases } from './support.js';

export async function run(_ctx: BenchContext): Promise<Row[]> {
  const im = await impls_();
  const rows: Row[] = [];
  for (const [r, k] of SHAPES) {
    const n = r * k, x = data(n, 1);
    const cases = backendCases(im, [x], [r], n, (be, [bx], [by]) => be.logsumexp(bx, by, r, k));
    cases.push(...tfjsCases(im, [{ data: x, shape: [r, k] }], n, (t) => im.tf.logSumExp(t, 1)));
    rows.push(...(await measure('logsumexp', `[${r},${k}]`, 'M elem/s', cases)));
  }
  return rows;
}

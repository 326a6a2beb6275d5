// sparse_matmul against matmul on the evaluation's decoder layer: [rows, 200] samples times a
// [200, 784] weight plus bias, rows = 1000, for one-hot samples (20 variables of 10 classes) and
// binary ones (half ones), on the wasm builds (ref: one-hot only, it is slow). Rate: GFLOP/s of
// the dense product (2·rows·200·784 per call), so the rows compare at equal work done.
// `npm run bench -- kernels sparse_matmul [--json]`
import { type BenchContext, type Case, type Row, measure } from '../harness.js';
import { backendCase, data, impls_ } from './support.js';

export async function run(_ctx: BenchContext): Promise<Row[]> {
  const im = await impls_();
  const m = 1000, k = 200, n = 784, flops = 2 * m * k * n;
  const w = data(k * n, 1, -0.1, 0.1), bias = data(n, 2);
  const u = data(m * k, 3, 0, 1);
  const oneHot = new Float32Array(m * k);
  for (let g = 0; g < m * 20; g++) oneHot[g * 10 + Math.floor(u[g] * 10)] = 1;
  const binary = u.map((v) => (v < 0.5 ? 1 : 0));
  const rows: Row[] = [];
  for (const [label, a] of [['one-hot 20×10', oneHot], ['binary 200', binary]] as const) {
    const cases: Case[] = [];
    for (const { impl, be } of im.wasm) {
      cases.push(backendCase(impl, be, [a, w, bias], [m * n], 0, ([ba, bw, bb], [bc]) => be.sparse_matmul(ba, bw, bc, m, k, n, bb)));
      if (impl === 'wasm-relaxed') cases.push(backendCase('matmul-relaxed', be, [a, w, bias], [m * n], 0, ([ba, bw, bb], [bc]) => be.matmul(ba, bw, bc, m, k, n, false, false, false, bb)));
    }
    if (a === oneHot) cases.push(backendCase('ref', im.ref, [a, w, bias], [m * n], 0, ([ba, bw, bb], [bc]) => im.ref.sparse_matmul(ba, bw, bc, m, k, n, bb), 2));
    rows.push(...(await measure('sparse_matmul', `${m}×${k}×${n} ${label}`, 'GFLOP/s', cases.map((c) => ({ ...c, rate: (t: number) => flops / t / 1e9 })))));
  }
  return rows;
}

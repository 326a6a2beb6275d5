// kl_bernoulli (and kl_bernoulli_grad) in M elements/s at n = 100×200 (a Bernoulli latent layer of
// 200 units, batch 100) and 100×784; ref and the wasm builds (tfjs has no such op).
// `npm run bench -- kernels kl_bernoulli [--json]`
import { type BenchContext, type Row, measure } from '../harness.js';
import { backendCases, data, impls_ } from './support.js';

export async function run(_ctx: BenchContext): Promise<Row[]> {
  const im = await impls_();
  const rows: Row[] = [];
  for (const n of [20_000, 78_400]) {
    const a = data(n, 1), b = data(n, 2), dy = data(n, 3);
    rows.push(...(await measure('kl_bernoulli', `n=${n}`, 'M elem/s', backendCases(im, [a, b], [n], n, (be, [ba, bb], [by]) => be.kl_bernoulli(ba, bb, by, n)))));
    rows.push(...(await measure('kl_bernoulli_grad', `n=${n}`, 'M elem/s', backendCases(im, [a, b, dy], [n, n], n, (be, [ba, bb, bg], [da, db]) => be.kl_bernoulli_grad(ba, bb, bg, da, db, n)))));
  }
  return rows;
}

// gumbel_sigmoid (and gumbel_sigmoid_grad) in M elements/s at the Bernoulli SBN's shape (100 × 200
// = 20,000) and 200,000, against the unfused calls they replace (random_logistic, add, scale,
// sigmoid; unary_grad sigmoid, scale) on the same build. `npm run bench -- kernels gumbel_sigmoid [--json]`
import { Bcast } from '../../src/kernels.js';
import { type BenchContext, type Row, measure } from '../harness.js';
import { backendCase, backendCases, data, impls_ } from './support.js';

const INV_TAU = 2;

export async function run(_ctx: BenchContext): Promise<Row[]> {
  const im = await impls_();
  const rows: Row[] = [];
  for (const n of [20_000, 200_000]) {
    const l = data(n, 1), y = data(n, 2, 0, 1), dy = data(n, 3);
    const fwd = backendCases(im, [l], [n], n, (be, [bl], [by]) => be.gumbel_sigmoid(bl, by, n, INV_TAU, 1, 2));
    fwd.push(...im.wasm.map(({ impl, be }) => backendCase(`${impl} unfused`, be, [l], [n], n, ([bl], [by]) => {
      be.random_logistic(by, n, 1, 2);
      be.binary('add', bl, by, by, n, 1, Bcast.None);
      be.scale(by, by, n, INV_TAU, 0);
      be.unary('sigmoid', by, by, n);
    })));
    rows.push(...(await measure('gumbel_sigmoid', `${n}`, 'M elem/s', fwd)));
    const bwd = backendCases(im, [y, dy], [n], n, (be, [by, bg], [bd]) => be.gumbel_sigmoid_grad(by, bg, bd, n, INV_TAU));
    bwd.push(...im.wasm.map(({ impl, be }) => backendCase(`${impl} unfused`, be, [y, dy], [n], n, ([by, bg], [bd]) => {
      be.unary_grad('sigmoid', by, by, bg, bd, n);
      be.scale(bd, bd, n, INV_TAU, 0);
    })));
    rows.push(...(await measure('gumbel_sigmoid_grad', `${n}`, 'M elem/s', bwd)));
  }
  return rows;
}

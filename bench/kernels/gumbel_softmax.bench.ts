// gumbel_softmax (and gumbel_softmax_grad) in M elements/s at the categorical models' shape
// [2000, 10] (20 variables × 10 classes × a batch of 100) and [10000, 2], against the unfused calls
// they replace (random_gumbel, add, scale, softmax; softmax_grad, scale) on the same build.
// `npm run bench -- kernels gumbel_softmax [--json]`
import { Bcast } from '../../src/kernels.js';
import { type BenchContext, type Row, measure } from '../harness.js';
import { backendCase, backendCases, data, impls_ } from './support.js';

const SHAPES: [number, number][] = [[2000, 10], [10000, 2]];
const INV_TAU = 2;

export async function run(_ctx: BenchContext): Promise<Row[]> {
  const im = await impls_();
  const rows: Row[] = [];
  for (const [r, k] of SHAPES) {
    const n = r * k, l = data(n, 1), y = data(n, 2, 0, 0.2), dy = data(n, 3);
    const fwd = backendCases(im, [l], [n], n, (be, [bl], [by]) => be.gumbel_softmax(bl, by, r, k, INV_TAU, 1, 2));
    fwd.push(...im.wasm.map(({ impl, be }) => backendCase(`${impl} unfused`, be, [l], [n], n, ([bl], [by]) => {
      be.random_gumbel(by, n, 1, 2);
      be.binary('add', bl, by, by, n, 1, Bcast.None);
      be.scale(by, by, n, INV_TAU, 0);
      be.softmax(by, by, r, k);
    })));
    rows.push(...(await measure('gumbel_softmax', `[${r},${k}]`, 'M elem/s', fwd)));
    const bwd = backendCases(im, [y, dy], [n], n, (be, [by, bg], [bd]) => be.gumbel_softmax_grad(by, bg, bd, r, k, INV_TAU));
    bwd.push(...im.wasm.map(({ impl, be }) => backendCase(`${impl} unfused`, be, [y, dy], [n], n, ([by, bg], [bd]) => {
      be.softmax_grad(by, bg, bd, r, k);
      be.scale(bd, bd, n, INV_TAU, 0);
    })));
    rows.push(...(await measure('gumbel_softmax_grad', `[${r},${k}]`, 'M elem/s', bwd)));
  }
  return rows;
}

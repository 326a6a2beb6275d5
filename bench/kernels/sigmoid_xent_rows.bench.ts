// sigmoid_xent_rows in M elements/s at the evaluation's shape: 1000 sample rows of 784 logits, each
// data row shared by 250 of them; against the unfused sigmoid_xent + reduce_sum (relaxed build) on
// the same logits with the data rows repeated; the training shape [100, 784] forward and gradient
// (sigmoid_xent_rows_grad; its unfused twin sigmoid_xent_grad leaves out the fill + add that broadcast dy). ref and the wasm builds.
// `npm run bench -- kernels sigmoid_xent_rows [--json]`
import { type BenchContext, type Row, measure } from '../harness.js';
import { backendCase, backendCases, data, impls_ } from './support.js';

export async function run(_ctx: BenchContext): Promise<Row[]> {
  const im = await impls_();
  const rows = 1000, cols = 784, s = 250, n = rows * cols;
  const l = data(n, 1, -8, 8), t = data((rows / s) * cols, 2, 0, 1).map((v) => (v < 0.5 ? 0 : 1));
  const cases = backendCases(im, [l, t], [rows], n, (be, [bl, bt], [by]) => be.sigmoid_xent_rows(bl, bt, by, rows, cols, s));
  const tRep = new Float32Array(n);
  for (let i = 0; i < rows; i++) tRep.set(t.subarray(Math.floor(i / s) * cols, (Math.floor(i / s) + 1) * cols), i * cols);
  const be = im.wasm.find((w) => w.impl === 'wasm-relaxed')!.be;
  cases.push(backendCase('unfused-relaxed', be, [l, tRep], [n, rows], n, ([bl, bt], [bx, by]) => {
    be.sigmoid_xent(bl, bt, bx, n);
    be.reduce_sum(bx, by, rows, cols, 1);
  }));
  const out = await measure('sigmoid_xent_rows', `${rows}×${cols} s=${s}`, 'M elem/s', cases);
  // The training step's reconstruction term: [100, 784], s = 1, forward and gradient, against the unfused calls.
  const tr = 100, tn = tr * cols, tl = l.subarray(0, tn), tt = tRep.subarray(0, tn), dy = data(tr, 3), dyRep = new Float32Array(tn);
  for (let i = 0; i < tr; i++) dyRep.fill(dy[i], i * cols, (i + 1) * cols);
  const fwd = backendCases(im, [tl, tt], [tr], tn, (b, [bl, bt], [by]) => b.sigmoid_xent_rows(bl, bt, by, tr, cols, 1));
  fwd.push(backendCase('unfused-relaxed', be, [tl, tt], [tn, tr], tn, ([bl, bt], [bx, by]) => {
    be.sigmoid_xent(bl, bt, bx, tn);
    be.reduce_sum(bx, by, tr, cols, 1);
  }));
  const bwd = backendCases(im, [tl, tt, dy], [tn], tn, (b, [bl, bt, bg], [bd]) => b.sigmoid_xent_rows_grad(bl, bt, bg, bd, tr, cols, 1));
  bwd.push(backendCase('unfused-relaxed', be, [tl, tt, dyRep], [tn], tn, ([bl, bt, bg], [bd]) => be.sigmoid_xent_grad(bl, bt, bg, bd, tn)));
  return [...out, ...(await measure('sigmoid_xent_rows', `${tr}×${cols} s=1`, 'M elem/s', fwd)), ...(await measure('sigmoid_xent_rows_grad', `${tr}×${cols} s=1`, 'M elem/s', bwd))];
}

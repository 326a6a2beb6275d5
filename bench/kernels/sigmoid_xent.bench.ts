// sigmoid_xent (and sigmoid_xent_grad) in M elements/s at n = 100×784 (the Bernoulli decoder's
// reconstruction loss on one MNIST batch); ref, the wasm builds, and tfjs-backend-wasm composed
// from elementwise ops (tfjs has no unreduced sigmoid cross-entropy: relu(l) − l·t +
// log1p(exp(−|l|)), the same stable form; see support.ts for the two tfjs rows).
// `npm run bench -- kernels sigmoid_xent [--json]`
import { type BenchContext, type Row, measure } from '../harness.js';
import { backendCases, data, impls_, tfjsCases } from './support.js';

export async function run(_ctx: BenchContext): Promise<Row[]> {
  const im = await impls_();
  const tf = im.tf;
  const n = 78_400, l = data(n, 1, -8, 8), t = data(n, 2, 0, 1).map((v) => (v < 0.5 ? 0 : 1)), dy = data(n, 3);
  const cases = backendCases(im, [l, t], [n], n, (be, [bl, bt], [by]) => be.sigmoid_xent(bl, bt, by, n));
  cases.push(
    ...tfjsCases(im, [{ data: l, shape: [n] }, { data: t, shape: [n] }], n, (lt, tt) =>
      tf.tidy(() => tf.add(tf.sub(tf.relu(lt), tf.mul(lt, tt)), tf.log1p(tf.exp(tf.neg(tf.abs(lt)))))),
    ).map((c) => ({ ...c, impl: c.impl.replace('tfjs-wasm', 'tfjs-wasm-composed') })),
  );
  const rows = await measure('sigmoid_xent', `n=${n}`, 'M elem/s', cases);
  rows.push(...(await measure('sigmoid_xent_grad', `n=${n}`, 'M elem/s', backendCases(im, [l, t, dy], [n], n, (be, [bl, bt, bg], [bd]) => be.sigmoid_xent_grad(bl, bt, bg, bd, n)))));
  return rows;
}

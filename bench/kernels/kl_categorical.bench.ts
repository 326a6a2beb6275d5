// kl_categorical (and kl_categorical_grad) in M elements/s over [rows, k]: [2000, 10] (the
// categorical VAE's 20 × 10 latents, batch 100) and [10000, 2]; ref, the wasm builds, and
// tfjs-backend-wasm composed as Σ softmax(lq)·(logSoftmax(lq) − logSoftmax(lp)) (tfjs has no KL op;
// see support.ts for the two tfjs rows). `npm run bench -- kernels kl_categorical [--json]`
import { type BenchContext, type Row, measure } from '../harness.js';
import { backendCases, data, impls_, tfjsCases } from './support.js';

const SHAPES: [number, number][] = [[2000, 10], [10000, 2]];

export async function run(_ctx: BenchContext): Promise<Row[]> {
  const im = await impls_();
  const tf = im.tf;
  const rows: Row[] = [];
  for (const [r, k] of SHAPES) {
    const n = r * k, lq = data(n, 1), lp = data(n, 2), dy = data(r, 3);
    const cases = backendCases(im, [lq, lp], [r], n, (be, [bq, bp], [by]) => be.kl_categorical(bq, bp, by, r, k));
    cases.push(
      ...tfjsCases(im, [{ data: lq, shape: [r, k] }, { data: lp, shape: [r, k] }], n, (q, p) =>
        tf.tidy(() => {
          const lsq = tf.logSoftmax(q);
          return tf.sum(tf.mul(tf.exp(lsq), tf.sub(lsq, tf.logSoftmax(p))), 1);
        }),
      ).map((c) => ({ ...c, impl: c.impl.replace('tfjs-wasm', 'tfjs-wasm-composed') })),
    );
    rows.push(...(await measure('kl_categorical', `[${r},${k}]`, 'M elem/s', cases)));
    rows.push(...(await measure('kl_categorical_grad', `[${r},${k}]`, 'M elem/s', backendCases(im, [lq, lp, dy], [n, n], n, (be, [bq, bp, bg], [dq, dp]) => be.kl_categorical_grad(bq, bp, bg, dq, dp, r, k)))));
  }
  return rows;
}

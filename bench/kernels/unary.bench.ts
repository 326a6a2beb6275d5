// unary (and unary_grad for sigmoid) in M elements/s at n = 100×784 = 78,400 (one MNIST batch of
// 100) and 1e6: sigmoid, exp, softplus, tanh, log, relu; ref, the wasm builds, and
// tfjs-backend-wasm (tf.sigmoid / exp / softplus / tanh / log / relu; see support.ts for the two
// tfjs rows). `npm run bench -- kernels unary [--json]`
import type { UnaryOp } from '../../src/kernels.js';
import { type BenchContext, type Row, measure } from '../harness.js';
import { backendCases, data, impls_, tfjsCases } from './support.js';

const OPS: UnaryOp[] = ['sigmoid', 'exp', 'softplus', 'tanh', 'log', 'relu'];
const SIZES = [78_400, 1_000_000];

export async function run(_ctx: BenchContext): Promise<Row[]> {
  const im = await impls_();
  const tf = im.tf;
  const tfOp: Partial<Record<UnaryOp, (x: import('@tensorflow/tfjs-core').Tensor) => import('@tensorflow/tfjs-core').Tensor>> = {
    sigmoid: tf.sigmoid, exp: tf.exp, softplus: tf.softplus, tanh: tf.tanh, log: tf.log, relu: tf.relu,
  };
  const rows: Row[] = [];
  for (const n of SIZES) {
    for (const op of OPS) {
      // exp on [−4, 4) stays finite; log on (0, 8).
      const x = op === 'log' ? data(n, 1, 1e-3, 8) : data(n, 1);
      const cases = backendCases(im, [x], [n], n, (be, [bx], [by]) => be.unary(op, bx, by, n));
      cases.push(...tfjsCases(im, [{ data: x, shape: [n] }], n, tfOp[op]!));
      rows.push(...(await measure(`unary ${op}`, `n=${n}`, 'M elem/s', cases)));
    }
  }
  const n = SIZES[0], x = data(n, 1), dy = data(n, 2);
  const y = new Float32Array(n).map((_, i) => 1 / (1 + Math.exp(-x[i])));
  rows.push(...(await measure('unary_grad sigmoid', `n=${n}`, 'M elem/s', backendCases(im, [x, y, dy], [n], n, (be, [bx, by, bg], [bd]) => be.unary_grad('sigmoid', bx, by, bg, bd, n)))));
  return rows;
}

// im2col in GB/s of cols written (4 bytes per element) at the paper's conv geometries, batch 100
// (conv_shapes.ts): ref, the wasm builds, and the tfjs adapter on tfjs-backend-wasm (tf.gatherND
// with a cached index; tfjs has no im2col op of its own). `npm run bench -- kernels im2col [--json]`
import { createTfjsBackend } from '../../src/backends/tfjs/index.js';
import type { Buf } from '../../src/kernels.js';
import { type BenchContext, type Row, measure } from '../harness.js';
import { PATCH_SHAPES, colsSize, imageSize } from './conv_shapes.js';
import { backendCase, backendCases, data, impls_ } from './support.js';

export async function run(_ctx: BenchContext): Promise<Row[]> {
  const im = await impls_();
  const tfjs = await createTfjsBackend({ tfjsBackend: 'wasm' });
  const rows: Row[] = [];
  for (const s of PATCH_SHAPES) {
    const nc = colsSize(s), x = data(imageSize(s), 1);
    const call = (be: typeof tfjs, [bx]: Buf[], [bc]: Buf[]) => be.im2col(bx, bc, s.n, s.h, s.w, s.c, s.kh, s.kw, s.stride, s.pad, s.ho, s.wo);
    const cases = backendCases(im, [x], [nc], nc, call);
    cases.push(backendCase('tfjs-wasm', tfjs, [x], [nc], nc, (i, o) => call(tfjs, i, o), 5));
    rows.push(...(await measure('im2col', s.label, 'GB/s', cases.map((c) => ({ ...c, rate: (t: number) => (4 * nc) / t / 1e9 })))));
  }
  return rows;
}

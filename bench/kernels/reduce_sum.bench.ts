// reduce_sum in GB/s of input read (4 bytes per element): column sums (axis 0, the bias gradient)
// and row sums (axis 1) on 100×512 and 1000×1000; ref, the wasm builds and tfjs-backend-wasm
// (tf.sum(x, axis), run eagerly, nothing read back by anyone).
// `npm run bench -- kernels reduce_sum [--json]`
import type { Backend } from '../../src/backend.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { createWasmBackend } from '../../src/backends/wasm/index.js';
import type { BuildName } from '../../src/backends/wasm/features.js';
import { type BenchContext, type Case, type Row, measure } from '../harness.js';
import { tfjsWasm } from '../peers/tfjs.js';

const BUILDS: BuildName[] = ['scalar', 'simd', 'relaxed'];
const WARMUP_CALLS = 60;
const SHAPES: [number, number][] = [[100, 512], [1000, 1000]];

function data(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 500 - 1);
}

function backendCase(impl: string, be: Backend, rows: number, cols: number, axis: 0 | 1, warmup = WARMUP_CALLS): Case {
  const x = be.alloc(rows * cols, true), y = be.alloc(axis === 0 ? cols : rows, true);
  be.write(x, data(rows * cols));
  const fn = () => be.reduce_sum(x, y, rows, cols, axis);
  for (let i = 0; i < warmup; i++) fn();
  return { impl, fn, rate: (t) => (4 * rows * cols) / t / 1e9 };
}

export async function run(_ctx: BenchContext): Promise<Row[]> {
  const tf = await tfjsWasm();
  const wasm = await Promise.all(BUILDS.map((build) => createWasmBackend({ build })));
  const ref = createRefBackend();
  const rows: Row[] = [];
  for (const [r, c] of SHAPES) {
    for (const axis of [0, 1] as const) {
      const shape = `${r}×${c} axis ${axis}`;
      const cases = BUILDS.map((build, i) => backendCase(`wasm-${build}`, wasm[i], r, c, axis));
      const tx = tf.tensor2d(data(r * c), [r, c]);
      const tfFn = () => tf.sum(tx, axis).dispose();
      for (let i = 0; i < WARMUP_CALLS; i++) tfFn();
      cases.push({ impl: 'tfjs-wasm', fn: tfFn, rate: (t) => (4 * r * c) / t / 1e9 });
      rows.push(...(await measure('reduce_sum', shape, 'GB/s', cases)));
      rows.push(...(await measure('reduce_sum', shape, 'GB/s', [backendCase('ref', ref, r, c, axis, 2)], { maxTime: 0.1 })));
      tx.dispose();
    }
  }
  return rows;
}

// scale (y = αx + β) in GB/s (8 bytes per element: read x, write y) at n = 51,200 and 1e6; ref,
// the wasm builds and tfjs-backend-wasm (x·α + β as tf.mul then tf.add: tfjs has no fused op).
// `npm run bench -- kernels scale [--json]`
import type { Backend } from '../../src/backend.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { createWasmBackend } from '../../src/backends/wasm/index.js';
import type { BuildName } from '../../src/backends/wasm/features.js';
import { type BenchContext, type Case, type Row, measure } from '../harness.js';
import { tfjsWasm } from '../peers/tfjs.js';

const BUILDS: BuildName[] = ['scalar', 'simd', 'relaxed'];
const WARMUP_CALLS = 60;
const SIZES = [51_200, 1_000_000];

function backendCase(impl: string, be: Backend, n: number, warmup = WARMUP_CALLS): Case {
  const x = be.alloc(n, true), y = be.alloc(n, true);
  be.write(x, Float32Array.from({ length: n }, (_, i) => (i % 100) / 50 - 1));
  const fn = () => be.scale(x, y, n, 0.5, 0.25);
  for (let i = 0; i < warmup; i++) fn();
  return { impl, fn, rate: (t) => (8 * n) / t / 1e9 };
}

export async function run(_ctx: BenchContext): Promise<Row[]> {
  const tf = await tfjsWasm();
  const wasm = await Promise.all(BUILDS.map((build) => createWasmBackend({ build })));
  const ref = createRefBackend();
  const rows: Row[] = [];
  for (const n of SIZES) {
    const shape = `n=${n}`;
    const cases = BUILDS.map((build, i) => backendCase(`wasm-${build}`, wasm[i], n));
    const tx = tf.tensor1d(Float32Array.from({ length: n }, (_, i) => (i % 100) / 50 - 1));
    const tfFn = () => tf.tidy(() => tf.add(tf.mul(tx, 0.5), 0.25)).dispose();
    for (let i = 0; i < WARMUP_CALLS; i++) tfFn();
    cases.push({ impl: 'tfjs-wasm', fn: tfFn, rate: (t) => (8 * n) / t / 1e9 });
    rows.push(...(await measure('scale', shape, 'GB/s', cases)));
    rows.push(...(await measure('scale', shape, 'GB/s', [backendCase('ref', ref, n, 2)], { maxTime: 0.1 })));
    tx.dispose();
  }
  return rows;
}

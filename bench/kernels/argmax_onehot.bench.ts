// argmax_onehot in M groups/s: 2000 groups of 10 (batch 100 × 20 categorical latents of 10 classes,
// the paper's categorical VAE) and 100 groups of 784; ref, the wasm builds and tfjs-backend-wasm
// (tf.oneHot(tf.argMax(x, 1), k), run eagerly, nothing read back by anyone).
// `npm run bench -- kernels argmax_onehot [--json]`
import type { Backend } from '../../src/backend.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { createWasmBackend } from '../../src/backends/wasm/index.js';
import type { BuildName } from '../../src/backends/wasm/features.js';
import { type BenchContext, type Case, type Row, measure } from '../harness.js';
import { tfjsWasm } from '../peers/tfjs.js';

const BUILDS: BuildName[] = ['scalar', 'simd', 'relaxed'];
const WARMUP_CALLS = 60;
const SHAPES: [number, number][] = [[2000, 10], [100, 784]];

function data(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 1009) / 100);
}

function backendCase(impl: string, be: Backend, rows: number, k: number, warmup = WARMUP_CALLS): Case {
  const x = be.alloc(rows * k, true), y = be.alloc(rows * k, true);
  be.write(x, data(rows * k));
  const fn = () => be.argmax_onehot(x, y, rows, k);
  for (let i = 0; i < warmup; i++) fn();
  return { impl, fn, rate: (t) => rows / t / 1e6 };
}

export async function run(_ctx: BenchContext): Promise<Row[]> {
  const tf = await tfjsWasm();
  const wasm = await Promise.all(BUILDS.map((build) => createWasmBackend({ build })));
  const ref = createRefBackend();
  const rows: Row[] = [];
  for (const [r, k] of SHAPES) {
    const shape = `${r}×${k}`;
    const cases = BUILDS.map((build, i) => backendCase(`wasm-${build}`, wasm[i], r, k));
    const tx = tf.tensor2d(data(r * k), [r, k]);
    const tfFn = () => tf.tidy(() => tf.oneHot(tf.argMax(tx, 1), k)).dispose();
    for (let i = 0; i < WARMUP_CALLS; i++) tfFn();
    cases.push({ impl: 'tfjs-wasm', fn: tfFn, rate: (t) => r / t / 1e6 });
    rows.push(...(await measure('argmax_onehot', shape, 'M groups/s', cases)));
    rows.push(...(await measure('argmax_onehot', shape, 'M groups/s', [backendCase('ref', ref, r, k, 2)], { maxTime: 0.1 })));
    tx.dispose();
  }
  return rows;
}

// sgd_momentum in GB/s (20 bytes per parameter: read p, g, v; write p, v) on 784×512 and 512×200
// parameters; ref, the wasm builds and tfjs-backend-wasm (tf.train.momentum(lr, μ).applyGradients).
// `npm run bench -- kernels sgd_momentum [--json]`
import type { Backend } from '../../src/backend.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { createWasmBackend } from '../../src/backends/wasm/index.js';
import type { BuildName } from '../../src/backends/wasm/features.js';
import { type BenchContext, type Case, type Row, measure } from '../harness.js';
import { tfjsWasm } from '../peers/tfjs.js';

const BUILDS: BuildName[] = ['scalar', 'simd', 'relaxed'];
const WARMUP_CALLS = 60;
const SIZES = [784 * 512, 512 * 200];
const BYTES = 20;

function data(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => (((i + seed) * 7919) % 1000) / 500 - 1);
}

function backendCase(impl: string, be: Backend, n: number, warmup = WARMUP_CALLS): Case {
  const [p, g, v] = [1, 2, 0].map((seed) => {
    const b = be.alloc(n, true);
    be.write(b, seed ? data(n, seed) : new Float32Array(n));
    return b;
  });
  const fn = () => be.sgd_momentum(p, g, v, n, 1e-3, 0.9);
  for (let i = 0; i < warmup; i++) fn();
  return { impl, fn, rate: (s) => (BYTES * n) / s / 1e9 };
}

export async function run(_ctx: BenchContext): Promise<Row[]> {
  const tf = await tfjsWasm();
  const wasm = await Promise.all(BUILDS.map((build) => createWasmBackend({ build })));
  const ref = createRefBackend();
  const rows: Row[] = [];
  for (const n of SIZES) {
    const shape = `n=${n}`;
    const cases = BUILDS.map((build, i) => backendCase(`wasm-${build}`, wasm[i], n));
    const w = tf.variable(tf.tensor1d(data(n, 1)));
    const grad = tf.tensor1d(data(n, 2));
    const opt = tf.train.momentum(1e-3, 0.9);
    const tfFn = () => opt.applyGradients([{ name: w.name, tensor: grad }]);
    for (let i = 0; i < WARMUP_CALLS; i++) tfFn();
    cases.push({ impl: 'tfjs-wasm', fn: tfFn, rate: (s) => (BYTES * n) / s / 1e9 });
    rows.push(...(await measure('sgd_momentum', shape, 'GB/s', cases)));
    rows.push(...(await measure('sgd_momentum', shape, 'GB/s', [backendCase('ref', ref, n, 2)], { maxTime: 0.1 })));
    opt.dispose();
    w.dispose();
    grad.dispose();
  }
  return rows;
}

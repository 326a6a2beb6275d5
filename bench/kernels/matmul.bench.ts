// matmul GFLOP/s (2·m·k·n flops per call): ref, the wasm builds and tfjs-backend-wasm (XNNPACK)
// on the paper's dense layers (784-512-200 MLPs, batch 100): forward, weight and input gradients.
// `npm run bench -- kernels matmul [--json]`
import type { Backend } from '../../src/backend.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { createWasmBackend } from '../../src/backends/wasm/index.js';
import type { BuildName } from '../../src/backends/wasm/features.js';
import { type BenchContext, type Case, type Row, measure } from '../harness.js';
import { tfjsWasm } from '../peers/tfjs.js';

interface Shape {
  m: number;
  k: number;
  n: number;
  transA: boolean;
  transB: boolean;
}

const SHAPES: Shape[] = [
  { m: 100, k: 784, n: 512, transA: false, transB: false }, // forward x·W
  { m: 784, k: 100, n: 512, transA: true, transB: false }, // weight gradient xᵀ·dy
  { m: 100, k: 512, n: 784, transA: false, transB: true }, // input gradient dy·Wᵀ
  { m: 100, k: 784, n: 200, transA: false, transB: false },
  { m: 100, k: 200, n: 784, transA: false, transB: false },
  { m: 100, k: 200, n: 784, transA: false, transB: true },
];

const BUILDS: BuildName[] = ['scalar', 'simd', 'relaxed'];

/** V8 runs the first ~20–40 calls of a wasm function in Liftoff; time the optimized code only. */
const WARMUP_CALLS = 60;

function randomData(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = (s >>> 8) / 8388608 - 1;
  }
  return a;
}

function backendCase(impl: string, be: Backend, s: Shape, flops: number, warmup = WARMUP_CALLS): Case {
  const buf = (data: Float32Array) => {
    const b = be.alloc(data.length, true);
    be.write(b, data);
    return b;
  };
  const a = buf(randomData(s.m * s.k, 1)), b = buf(randomData(s.k * s.n, 2)), c = be.alloc(s.m * s.n, true);
  const fn = () => be.matmul(a, b, c, s.m, s.k, s.n, s.transA, s.transB, false, null);
  for (let i = 0; i < warmup; i++) fn();
  return { impl, fn, rate: (t) => flops / t / 1e9 };
}

export async function run(_ctx: BenchContext): Promise<Row[]> {
  const tf = await tfjsWasm();
  const wasm = await Promise.all(BUILDS.map((build) => createWasmBackend({ build })));
  const ref = createRefBackend();
  const rows: Row[] = [];
  for (const s of SHAPES) {
    const flops = 2 * s.m * s.k * s.n;
    const form = s.transA ? 'Aᵀ·B' : s.transB ? 'A·Bᵀ' : 'A·B';
    const shape = `(${s.m},${s.k},${s.n}) ${form}`;
    const cases = BUILDS.map((build, i) => backendCase(`wasm-${build}`, wasm[i], s, flops));

    // tfjs stores the operands as given and transposes inside matMul, like our kernel.
    const ta = tf.tensor2d(randomData(s.m * s.k, 1), s.transA ? [s.k, s.m] : [s.m, s.k]);
    const tb = tf.tensor2d(randomData(s.k * s.n, 2), s.transB ? [s.n, s.k] : [s.k, s.n]);
    const tfFn = () => {
      const y = tf.matMul(ta, tb, s.transA, s.transB);
      y.dataSync(); // reads the result back, so the work is done and timed
      y.dispose();
    };
    for (let i = 0; i < WARMUP_CALLS; i++) tfFn();
    cases.push({ impl: 'tfjs-wasm', fn: tfFn, rate: (t) => flops / t / 1e9 });

    rows.push(...(await measure('matmul', shape, 'GFLOP/s', cases)));
    // ref is ~100× slower: a few samples are enough.
    rows.push(...(await measure('matmul', shape, 'GFLOP/s', [backendCase('ref', ref, s, flops, 2)], { maxTime: 0.05 })));
    ta.dispose();
    tb.dispose();
  }
  return rows;
}

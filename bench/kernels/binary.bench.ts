// binary in GB/s (12 bytes per element: read a and b, write y; 8 with a broadcast b) and
// M elements/s: add at n = 51,200 (a 100×512 layer) and 1e6, the bias broadcast (Row) on 100×512,
// and max; ref, the wasm builds and tfjs-backend-wasm (tf.add / tf.maximum, run eagerly, nothing
// read back by anyone). `npm run bench -- kernels binary [--json]`
import type { Backend } from '../../src/backend.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { createWasmBackend } from '../../src/backends/wasm/index.js';
import type { BuildName } from '../../src/backends/wasm/features.js';
import { Bcast, type BinaryOp } from '../../src/kernels.js';
import { type BenchContext, type Case, type Row, measure } from '../harness.js';
import { tfjsWasm } from '../peers/tfjs.js';

const BUILDS: BuildName[] = ['scalar', 'simd', 'relaxed'];
const WARMUP_CALLS = 60;

function data(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = (s >>> 8) / 8388608 - 1;
  }
  return a;
}

interface Plan {
  op: BinaryOp;
  rows: number;
  cols: number;
  bc: Bcast;
}

const PLANS: Plan[] = [
  { op: 'add', rows: 100, cols: 512, bc: Bcast.None },
  { op: 'add', rows: 1000, cols: 1000, bc: Bcast.None },
  { op: 'add', rows: 100, cols: 512, bc: Bcast.Row },
  { op: 'max', rows: 1000, cols: 1000, bc: Bcast.None },
];

const bLen = (p: Plan) => (p.bc === Bcast.None ? p.rows * p.cols : p.cols);
const bytes = (p: Plan) => 4 * (2 * p.rows * p.cols + bLen(p));

function backendCase(impl: string, be: Backend, p: Plan, warmup = WARMUP_CALLS): Case {
  const n = p.rows * p.cols;
  const a = be.alloc(n, true), b = be.alloc(bLen(p), true), y = be.alloc(n, true);
  be.write(a, data(n, 1));
  be.write(b, data(bLen(p), 2));
  const fn = () => be.binary(p.op, a, b, y, p.rows, p.cols, p.bc);
  for (let i = 0; i < warmup; i++) fn();
  return { impl, fn, rate: (t) => bytes(p) / t / 1e9 };
}

export async function run(_ctx: BenchContext): Promise<Row[]> {
  const tf = await tfjsWasm();
  const wasm = await Promise.all(BUILDS.map((build) => createWasmBackend({ build })));
  const ref = createRefBackend();
  const rows: Row[] = [];
  for (const p of PLANS) {
    const shape = `${p.op} ${p.rows}×${p.cols}${p.bc === Bcast.Row ? ' + [cols]' : ''}`;
    const cases = BUILDS.map((build, i) => backendCase(`wasm-${build}`, wasm[i], p, WARMUP_CALLS));
    const ta = tf.tensor2d(data(p.rows * p.cols, 1), [p.rows, p.cols]);
    const tb = p.bc === Bcast.None ? tf.tensor2d(data(bLen(p), 2), [p.rows, p.cols]) : tf.tensor1d(data(bLen(p), 2));
    const tfFn = () => (p.op === 'add' ? tf.add(ta, tb) : tf.maximum(ta, tb)).dispose();
    for (let i = 0; i < WARMUP_CALLS; i++) tfFn();
    cases.push({ impl: 'tfjs-wasm', fn: tfFn, rate: (t) => bytes(p) / t / 1e9 });
    rows.push(...(await measure('binary', shape, 'GB/s', cases)));
    rows.push(...(await measure('binary', shape, 'GB/s', [backendCase('ref', ref, p, 2)], { maxTime: 0.1 })));
    ta.dispose();
    tb.dispose();
  }
  return rows;
}

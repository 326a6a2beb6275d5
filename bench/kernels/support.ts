// Shared pieces of the transcendental kernel benches (unary, softmax family, logsumexp, KLs,
// sigmoid_xent): one case per wasm build and ref over the same inputs, and tfjs-backend-wasm cases
// for ops tfjs has. Rates are M elements/s of input (rows·k for grouped kernels).
import type { Backend } from '../../src/backend.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { createWasmBackend } from '../../src/backends/wasm/index.js';
import type { BuildName } from '../../src/backends/wasm/features.js';
import type { Buf } from '../../src/kernels.js';
import type { Case } from '../harness.js';
import { tfjsWasm } from '../peers/tfjs.js';

export const BUILDS: BuildName[] = ['scalar', 'simd', 'relaxed'];
/** V8 runs the first calls of a wasm function in Liftoff; time the optimized code only. */
const WARMUP_CALLS = 60;

/** Deterministic inputs in [lo, hi). */
export function data(n: number, seed: number, lo = -4, hi = 4): Float32Array {
  const a = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = lo + ((s >>> 8) / 16777216) * (hi - lo);
  }
  return a;
}

export interface Impls {
  ref: Backend;
  wasm: { impl: string; be: Backend }[];
  tf: Awaited<ReturnType<typeof tfjsWasm>>;
}

let impls: Promise<Impls> | null = null;
export function impls_(): Promise<Impls> {
  impls ??= (async () => ({
    ref: createRefBackend(),
    wasm: await Promise.all(BUILDS.map(async (build) => ({ impl: `wasm-${build}`, be: await createWasmBackend({ build }) }))),
    tf: await tfjsWasm(),
  }))();
  return impls;
}

/**
 * A case that runs `call` on persistent buffers holding `inputs` (uploaded once) and outputs of
 * `outs` elements; `elems` elements per call set the rate.
 */
export function backendCase(impl: string, be: Backend, inputs: Float32Array[], outs: number[], elems: number, call: (ins: Buf[], outs: Buf[]) => void, warmup = WARMUP_CALLS): Case {
  const ins = inputs.map((a) => {
    const b = be.alloc(a.length, true);
    be.write(b, a);
    return b;
  });
  const os = outs.map((n) => be.alloc(n, true));
  const fn = () => call(ins, os);
  for (let i = 0; i < warmup; i++) fn();
  return { impl, fn, rate: (t) => elems / t / 1e6 };
}

/** Every wasm build, then ref (with a short warm-up: it is slow and needs no tier-up). */
export function backendCases(im: Impls, inputs: Float32Array[], outs: number[], elems: number, call: (be: Backend, ins: Buf[], outs: Buf[]) => void): Case[] {
  const cases = im.wasm.map(({ impl, be }) => backendCase(impl, be, inputs, outs, elems, (i, o) => call(be, i, o)));
  cases.push(backendCase('ref', im.ref, inputs, outs, elems, (i, o) => call(im.ref, i, o), 2));
  return cases;
}

/**
 * tfjs-backend-wasm cases for `op` on tensors made once: `tfjs-wasm` runs the op eagerly and
 * disposes the result (like the other kernel benches: nobody reads back), `tfjs-wasm+read` also
 * reads it back with dataSync (what a caller needing the numbers in JS pays).
 */
export function tfjsCases(im: Impls, inputs: { data: Float32Array; shape: number[] }[], elems: number, op: (...xs: import('@tensorflow/tfjs-core').Tensor[]) => import('@tensorflow/tfjs-core').Tensor): Case[] {
  const tf = im.tf;
  const xs = inputs.map(({ data: d, shape }) => tf.tensor(d, shape, 'float32'));
  const run = () => op(...xs).dispose();
  const runRead = () => {
    const y = op(...xs);
    y.dataSync();
    y.dispose();
  };
  for (let i = 0; i < 10; i++) {
    run();
    runRead();
  }
  return [
    { impl: 'tfjs-wasm', fn: run, rate: (t) => elems / t / 1e6 },
    { impl: 'tfjs-wasm+read', fn: runRead, rate: (t) => elems / t / 1e6 },
  ];
}

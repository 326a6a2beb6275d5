// Every kernel id of the catalogue has all its pieces (style-anchors §3.3): a ref twin, a wasm
// export `<id>_f32` in every release build, a gradient rule or `differentiable: false`, a test
// file and a benchmark.
import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GRADS } from '../src/autograd/grads.js';
import { detectFeatures } from '../src/backends/wasm/features.js';
import { createRefBackend } from '../src/backends/ref/index.js';
import { KERNEL_IDS, KERNELS } from '../src/kernels.js';

const root = new URL('../', import.meta.url);
const exportsOf = (build: string) =>
  WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(new URL(`build/${build}.wasm`, root)))).map((e) => e.name);

/** Kernels sharing one family file (style-anchors: elementwise families may share a file). */
const FAMILY: Partial<Record<string, string>> = {
  random_uniform: 'random', random_gumbel: 'random', random_logistic: 'random', bernoulli_sample: 'random',
};
/** Backward kernels are tested and benchmarked with their forward kernel. */
const forwardOf = (id: string) => FAMILY[id] ?? id.replace(/_grad$/, '');

/** Gradient rules are keyed by the op that records them; `sum` and `linear` run reduce_sum and matmul,
 *  conv2d runs im2col (its rule col2im) and conv2d_transpose col2im (its rule im2col). */
const RUNS: Record<string, string[]> = { sum: ['reduce_sum'], linear: ['matmul'], conv2d: ['im2col', 'matmul'], conv2d_transpose: ['col2im', 'matmul'] };
const GRAD_KEYS = Object.keys(GRADS).flatMap((op) => RUNS[op] ?? [op]);

describe('kernel catalogue', () => {
  const ref = createRefBackend();
  beforeAll(detectFeatures); // sets V8's relaxed-SIMD flag on Node 20 before the relaxed builds compile
  for (const id of KERNEL_IDS) {
    it(`${id}: ref, wasm exports, tests, benchmark`, () => {
      expect(typeof ref[id], 'ref implements it').toBe('function');
      for (const build of ['scalar', 'simd', 'relaxed', 'simd-mt', 'relaxed-mt']) {
        expect(exportsOf(build), `build/${build}.wasm exports ${id}_f32`).toContain(`${id}_f32`);
      }
      expect(existsSync(new URL(`test/kernels/${forwardOf(id)}.test.ts`, root)), `test/kernels/${forwardOf(id)}.test.ts`).toBe(true);
      expect(existsSync(new URL(`bench/kernels/${forwardOf(id)}.bench.ts`, root)), `bench/kernels/${forwardOf(id)}.bench.ts`).toBe(true);
      if (KERNELS[id].differentiable) expect(GRAD_KEYS, 'has a gradient rule').toContain(id);
    });
  }
});

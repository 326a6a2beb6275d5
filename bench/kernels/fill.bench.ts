// fill in GB/s (4 bytes written per element) at n = 51,200 and 1e6: ref, the wasm builds and
// tfjs-backend-wasm (tf.fill). `npm run bench -- kernels fill [--json]`
import type { Backend } from '../../src/backend.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { createWasmBackend } from '../../src/backends/wasm/index.js';
import type { BuildName } from '../../src/backends/wasm/features.js';
import { type BenchContext, type Case, type Row, measure } from '../harness.js';
import { tfjsWasm } from '../peers/tfjs.js';

const BUILDS: BuildName[] = ['scalar', 'simd', 'relaxed'];

function backendCase(impl: string, be: Backend, n: number): Case {
  const y = be.alloc(n, true);
  const fn = () => be.fill(y, n, 0.5);
  for (let i = 0; i < 60; i++) fn();
  return { impl, fn, rate: (t) => (4 * n) / t / 1e9 };
}

export async function run(_ctx: BenchContext): Promise<Row[]> {
  const tf = await tfjsWasm();
  const rows: Row[] = [];
  const wasm = await Promise.all(BUILDS.map((build) => createWasmBackend({ build })));
  for (const n of [51_200, 1_000_000]) {
    const cases = BUILDS.map((build, i) => backendCase(`wasm-${build}`, wasm[i], n));
    cases.push(backendCase('ref', createRefBackend(), n));
    cases.push({ impl: 'tfjs-wasm', fn: () => tf.fill([n], 0.5).dispose(), rate: (t) => (4 * n) / t / 1e9 });
    rows.push(...(await measure('fill', `n=${n}`, 'GB/s', cases)));
  }
  return rows;
}

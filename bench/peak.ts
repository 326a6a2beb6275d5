// The 128-bit SIMD peak of one core, measured (a VM reports no clock): `npx tsx bench/peak.ts [--seconds=1]`.
// 12 independent chains of f32x4 multiply-adds in registers (no memory; 12 cover a 4–5 cycle FMA latency
// on two pipes), compiled by AssemblyScript as the relaxed build (relaxed_madd: one vfmadd) and the simd
// build (mul then add); GFLOP/s (2 flops per multiply-add), best of 5. Zen 1 under KVM, 7 Dec 2026: 40.0 / 22.6.
import asc from 'assemblyscript/asc';
import { detectFeatures } from '../src/backends/wasm/features.js';

const CHAINS = 12;
const lanes = Array.from({ length: CHAINS }, (_, i) => i);
const source = (fma: boolean) => `
export function run(iters: i32): f32 {
  const x = f32x4.splat(0.9999999), y = f32x4.splat(1e-7);
  ${lanes.map((i) => `let a${i} = f32x4.splat(${1 + i / 100});`).join(' ')}
  for (let i = 0; i < iters; i++) {
    ${lanes.map((i) => (fma ? `a${i} = f32x4.relaxed_madd(a${i}, x, y);` : `a${i} = f32x4.add(f32x4.mul(a${i}, x), y);`)).join('\n    ')}
  }
  const s = ${lanes.map((i) => `a${i}`).reduce((p, q) => `f32x4.add(${p}, ${q})`)};
  return f32x4.extract_lane(s, 0);
}`;

/** GFLOP/s of one core: the relaxed build's multiply-add and the simd build's mul then add. */
export async function measurePeak(seconds = 1): Promise<{ relaxed: number; simd: number }> {
  await detectFeatures(); // relaxed SIMD behind a flag on Node 20
  const out = { relaxed: 0, simd: 0 };
  for (const fma of [true, false]) {
    const { binary, stderr } = await asc.compileString(source(fma), { optimizeLevel: 3, runtime: 'stub', enable: fma ? ['simd', 'relaxed-simd'] : ['simd'] });
    if (!binary) throw new Error(`bench/peak: compile failed: ${stderr.toString()}`);
    const { exports } = await WebAssembly.instantiate(await WebAssembly.compile(new Uint8Array(binary)));
    const run = exports.run as (iters: number) => number;
    run(1e6);
    const t0 = performance.now();
    run(1e7);
    const iters = Math.max(1e6, Math.round((1e7 * seconds * 1000) / 5 / (performance.now() - t0)));
    let best = Infinity;
    for (let r = 0; r < 5; r++) {
      const t = performance.now();
      run(iters);
      best = Math.min(best, (performance.now() - t) / 1000);
    }
    out[fma ? 'relaxed' : 'simd'] = (iters * CHAINS * 4 * 2) / best / 1e9;
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const p = await measurePeak(Number(process.argv.find((a) => a.startsWith('--seconds='))?.slice(10) ?? 1));
  console.log(`relaxed (f32x4.relaxed_madd): ${p.relaxed.toFixed(1)} GFLOP/s on one core`);
  console.log(`simd (f32x4.mul then f32x4.add): ${p.simd.toFixed(1)} GFLOP/s on one core`);
}

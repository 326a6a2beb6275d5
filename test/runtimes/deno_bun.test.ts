// The built package trains in Deno and Bun (npm `deno`, `bun`) exactly as in Node: the same script
// (train_script.mjs: 20 Adam steps of the categorical VAE, batch 16, on 64 bundled MNIST digits)
// runs in each runtime, and the losses are compared with Node's.
// - Each runtime's fastest build (relaxed SIMD everywhere here): Deno (V8, fused relaxed_madd, like
//   Node with its flag) must equal Node bitwise; Bun (JSC) computes relaxed_madd as an unfused
//   mul+add, so it is compared with a tolerance.
// - The plain SIMD build has no relaxed ops, so it must be bitwise equal in all three runtimes.
// - Threads: Deno runs the pool in Web Workers (type: module) and must equal single-threaded Node
//   bitwise (kernels are split by output rows, columns or elements only). Bun: see BUN_POOL below.
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, lastJson, maxRelDiff, requireBuilt, run } from './helpers.js';

interface Result {
  runtime: { name: string; version: string; engine: string };
  features: { simd: boolean; relaxedSimd: boolean; threads: boolean };
  variant: string;
  threads: number;
  losses: number[];
  sampleSum: number;
  trainMs: number;
  totalMs: number;
}

/**
 * Bun's node:worker_threads workers define `self`, so worker/pool_worker.mjs takes its Web Worker
 * branch, waits for a postMessage that never comes, and createWasmBackend({ threads: 2 }) never
 * resolves under Bun. Until pool_worker.mjs detects worker_threads by `workerData` instead, Bun
 * trains single-threaded here. Flip this once the pool works in Bun.
 */
const BUN_POOL = true;

const SCRIPT = 'test/runtimes/train_script.mjs';
const cmd = {
  node: (a: string[]) => run(process.execPath, [SCRIPT, ...a]),
  deno: (a: string[]) => run(BIN.deno, ['run', '--no-prompt', '--allow-read', SCRIPT, ...a]),
  bun: (a: string[]) => run(BIN.bun, [SCRIPT, ...a]),
};

const results = new Map<string, Result>();
const get = (key: string): Result => {
  const r = results.get(key);
  if (!r) throw new Error(`no result for ${key}`);
  return r;
};

describe('Deno and Bun train like Node', () => {
  beforeAll(async () => {
    requireBuilt();
    const jobs: [string, () => ReturnType<typeof run>][] = [
      ['node', () => cmd.node([])],
      ['node simd', () => cmd.node(['--build', 'simd'])],
      ['deno', () => cmd.deno([])],
      ['deno simd', () => cmd.deno(['--build', 'simd'])],
      ['deno threads', () => cmd.deno(['--threads', '2'])],
      ['bun', () => cmd.bun([])],
      ['bun simd', () => cmd.bun(['--build', 'simd'])],
    ];
    if (BUN_POOL) jobs.push(['bun threads', () => cmd.bun(['--threads', '2'])]);
    // Two at a time: the timings stay meaningful on a two-core machine.
    for (let i = 0; i < jobs.length; i += 2) {
      await Promise.all(jobs.slice(i, i + 2).map(async ([key, start]) => {
        const r = await start();
        const res = lastJson<Result>(r, key);
        results.set(key, res);
        console.log(`${key.padEnd(13)} ${res.runtime.name} ${res.runtime.version} (${res.runtime.engine}) ${res.variant}: ` +
          `${res.trainMs.toFixed(0)} ms for ${res.losses.length} steps, ${r.ms.toFixed(0)} ms process`);
      }));
    }
  }, 180_000);

  it('Node runs the relaxed build and its losses are finite', () => {
    const node = get('node');
    expect(node.runtime.name).toBe('node');
    expect(node.variant).toBe('relaxed');
    expect(node.losses).toHaveLength(20);
    for (const l of node.losses) expect(Number.isFinite(l)).toBe(true);
  });

  it('Deno reports SIMD, relaxed SIMD and threads, and equals Node bitwise', () => {
    const deno = get('deno');
    expect(deno.runtime.name).toBe('deno');
    expect(deno.features).toEqual({ simd: true, relaxedSimd: true, threads: true });
    expect(deno.variant).toBe('relaxed');
    expect(deno.losses).toEqual(get('node').losses);
    expect(deno.sampleSum).toBe(get('node').sampleSum);
  });

  it('Deno trains with a thread pool of Web Workers, bitwise equal to one thread', () => {
    const t = get('deno threads');
    expect(t.variant).toBe('relaxed-mt×2');
    expect(t.losses).toEqual(get('node').losses);
  });

  it('Bun reports SIMD, relaxed SIMD and threads, and equals Node within float tolerance (unfused relaxed_madd)', () => {
    const bun = get('bun');
    expect(bun.runtime.name).toBe('bun');
    expect(bun.features).toEqual({ simd: true, relaxedSimd: true, threads: true });
    expect(bun.variant).toBe('relaxed');
    expect(maxRelDiff(bun.losses, get('node').losses)).toBeLessThan(1e-4);
    expect(Math.abs(bun.sampleSum - get('node').sampleSum) / get('node').sampleSum).toBeLessThan(1e-4);
  });

  it.skipIf(!BUN_POOL)('Bun trains with a thread pool, equal to one thread within tolerance', () => {
    const t = get('bun threads');
    expect(t.variant).toBe('relaxed-mt×2');
    expect(maxRelDiff(t.losses, get('node').losses)).toBeLessThan(1e-4);
  });

  it('the plain SIMD build (no relaxed ops) is bitwise equal in Node, Deno and Bun', () => {
    const node = get('node simd');
    expect(node.variant).toBe('simd');
    for (const key of ['deno simd', 'bun simd']) {
      expect(get(key).variant).toBe('simd');
      expect(get(key).losses).toEqual(node.losses);
      expect(get(key).sampleSum).toBe(node.sampleSum);
    }
  });
});

// The example Cloudflare worker (examples/worker/) in real workerd, through miniflare on loopback.
// Setup: train a small checkpoint with the Node API (scripts/runtime_worker_checkpoint.mjs), bundle
// the worker with esbuild as wrangler would (the .wasm files and the data stay separate modules:
// CompiledWasm and Data), start miniflare, and run the same service code in this Node process
// on the same bytes for the reference numbers.
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, lastJson, maxRelDiff, requireBuilt, run } from './helpers.js';

/** What examples/worker/src/service.mjs returns (plain JS, typed here for the test). */
interface Service {
  info(): { model: string; code: { vars: number; classes: number }; step: number; trainExamples: number; variant: string };
  encode(images: number[][]): number[][];
  sample(n: number, seed: number): number[][];
  train(steps: number): { from: number; step: number; losses: number[]; tau: number };
  checkpoint(): Uint8Array;
}

const ENTRY = join(ROOT, 'examples/worker/src/index.mjs');
const CKPT_STEPS = 200;

let dir = '';
let mf: Miniflare | null = null;
let base: URL;
let node: Service;
let trainSet: Uint8Array;

async function call(path: string, init?: { method?: string; body?: unknown }) {
  const res = await fetch(new URL(path, base), {
    method: init?.method ?? 'GET',
    ...(init?.body !== undefined ? { body: JSON.stringify(init.body), headers: { 'content-type': 'application/json' } } : {}),
  });
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, type, body: type.startsWith('application/json') ? await res.json() : new Uint8Array(await res.arrayBuffer()) };
}

/** Rows [first, first + n) of the packed training subset as 0/1 pixel lists. */
function rows(first: number, n: number): number[][] {
  return Array.from({ length: n }, (_, r) =>
    Array.from({ length: 784 }, (_, j) => {
      const t = (first + r) * 784 + j;
      return (trainSet[t >>> 3] >>> (t & 7)) & 1;
    }),
  );
}

describe('the example worker in workerd (miniflare)', () => {
  beforeAll(async () => {
    requireBuilt();
    dir = await mkdtemp(join(tmpdir(), 'gumbel-worker-'));
    const t0 = performance.now();
    const made = await run(process.execPath, ['scripts/runtime_worker_checkpoint.mjs', '--out', dir, '--steps', String(CKPT_STEPS), '--examples', '256']);
    lastJson(made, 'runtime_worker_checkpoint.mjs');
    const checkpoint = await readFile(join(dir, 'checkpoint.bin'));
    trainSet = new Uint8Array(await readFile(join(dir, 'train-subset.bin')));
    const t1 = performance.now();

    const bundle = await build({
      entryPoints: [ENTRY], bundle: true, format: 'esm', write: false, platform: 'neutral',
      conditions: ['workerd', 'worker', 'browser'], external: ['*.wasm', '*.bin', 'node:*'], logLevel: 'error',
    });
    const wasm = (name: string) => ({ type: 'CompiledWasm' as const, path: join(ROOT, 'build', name), contents: readFileSync(join(ROOT, 'build', name)) });
    mf = new Miniflare({
      host: '127.0.0.1',
      port: 0,
      compatibilityDate: '2026-04-01',
      modulesRoot: ROOT,
      modules: [
        { type: 'ESModule', path: ENTRY, contents: bundle.outputFiles[0].text },
        wasm('relaxed.wasm'),
        wasm('simd.wasm'),
        { type: 'Data', path: join(ROOT, 'examples/worker/data/checkpoint.bin'), contents: checkpoint },
        { type: 'Data', path: join(ROOT, 'examples/worker/data/train-subset.bin'), contents: trainSet },
      ],
    });
    base = await mf.ready;
    const t2 = performance.now();

    // The reference: the same service module in Node, on the same checkpoint and subset.
    const info = (await call('/')).body as { variant: string };
    const servicePath = new URL('../../examples/worker/src/service.mjs', import.meta.url).href;
    const { createService } = (await import(servicePath)) as { createService: (o: object) => Promise<Service> };
    // Node 20 compiles relaxed SIMD once the package's feature probe has set V8's flag.
    const features = new URL('../../dist/backends/wasm/features.js', import.meta.url).href;
    await ((await import(features)) as { detectFeatures: () => Promise<unknown> }).detectFeatures();
    const module = await WebAssembly.compile(readFileSync(join(ROOT, 'build', `${info.variant}.wasm`)));
    node = await createService({ module, build: info.variant, checkpoint, trainSet });
    console.log(`checkpoint (${CKPT_STEPS} steps, Node) ${(t1 - t0).toFixed(0)} ms; bundle + miniflare start ${(t2 - t1).toFixed(0)} ms; ` +
      `workerd build ${info.variant}`);
  }, 120_000);

  afterAll(async () => {
    await mf?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('GET / runs in workerd, single-threaded, with SIMD and relaxed SIMD', async () => {
    const r = await call('/');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      runtime: 'Cloudflare-Workers',
      model: 'vae/categorical/gumbel_softmax',
      code: { vars: 20, classes: 10 },
      step: CKPT_STEPS,
      trainExamples: 256,
      features: { simd: true, relaxedSimd: true, threads: false },
      variant: 'relaxed',
    });
  });

  it('POST /encode gives one class per variable, equal to Node', async () => {
    const images = rows(0, 8);
    const r = await call('/encode', { method: 'POST', body: { images } });
    expect(r.status).toBe(200);
    const codes = (r.body as { codes: number[][] }).codes;
    expect(codes).toHaveLength(8);
    for (const c of codes) {
      expect(c).toHaveLength(20);
      for (const v of c) expect(Number.isInteger(v) && v >= 0 && v < 10).toBe(true);
    }
    expect(codes).toEqual(node.encode(images));
    // Different digits get different codes.
    expect(new Set(codes.map((c) => c.join(','))).size).toBeGreaterThan(1);
    // One image may be sent alone.
    const one = await call('/encode', { method: 'POST', body: { image: images[3] } });
    expect((one.body as { codes: number[][] }).codes).toEqual([codes[3]]);
  });

  it('POST /sample gives probabilities, equal to Node for the same seed', async () => {
    const r = await call('/sample', { method: 'POST', body: { n: 4, seed: 3 } });
    expect(r.status).toBe(200);
    const images = (r.body as { images: number[][] }).images;
    expect(images).toHaveLength(4);
    for (const im of images) {
      expect(im).toHaveLength(784);
      for (const p of im) expect(p >= 0 && p <= 1).toBe(true);
    }
    expect(maxRelDiff(images.flat(), node.sample(4, 3).flat())).toBeLessThan(1e-6);
    const again = await call('/sample', { method: 'POST', body: { n: 4, seed: 3 } });
    expect((again.body as { images: number[][] }).images).toEqual(images);
    const other = await call('/sample', { method: 'POST', body: { n: 4, seed: 4 } });
    expect((other.body as { images: number[][] }).images).not.toEqual(images);
  });

  it('POST /train?steps=N continues from the checkpoint with the losses Node computes', async () => {
    const r = await call('/train?steps=10', { method: 'POST' });
    expect(r.status).toBe(200);
    const got = r.body as { from: number; step: number; losses: number[]; tau: number };
    expect(got.from).toBe(CKPT_STEPS);
    expect(got.step).toBe(CKPT_STEPS + 10);
    const want = node.train(10);
    expect(got.tau).toBe(want.tau);
    expect(maxRelDiff(got.losses, want.losses)).toBeLessThan(1e-5);
    const more = await call('/train?steps=5', { method: 'POST' });
    expect(maxRelDiff((more.body as { losses: number[] }).losses, node.train(5).losses)).toBeLessThan(1e-5);
    expect((await call('/')).body).toMatchObject({ step: CKPT_STEPS + 15 });
  });

  it('GET /checkpoint after training equals Node’s checkpoint byte for byte', async () => {
    const r = await call('/checkpoint');
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/octet-stream');
    const bytes = r.body as Uint8Array;
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('GMBLCKPT');
    expect(Buffer.from(bytes).equals(Buffer.from(node.checkpoint()))).toBe(true);
  });

  it('rejects bad requests with 400 and unknown routes with 404', async () => {
    expect((await call('/train?steps=1000', { method: 'POST' })).status).toBe(400);
    expect((await call('/train?steps=0', { method: 'POST' })).status).toBe(400);
    expect((await call('/encode', { method: 'POST', body: { images: [[0.5]] } })).status).toBe(400);
    expect((await call('/sample', { method: 'POST', body: { n: 1000 } })).status).toBe(400);
    const notJson = await fetch(new URL('/sample', base), { method: 'POST', body: 'nope' });
    expect(notJson.status).toBe(400);
    expect((await call('/nowhere')).status).toBe(404);
  });
});

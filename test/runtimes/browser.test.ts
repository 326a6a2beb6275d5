// The browser demo (examples/browser/) in real headless Chromium (Debian's `chromium` where
// installed, else the build bundled in the @sparticuz/chromium dev dependency; driven by
// playwright-core): the Vite dev server that `npm run demo` starts serves the page with COOP/COEP,
// the page trains the categorical VAE in its engine Web Worker (threaded: a pool of nested
// workers), and we check the loss falls, samples are drawn, and the first losses equal Node's
// bitwise (same relaxed build, V8 on both sides; threads never change the numbers). A second page
// without cross-origin isolation must fall back to one thread with the same numbers.
// The screenshot goes to test/artifacts/browser-demo.png.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { type ViteDevServer, createServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, chromiumPath, lastJson, requireBuilt, run } from './helpers.js';

const ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];
const STEPS = 250;
const SAME = 20;

interface Demo {
  state: string;
  losses: number[];
  variant: string;
  threads: number;
  features: { simd: boolean; relaxedSimd: boolean; threads: boolean };
  crossOriginIsolated: boolean;
  imagesAt: number;
  error: string | null;
  examples: number;
}

let server: ViteDevServer | null = null;
let browser: Browser | null = null;
let url = '';
let version = '';

const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;

/** Opens the demo with URL parameters, waits until it stops, returns window.demo and the page. */
async function train(query: string, timeout = 90_000) {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 760 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const t0 = performance.now();
  await page.goto(`${url}?${query}`);
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''), null, { timeout });
  const demo = (await page.evaluate('window.demo')) as Demo;
  if (demo.error || errors.length) throw new Error(`the demo failed: ${demo.error ?? errors.join('\n')}`);
  return { page, demo, ms: performance.now() - t0 };
}

describe('the browser demo in headless Chromium', () => {
  beforeAll(async () => {
    requireBuilt();
    const exe = await chromiumPath();
    if (!existsSync(exe)) throw new Error(`${exe} is missing: set CHROMIUM_PATH, apt-get install -y chromium, or npm install (@sparticuz/chromium)`);
    server = await createServer({ configFile: join(ROOT, 'examples/browser/vite.config.mjs'), server: { port: 0, host: '127.0.0.1' }, logLevel: 'error' });
    await server.listen();
    url = server.resolvedUrls!.local[0];
    browser = await chromium.launch({ executablePath: exe, headless: true, args: ARGS });
    console.log(`Chromium: ${exe}`);
    version = browser.version();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('trains with threads when cross-origin isolated: the loss falls, samples render, numbers equal Node', async () => {
    const { page, demo, ms } = await train(`autostart=1&steps=${STEPS}`);
    console.log(`Chromium ${version}: ${demo.variant}, ${STEPS} steps in ${ms.toFixed(0)} ms (page load included)`);
    expect(demo.crossOriginIsolated).toBe(true);
    expect(demo.features).toEqual({ simd: true, relaxedSimd: true, threads: true });
    const cores = (await page.evaluate('navigator.hardwareConcurrency')) as number;
    expect(demo.threads).toBe(Math.max(1, Math.min(4, cores)));
    expect(demo.variant).toBe(demo.threads > 1 ? `relaxed-mt×${demo.threads}` : 'relaxed');
    expect(demo.examples).toBe(2000);
    expect(demo.state).toBe('done');
    expect(demo.losses).toHaveLength(STEPS);
    expect(mean(demo.losses.slice(-20))).toBeLessThan(mean(demo.losses.slice(0, 20)) - 20);
    expect(demo.imagesAt).toBe(STEPS);

    // The sample grid and the reconstructions are drawn: many distinct grey levels, not a blank canvas.
    for (const id of ['samples', 'recon']) {
      const levels = (await page.evaluate(`(() => {
        const c = document.getElementById('${id}'), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const seen = new Set(); let dark = 0;
        for (let i = 0; i < d.length; i += 4) { seen.add(d[i]); if (d[i] < 128) dark++; }
        return [seen.size, dark / (d.length / 4)];
      })()`)) as [number, number];
      expect(levels[0], `${id}: grey levels`).toBeGreaterThan(50);
      expect(levels[1], `${id}: dark fraction`).toBeGreaterThan(0.02);
    }
    await mkdir(join(ROOT, 'test/artifacts'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test/artifacts/browser-demo.png'), fullPage: true });

    const node = lastJson<{ losses: number[]; variant: string }>(
      await run(process.execPath, ['test/runtimes/train_script.mjs', '--examples', '2000', '--batch', '50', '--lr', '0.01', '--seed', '1', '--steps', String(SAME)]),
      'train_script.mjs in Node',
    );
    expect(node.variant).toBe('relaxed');
    expect(demo.losses.slice(0, SAME)).toEqual(node.losses);
    await page.close();
  }, 120_000);

  it('falls back to one thread without COOP/COEP, with the same numbers', async () => {
    const { page, demo, ms } = await train(`isolated=0&autostart=1&steps=${SAME}`);
    console.log(`Chromium ${version}, not isolated: ${demo.variant}, ${SAME} steps in ${ms.toFixed(0)} ms`);
    expect(demo.crossOriginIsolated).toBe(false);
    expect(demo.features.threads).toBe(false);
    expect(demo.threads).toBe(1);
    expect(demo.variant).toBe('relaxed');
    const node = lastJson<{ losses: number[] }>(
      await run(process.execPath, ['test/runtimes/train_script.mjs', '--examples', '2000', '--batch', '50', '--lr', '0.01', '--seed', '1', '--steps', String(SAME)]),
      'train_script.mjs in Node',
    );
    expect(demo.losses).toEqual(node.losses);
    await page.close();
  }, 120_000);

  it('trains with the estimator and fixed temperature picked on the page', async () => {
    const { page, demo } = await train(`autostart=1&steps=${SAME}&estimator=st_gumbel_softmax&tau=0.5`);
    expect(await page.inputValue('#estimator')).toBe('st_gumbel_softmax');
    expect(await page.inputValue('#tauMode')).toBe('fixed');
    expect(await page.textContent('#s-tau')).toBe('0.500');
    const node = lastJson<{ losses: number[] }>(
      await run(process.execPath, ['test/runtimes/train_script.mjs', '--examples', '2000', '--batch', '50', '--lr', '0.01', '--seed', '1',
        '--steps', String(SAME), '--estimator', 'st_gumbel_softmax', '--tau', '0.5']),
      'train_script.mjs in Node',
    );
    expect(demo.losses).toEqual(node.losses);
    await page.close();
  }, 120_000);
});

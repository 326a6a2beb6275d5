// The `gumbel` command: help everywhere, one-line errors with exit code 2 on bad arguments, an
// end-to-end `gumbel train` writing the complete run folder, `eval` and `sample` on that folder,
// damaged inputs (a truncated checkpoint, a corrupt IDX file), and Ctrl-C then --resume in a real process.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeIdx } from '../../src/data/index.js';
import { decodeCheckpoint } from '../../src/train/checkpoint.js';
import { FILES } from '../../src/train/run.js';
import { trainingBackend } from '../train/helpers.js';
import { QUICK, gumbel, spawnGumbel, tempDir } from './helpers.js';

describe('help', () => {
  it('gumbel --help lists the commands', async () => {
    const r = await gumbel('--help');
    expect(r.code).toBe(0);
    for (const c of ['train', 'eval', 'sample']) expect(r.out).toContain(c);
  });

  it('--help on every command lists its options', async () => {
    const train = await gumbel('train', '--help');
    expect(train.code).toBe(0);
    for (const o of ['--latent', '--estimator', '--steps', '--batch', '--optimizer', '--lr', '--momentum', '--tau-rate', '--tau-every',
      '--tau-min', '--tau ', '--prior', '--hidden', '--eval-samples', '--eval-every', '--seed', '--backend', '--data-dir', '--out', '--resume', '--json']) {
      expect(train.out).toContain(o);
    }
    const ev = await gumbel('eval', '--help');
    expect(ev.code).toBe(0);
    for (const o of ['<run-dir>', '--split', '--eval-samples', '--examples', '--json']) expect(ev.out).toContain(o);
    const sample = await gumbel('sample', '--help');
    expect(sample.code).toBe(0);
    for (const o of ['<run-dir>', '--n', '--out']) expect(sample.out).toContain(o);
  });
});

describe('bad arguments: one line on stderr, exit code 2', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown estimator', ['train', '--estimator', 'reinforce'], /--estimator .*'reinforce'.*Allowed choices are sf, darn/],
    ['negative steps', ['train', '--steps', '-5'], /--steps .*'-5' is invalid/],
    ['τ = 0', ['train', '--tau', '0'], /--tau .*'0' is invalid. must be a number in \[0.001, 1000\]/],
    ['τ < 0', ['train', '--tau', '-1'], /--tau .*'-1' is invalid/],
    ['a non-number', ['train', '--lr', 'fast'], /--lr .*'fast' is invalid/],
    ['an unknown model', ['train', 'gan'], /'gan' is invalid for argument 'model'/],
    ['an unknown latent', ['train', '--latent', 'gaussian'], /--latent .*'gaussian'/],
    ['hidden layers on the SBN', ['train', 'sbn', '--hidden', '512,256'], /--hidden is an option of vae, not of sbn/],
    ['a prior on the SBN', ['train', 'sbn', '--prior', 'uniform'], /--prior is an option of vae, not of sbn/],
    ['malformed hidden sizes', ['train', '--hidden', '512,x'], /--hidden .*invalid/],
    ['an unknown backend', ['train', '--backend', 'cuda'], /--backend .*'cuda'/],
    ['--resume without --out', ['train', '--resume'], /--resume needs --out/],
    ['--tfjs-backend without --backend tfjs', ['train', '--tfjs-backend', 'cpu'], /--tfjs-backend \/ --tfjs-native-rng must be used with --backend tfjs, found '--backend wasm'/],
    ['an unknown tfjs backend', ['train', '--backend', 'tfjs', '--tfjs-backend', 'cuda'], /--tfjs-backend .*'cuda'.*Allowed choices are wasm, cpu, tensorflow, webgpu/],
    ['an unknown option', ['train', '--bogus'], /unknown option '--bogus'/],
    ['an unknown command', ['fit'], /unknown command 'fit'/],
    ['eval without a run folder', ['eval'], /missing required argument 'run-dir'/],
    ['eval of a folder that does not exist', ['eval', '/nonexistent/run'], /run-dir must be a run folder, found \/nonexistent\/run/],
    ['an empty data dir', ['train', '--data-dir', '/nonexistent/data', '--backend', 'ref'], /dataDir must be a readable directory/],
  ];
  for (const [what, args, msg] of cases) {
    it(what, async () => {
      const r = await gumbel(...args);
      expect(r.code).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(msg);
      expect(r.out).toBe('');
    });
  }
});

describe('gumbel train end to end', () => {
  let dir = '';
  let result: Record<string, any>;

  let backend = 'ref';

  beforeAll(async () => {
    // The default backend (wasm) when its build has every kernel, else ref.
    backend = (await trainingBackend()).name;
    dir = join(await tempDir(), 'run');
    const r = await gumbel('train', ...QUICK, '--backend', backend, '--out', dir, '--json');
    expect(r.err).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    result = JSON.parse(lines[lines.length - 1]);
  }, 120_000);

  it('writes the complete run folder', async () => {
    const files = (await readdir(dir)).sort();
    // Every file of an SBN/VAE run (ssvae's accuracy.svg aside), the lock released, no temporary files left behind.
    expect(files).toEqual([FILES.checkpoint, FILES.config, FILES.curves, FILES.metrics, FILES.result, FILES.samples].sort());
    const config = JSON.parse(await readFile(join(dir, FILES.config), 'utf8'));
    expect(config).toMatchObject({
      model: { name: 'vae', latent: 'categorical', prior: 'learned' }, estimator: { name: 'gumbel_softmax', options: {} },
      optimizer: { name: 'adam', steps: 12, batch: 10, lr: 1e-3, seed: 1 }, schedule: { tau: null, tauRate: 1e-4, tauEvery: 1000, tauMin: 0.5 },
    });
    const metrics = (await readFile(join(dir, FILES.metrics), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(metrics.map((m) => m.step)).toEqual([4, 6, 8, 12]);
    for (const m of metrics) {
      expect(Number.isFinite(m.loss)).toBe(true);
      expect(m.tau).toBe(1);
      expect(m.examplesPerSec).toBeGreaterThan(0);
    }
    expect(metrics.filter((m) => m.valid !== undefined).map((m) => m.step)).toEqual([6, 12]);
    expect(decodeCheckpoint(await readFile(join(dir, FILES.checkpoint))).step).toBe(12);
    const png = decode(await readFile(join(dir, FILES.samples)));
    expect([png.width, png.height, png.channels]).toEqual([8 * 30 + 2, 8 * 30 + 2, 1]);
    const svg = await readFile(join(dir, FILES.curves), 'utf8');
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('<path d="M');
  });

  it('result.json holds the final metrics, timings, versions and backend; --json prints it last', async () => {
    const onDisk = JSON.parse(await readFile(join(dir, FILES.result), 'utf8'));
    expect(result).toEqual(onDisk);
    expect(result.test).toMatchObject({ samples: 6, examples: 12 });
    expect(result.test.value).toBeGreaterThan(50);
    expect(result.test.value).toBeLessThan(400);
    expect(result.paper.value).toBe(101.5);
    expect(result.backend.name).toBe(backend);
    expect(result.backend.variant).toBe(backend === 'ref' ? 'ts' : result.backend.variant);
    expect(result.versions.gumbel).toMatch(/^\d+\.\d+\.\d+/);
    expect(result.timings.stepsPerSec).toBeGreaterThan(0);
    expect(result.steps).toBe(12);
  });

  it('gumbel eval reproduces the test number and evaluates the validation split', async () => {
    const r = await gumbel('eval', dir, '--json');
    expect(r.code).toBe(0);
    const e = JSON.parse(r.out.trim());
    expect(e.value).toBe(result.test.value);
    expect(e).toMatchObject({ split: 'test', samples: 6, examples: 12, step: 12 });
    const v = await gumbel('eval', dir, '--split', 'valid', '--eval-samples', '2', '--examples', '30');
    expect(v.code).toBe(0);
    expect(v.out).toMatch(/^valid -log p\(x\).* = \d+\.\d+ \(m = 2, 30 examples, step 12/);
  }, 120_000);

  it('gumbel sample writes a PNG grid', async () => {
    const file = join(dir, 'nine.png');
    const r = await gumbel('sample', dir, '--n', '9', '--out', file);
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(file);
    const png = decode(await readFile(file));
    expect([png.width, png.height]).toEqual([3 * 30 + 2, 3 * 30 + 2]);
  });

  it('--resume of a finished run extends it with a larger --steps', async () => {
    const r = await gumbel('train', '--out', dir, '--resume', '--steps', '14', '--json');
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out.trim().split('\n').pop()!);
    expect(res.steps).toBe(14);
    expect(res.config.model.units).toBe(8); // the run's own configuration
  }, 120_000);

  it('training into a folder that holds a run without --resume is refused (exit 2)', async () => {
    const r = await gumbel('train', ...QUICK, '--out', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/already holds a run .*--resume/);
  });

  it('a truncated checkpoint: eval fails with exit 1 and a message naming the file', async () => {
    const copy = join(await tempDir(), 'copy');
    await mkdir(copy);
    for (const f of [FILES.config, FILES.checkpoint]) await writeFile(join(copy, f), await readFile(join(dir, f)));
    const ck = await readFile(join(copy, FILES.checkpoint));
    await writeFile(join(copy, FILES.checkpoint), ck.subarray(0, 1000));
    const r = await gumbel('eval', copy);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/FormatError: checkpoint: .*copy\/checkpoint is truncated/);
  });
});

describe('--backend tfjs --tfjs-backend', () => {
  it('trains on the chosen tfjs backend, records it in config.json, and eval uses it', async () => {
    const dir = join(await tempDir(), 'tfjs-cpu');
    const r = await gumbel('train', ...QUICK, '--steps', '2', '--eval-every', '0', '--backend', 'tfjs', '--tfjs-backend', 'cpu', '--out', dir, '--json');
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out.trim().split('\n').pop()!).backend).toEqual({ name: 'tfjs', variant: 'tfjs-cpu' });
    expect(JSON.parse(await readFile(join(dir, FILES.config), 'utf8'))).toMatchObject({ runtime: { backend: 'tfjs', tfjsBackend: 'cpu', tfjsNativeRng: false } });
    const e = await gumbel('eval', dir, '--json');
    expect(e.code, e.err).toBe(0);
    expect(JSON.parse(e.out.trim().split('\n').pop()!).backend.variant).toBe('tfjs-cpu');
    // Another backend for eval drops the run's tfjs settings.
    expect((await gumbel('eval', dir, '--backend', 'ref')).code).toBe(0);
  }, 120_000);
});

describe('damaged data', () => {
  it('a corrupt IDX file in --data-dir: exit 1 and a message naming the file', async () => {
    const d = await tempDir();
    const images = encodeIdx([3, 28, 28], new Uint8Array(3 * 784));
    const labels = encodeIdx([3], new Uint8Array(3));
    await writeFile(join(d, 'train-images-idx3-ubyte'), images.subarray(0, images.length - 100)); // truncated
    await writeFile(join(d, 'train-labels-idx1-ubyte'), labels);
    await writeFile(join(d, 't10k-images-idx3-ubyte'), images);
    await writeFile(join(d, 't10k-labels-idx1-ubyte'), labels);
    const r = await gumbel('train', '--data-dir', d, '--backend', 'ref', '--out', join(d, 'run'));
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/FormatError: .*train-images-idx3-ubyte/);
  });
});

describe('in a real process', () => {
  it('bad arguments exit 2 with one line', async () => {
    const p = spawnGumbel(['train', '--steps', '-1']);
    expect(await p.done).toBe(2);
    expect(p.err().trim().split('\n')).toHaveLength(1);
  }, 60_000);

  // SIGTERM is what timeout, Docker and job schedulers send: handled like Ctrl-C, exit 128 + 15.
  for (const [signal, exit] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal} writes a checkpoint and exits ${exit}; --resume continues from it`, async () => {
      const dir = join(await tempDir(), 'run');
      const args = ['train', ...QUICK, '--backend', 'ref', '--steps', '100000', '--eval-every', '0', '--out', dir];
      const p = spawnGumbel(args);
      // The bar's first plain line appears when training starts.
      const t0 = Date.now();
      while (!/0\/100000/.test(p.err()) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1500));
      p.child.kill(signal);
      expect(await p.done, p.err()).toBe(exit);
      expect(p.err()).toMatch(/interrupted at step \d+: checkpoint written to .*; continue with: gumbel train --out .* --resume/);
      const step = decodeCheckpoint(await readFile(join(dir, FILES.checkpoint))).step;
      expect(step).toBeGreaterThan(0);
      const r = await gumbel('train', '--out', dir, '--resume', '--steps', String(step + 3), '--json');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out.trim().split('\n').pop()!).steps).toBe(step + 3);
    }, 120_000);
  }
});

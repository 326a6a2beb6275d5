// Semi-supervised training: the loop learns, is deterministic (also across thread counts), and the
// CLI and both reproduce commands run end to end on small budgets.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTfjsBackend } from '../../src/backends/tfjs/index.js';
import { createWasmBackend } from '../../src/backends/wasm/index.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { main } from '../../src/cli/index.js';
import { makeDataset } from '../../src/data/index.js';
import { defaultMnistDir } from '../../src/data/node.js';
import { setBackend } from '../../src/engine.js';
import { withOptions } from '../../src/train/options.js';
import { SSVAE_DEFAULTS, type SsvaeConfig, SsvaeTrainer, randomLabels, validateSsvaeConfig } from '../../src/train/ssvae.js';
import { key } from '../../src/random/key.js';
import { trainingBackend } from './helpers.js';


// 200 grey "images": class c lights up row band c, plus noise; test/valid binarized copies.
function synthetic(n: number, seed: number) {
  const labels = randomLabels(n, 10, key(seed));
  const images = new Float32Array(n * 784);
  for (let i = 0; i < n; i++) for (let p = 0; p < 784; p++) {
    const band = Math.floor(p / 28 / 2.8) === labels[i];
    images[i * 784 + p] = band ? 0.9 : ((i * 784 + p) * 2654435761 >>> 0) % 100 < 5 ? 0.5 : 0.02;
  }
  return makeDataset(images, 784, labels);
}
const bin = (ds: ReturnType<typeof synthetic>) => makeDataset(ds.images.map((v) => (v > 0.5 ? 1 : 0)), 784, ds.labels);
const data = { train: synthetic(200, 1), valid: bin(synthetic(40, 2)), test: bin(synthetic(40, 3)) };
/** A small M2 config; `over` by the option table's keys (yEstimator, labels, ...), set at their paths. */
const config = (over: Record<string, unknown> = {}): SsvaeConfig =>
  withOptions(SSVAE_DEFAULTS, { labels: 20, labeledBatch: 20, batch: 10, lr: 1e-3, steps: 10, evalEvery: 0, validSize: 40, ...over }, 'ssvae');

describe('SsvaeTrainer', () => {
  it('lowers J over 30 steps and gives the same numbers for the same seed', async () => {
    const { be } = await trainingBackend();
    setBackend(be);
    const run = (steps: number) => {
      const t = new SsvaeTrainer(config({ yEstimator: 'gumbel_softmax' }), data, be);
      return Array.from({ length: steps }, () => t.trainStep());
    };
    const a = run(30);
    const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
    const first = a.slice(0, 5), last = a.slice(-5);
    expect(mean(last.map((r) => r.loss))).toBeLessThan(mean(first.map((r) => r.loss)) - 2);
    // The 20 labels are learnt: −log q(y|x) on them falls well below log 10 = 2.30.
    expect(mean(last.map((r) => r.classification))).toBeLessThan(0.7 * mean(first.map((r) => r.classification)));
    expect(run(3)).toEqual(a.slice(0, 3));
  }, 120_000);

  it('is bitwise the same with 1 and 2 wasm threads (marginalize)', async () => {
    const runs: number[][] = [];
    for (const threads of [1, 2]) {
      const be = await createWasmBackend({ threads });
      try {
        setBackend(be);
        const t = new SsvaeTrainer(config({ yEstimator: 'marginalize', batch: 20 }), data, be);
        runs.push([t.trainStep().loss, t.trainStep().loss]);
      } finally {
        be.dispose();
      }
    }
    expect(runs[1]).toEqual(runs[0]);
  }, 120_000);

  it('trains the same on the tfjs adapter (tfjs-backend-wasm) as on wasm: 3 steps within 1e-4 relative', async () => {
    const losses: number[][] = [];
    for (const make of [() => createWasmBackend(), () => createTfjsBackend({ tfjsBackend: 'wasm' })]) {
      const be = await make();
      try {
        setBackend(be);
        for (const yEstimator of ['marginalize', 'st_gumbel_softmax'] as const) {
          const t = new SsvaeTrainer(config({ yEstimator, batch: 4, labels: 10, labeledBatch: 10 }), data, be);
          losses.push([t.trainStep().loss, t.trainStep().loss, t.trainStep().loss]);
        }
      } finally {
        be.dispose();
      }
    }
    for (let i = 0; i < 2; i++) losses[i].forEach((l, j) => expect(Math.abs(losses[i + 2][j] - l) / l).toBeLessThan(1e-4));
  }, 120_000);

  it('takes y\'s estimator from the registry like any other (st, which the paper did not run for y)', async () => {
    const { be } = await trainingBackend();
    setBackend(be);
    const t = new SsvaeTrainer(config({ yEstimator: 'st', batch: 4, labels: 10, labeledBatch: 10 }), data, be);
    const [a, b] = [t.trainStep(), t.trainStep()];
    expect(Number.isFinite(a.loss) && Number.isFinite(b.loss)).toBe(true);
  }, 120_000);

  it('validates its configuration with named errors', () => {
    expect(() => validateSsvaeConfig(config({ labels: 15 }))).toThrow(/--labels must be a multiple of --classes \(10\).*found 15/);
    expect(() => validateSsvaeConfig(config({ yEstimator: 'reinforce' }))).toThrow(/--y-estimator must be one of sf, darn/);
    expect(() => validateSsvaeConfig(config({ yEstimator: 'arm' }))).toThrow(/--y-estimator arm supports bernoulli latents only/);
    expect(() => validateSsvaeConfig(config({ yEstimator: 'reinmax' }))).toThrow(/--y-estimator reinmax needs τ >= 1; the M2 schedule goes down to 0.5/);
    expect(() => validateSsvaeConfig(config({ yEstimator: 'vimco' }))).toThrow(/--y-estimator vimco needs a log-weight pass/);
    expect(() => new SsvaeTrainer(config({ yEstimator: 'relax' }), data, createRefBackend())).toThrow(/--y-estimator relax has parameters of its own/);
    expect(() => validateSsvaeConfig(config({ alpha: -1 }))).toThrow(/alpha/);
  });
});

describe('gumbel train ssvae / reproduce table2 / reproduce speed', () => {
  const dirs: string[] = [];
  const tmp = async () => {
    const d = await mkdtemp(join(tmpdir(), 'gumbel-ssvae-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
  const io = () => {
    const out = { stdout: '', stderr: '' };
    return { out, io: { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s) } } };
  };

  it('train ssvae writes a run folder with test accuracy and ELBO; gumbel eval gives them again from the checkpoint', async () => {
    const dir = join(await tmp(), 'run');
    const { out, io: x } = io();
    const code = await main(['node', 'gumbel', 'train', 'ssvae', '--y-estimator', 'st_gumbel_softmax', '--steps', '2', '--batch', '10', '--labeled-batch', '10',
      '--alpha', '0.8', '--valid-size', '20', '--test-size', '30', '--out', dir, '--json'], x);
    expect(code, out.stderr).toBe(0);
    const r = JSON.parse(await readFile(join(dir, 'result.json'), 'utf8'));
    expect(r).toMatchObject({ model: 'ssvae', yEstimator: 'st_gumbel_softmax', alpha: 0.8, steps: 2, test: { examples: 30 } });
    expect(r.test.accuracy).toBeGreaterThanOrEqual(0);
    expect(r.test.elbo).toBeLessThan(0);
    expect(JSON.parse(out.stdout.trim().split('\n').pop()!).test).toEqual(r.test);
    expect((await readFile(join(dir, 'metrics.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(1);
    // gumbel eval on the run gives its test and validation numbers again, from the checkpoint.
    for (const [split, n, want] of [['test', 30, r.test], ['valid', 20, r.valid]] as const) {
      const e = io();
      expect(await main(['node', 'gumbel', 'eval', dir, '--split', split, '--examples', String(n), '--json'], e.io), e.out.stderr).toBe(0);
      expect(JSON.parse(e.out.stdout)).toMatchObject({ model: 'ssvae', estimator: 'st_gumbel_softmax', alpha: 0.8, step: 2, split, accuracy: want.accuracy, elbo: want.elbo, examples: n });
    }
    const bad = io();
    expect(await main(['node', 'gumbel', 'eval', dir, '--eval-samples', '5'], bad.io)).toBe(2);
    expect(bad.out.stderr).toMatch(/--eval-samples is for sbn and vae runs .*found --eval-samples 5/);
  }, 300_000);

  it('train ssvae --resume continues from the checkpoint to the same numbers as an uninterrupted run', async () => {
    const base = await tmp();
    const args = (dir: string, steps: number) => ['node', 'gumbel', 'train', 'ssvae', '--steps', String(steps), '--batch', '10', '--labeled-batch', '10',
      '--eval-every', '2', '--valid-size', '10', '--test-size', '10', '--out', dir];
    const a = io(), b = io(), c = io();
    expect(await main(args(join(base, 'a'), 4), a.io), a.out.stderr).toBe(0);
    expect(await main(args(join(base, 'b'), 2), b.io), b.out.stderr).toBe(0);
    expect(await main(args(join(base, 'b'), 2), c.io)).toBe(2);
    expect(c.out.stderr).toMatch(/already holds a run \(checkpoint\): continue it with --resume/);
    expect(await main([...args(join(base, 'b'), 4), '--resume'], b.io), b.out.stderr).toBe(0);
    const ra = JSON.parse(await readFile(join(base, 'a', 'result.json'), 'utf8')), rb = JSON.parse(await readFile(join(base, 'b', 'result.json'), 'utf8'));
    expect(rb.steps).toBe(4);
    expect(rb.test).toEqual(ra.test);
    const losses = async (d: string) => (await readFile(join(d, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l).loss);
    expect(await losses(join(base, 'b'))).toEqual(await losses(join(base, 'a')));
  }, 300_000);

  it('train ssvae --data-dir reads labeled IDX files (the bundled ones give the same run) and refuses unlabeled .amat', async () => {
    const base = await tmp();
    const args = (dir: string) => ['node', 'gumbel', 'train', 'ssvae', '--steps', '1', '--batch', '10', '--labeled-batch', '10', '--valid-size', '10', '--test-size', '10', '--out', dir];
    const a = io(), b = io(), c = io();
    expect(await main(args(join(base, 'a')), a.io), a.out.stderr).toBe(0);
    expect(await main([...args(join(base, 'b')), '--data-dir', defaultMnistDir()], b.io), b.out.stderr).toBe(0);
    const ra = JSON.parse(await readFile(join(base, 'a', 'result.json'), 'utf8')), rb = JSON.parse(await readFile(join(base, 'b', 'result.json'), 'utf8'));
    expect(rb.config.runtime.dataDir).toBe(defaultMnistDir());
    expect(rb.test).toEqual(ra.test);
    const amat = join(base, 'amat');
    await mkdir(amat);
    const row = Array.from({ length: 784 }, (_, i) => i % 2).join(' ') + '\n';
    for (const s of ['train', 'valid', 'test']) await writeFile(join(amat, `binarized_mnist_${s}.amat`), row.repeat(3));
    expect(await main([...args(join(base, 'c')), '--data-dir', amat], c.io)).not.toBe(0);
    expect(c.out.stderr).toMatch(/dataDir must hold labeled images .* without labels \(amat files\)/);
  }, 300_000);

  it('train ssvae refuses options of the other models and bad label counts', async () => {
    const { out, io: x } = io();
    expect(await main(['node', 'gumbel', 'train', 'ssvae', '--latent', 'bernoulli'], x)).toBe(2);
    expect(out.stderr).toMatch(/ssvae does not take --latent/);
    expect(await main(['node', 'gumbel', 'train', 'vae', '--alpha', '0.3'], x)).toBe(2);
    expect(out.stderr).toMatch(/--alpha is an option of ssvae, not of vae/);
    expect(await main(['node', 'gumbel', 'train', 'ssvae', '--labels', '15', '--steps', '1'], x)).toBe(2);
    expect(out.stderr).toMatch(/--labels must be a multiple of --classes \(10\)/);
  });

  it('reproduce table2 --budget quick --lr 1e-3 --jobs 2 writes table2.md and table2.json with all three rows, every run at that lr', async () => {
    const dir = await tmp();
    const { out, io: x } = io();
    const code = await main(['node', 'gumbel', 'reproduce', 'table2', '--budget', 'quick', '--lr', '1e-3', '--out', dir, '--jobs', '2'], x);
    expect(code, out.stderr).toBe(0);
    const r = JSON.parse(await readFile(join(dir, 'table2.json'), 'utf8'));
    expect(r.rows.map((row: { yEstimator: string }) => row.yEstimator)).toEqual(['marginalize', 'gumbel_softmax', 'st_gumbel_softmax']);
    expect(r.rows[0].runs).toHaveLength(5);
    expect(r.complete).toBe(true);
    const md = await readFile(join(dir, 'table2.md'), 'utf8');
    expect(md).toMatch(/\| Marginalization \| .* \/ -106.8 \|/);
    expect(md).toContain(`gumbel reproduce table2 --budget quick --lr 0.001 --out ${dir} --jobs 2`);
    expect(r.lr).toBe(1e-3);
    expect(JSON.parse(await readFile(join(dir, 'st_gumbel_softmax-alpha1', 'result.json'), 'utf8')).config.optimizer.lr).toBe(1e-3);
    // --resume reads the finished runs instead of training again.
    const again = io();
    expect(await main(['node', 'gumbel', 'reproduce', 'table2', '--budget', 'quick', '--out', dir, '--resume'], again.io)).toBe(0);
    expect(JSON.parse(await readFile(join(dir, 'table2.json'), 'utf8')).rows).toEqual(r.rows);
    // Child processes (--jobs 2) give the same numbers: test/reproduce/table2.test.ts.
  }, 900_000);

  it('reproduce speed writes speed.json and an SVG bar chart; marginalization is the slower', async () => {
    const dir = await tmp();
    const { out, io: x } = io();
    const code = await main(['node', 'gumbel', 'reproduce', 'speed', '--classes', '2,10', '--seconds', '0', '--batch', '10', '--out', dir], x);
    expect(code, out.stderr).toBe(0);
    const r = JSON.parse(await readFile(join(dir, 'speed.json'), 'utf8'));
    expect(r.cells).toHaveLength(4);
    expect(r.speedup.find((s: { classes: number }) => s.classes === 10).ours).toBeGreaterThan(1.5);
    const svg = await readFile(join(dir, 'speed.svg'), 'utf8');
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('k = 10');
    expect(await main(['node', 'gumbel', 'reproduce', 'speed', '--classes', '1'], x)).toBe(2);
  }, 300_000);
});

// Shared test fixtures: the backend the training tests run on (wasm when its build has every kernel,
// else ref with a note), MNIST loaded once, a small-config factory, temporary folders and the CLI in-process.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { Backend } from '../../src/backend.js';
import { main } from '../../src/cli/index.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { createWasmBackend } from '../../src/backends/wasm/index.js';
import { type Dataset, slice } from '../../src/data/index.js';
import { loadMnist } from '../../src/data/node.js';
import { defaultConfig, type TrainConfig } from '../../src/train/config.js';
import { withOptions } from '../../src/train/options.js';
import { missingWasmKernels } from '../../src/backends/open.js';

let backendP: Promise<{ be: Backend; note: string | null; name: 'wasm' | 'ref' }> | null = null;

/** wasm if the build has every kernel, otherwise ref (and a note saying why). */
export function trainingBackend(): Promise<{ be: Backend; note: string | null; name: 'wasm' | 'ref' }> {
  backendP ??= (async () => {
    const missing = await missingWasmKernels();
    if (missing.length) return { be: createRefBackend(), note: `wasm lacks ${missing.join(', ')}: training tests run on ref`, name: 'ref' as const };
    return { be: await createWasmBackend(), note: null, name: 'wasm' as const };
  })();
  return backendP;
}

let dataP: Promise<{ train: Dataset; valid: Dataset; test: Dataset }> | null = null;

/** The bundled MNIST (fixed binarization), loaded once per test file. */
export function mnist(): Promise<{ train: Dataset; valid: Dataset; test: Dataset }> {
  dataP ??= loadMnist({ binarize: 'fixed' }).then((d) => ({ train: d.train, valid: d.valid, test: d.test }));
  return dataP;
}

export const firstN = (ds: Dataset, n: number) => slice(ds, 0, Math.min(n, ds.n));

/** Options by the table's keys (as the CLI gives them: steps, estimator, ...) and the model's name. */
export type Options = { model?: 'sbn' | 'vae' } & Record<string, unknown>;

/** A small, quick configuration: small latent layers, small batches, frequent logs; `over` set at the options' paths. */
export function smallConfig(over: Options = {}): TrainConfig {
  const { model = 'vae', ...rest } = over;
  return withOptions(defaultConfig(model), {
    units: 8, vars: 4, classes: 4,
    batch: 20, steps: 20, evalEvery: 10, logEvery: 5,
    validSamples: 4, validSize: 40, evalSamples: 8, trainSize: 400, testSize: 20,
    backend: 'ref',
    ...rest,
  }, model);
}

/**
 * Trains model × latent × estimator for a few hundred steps (100 on ref) on a 1000-example subset and
 * returns the validation metric (m = 5 on 50 examples, the same key) before and after, and every loss.
 */
export async function trainBriefly(over: Options): Promise<{ before: number; after: number; losses: number[]; backend: string }> {
  const { Trainer } = await import('../../src/train/trainer.js');
  const { setBackend } = await import('../../src/engine.js');
  const { be, name } = await trainingBackend();
  setBackend(be);
  const d = await mnist();
  const steps = name === 'wasm' ? 300 : 100;
  const config = smallConfig({ lr: 1e-2, tau: over.model === 'sbn' ? 1 : null, steps, ...over, backend: name });
  const trainer = new Trainer(config, firstN(d.train, 1000), be);
  const valid = firstN(d.valid, 50);
  const metric = () => trainer.evaluate(valid, 5, trainer.keys.valid).mean;
  const before = metric();
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push(trainer.trainStep().loss);
  return { before, after: metric(), losses, backend: name };
}

/** A maker of temporary folders, all removed after the calling file's tests. */
export function tempDirs(prefix: string): () => Promise<string> {
  const made: string[] = [];
  afterAll(() => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));
  return async () => {
    const d = await mkdtemp(join(tmpdir(), prefix));
    made.push(d);
    return d;
  };
}

/** Runs `gumbel ...args` in-process; returns the exit code and what it wrote. */
export async function gumbel(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await main(['node', 'gumbel', ...args], {
    stdout: { write: (s: string) => (out += s), isTTY: false },
    stderr: { write: (s: string) => (err += s), isTTY: false },
  });
  return { code, out, err };
}

// The option table (src/train/options.ts) as the estimator registry extends it: an estimator's own
// option becomes a flag with its range and help section, and its value travels in
// config.estimator.options into config.json and the checkpoint.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { decodeCheckpoint } from '../../src/train/checkpoint.js';
import { createEstimator, registerEstimator } from '../../src/estimators/index.js';
import { FILES } from '../../src/train/run.js';
import { QUICK, gumbel, tempDir } from './helpers.js';

// A toy estimator with one option of its own: registering it is all it takes to get the flag.
registerEstimator({
  name: 'toy_options', summary: 'Gumbel-Softmax under another name, with an option', reads: ['tau'], unbiased: false,
  options: [{ key: 'toySlope', help: 'a toy estimator\'s slope', default: 1, min: 0, max: 5 }],
  evaluations: () => 1, latents: ['bernoulli', 'categorical'], create: () => createEstimator('gumbel_softmax'),
});

it('an estimator option is listed under its section with its range, and checked at the door', async () => {
  const help = await gumbel('train', '--help');
  expect(help.out.replace(/\s+/g, ' ')).toMatch(/--toy-slope <x>\s+toy_options: a toy estimator's slope \(default 1\); \[sbn, vae\]; a number in \[0, 5\]/);
  const r = await gumbel('train', '--toy-slope', '9');
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/--toy-slope .*'9' is invalid. must be a number in \[0, 5\]/);
  // Another estimator's option is refused by name, and so is a value outside the chosen estimator's range.
  const other = await gumbel('train', '--estimator', 'gumbel_softmax', '--toy-slope', '2');
  expect(other.code).toBe(2);
  expect(other.err).toMatch(/--toy-slope is not an option of --estimator gumbel_softmax \(its options: none\)/);
  const rloo = await gumbel('train', '--estimator', 'rloo', '--samples', '1');
  expect(rloo.code).toBe(2);
  expect(rloo.err).toMatch(/rloo: samples must be an integer in \[2, \d+\], found 1/);
});

it('its value is kept in config.estimator.options, in config.json and in the checkpoint', async () => {
  const dir = join(await tempDir(), 'run');
  const r = await gumbel('train', ...QUICK, '--steps', '0', '--backend', 'ref', '--estimator', 'toy_options', '--toy-slope', '2.5', '--out', dir);
  expect(r.code, r.err).toBe(0);
  expect(JSON.parse(await readFile(join(dir, FILES.config), 'utf8')).estimator).toEqual({ name: 'toy_options', options: { toySlope: 2.5 } });
  expect(decodeCheckpoint(await readFile(join(dir, FILES.checkpoint))).config.estimator).toEqual({ name: 'toy_options', options: { toySlope: 2.5 } });
  // ... and a contradicting value on resume is refused.
  const again = await gumbel('train', '--resume', '--out', dir, '--toy-slope', '3');
  expect(again.code).toBe(2);
  expect(again.err).toMatch(/--toy-slope 3 contradicts the run, which has 2.5/);
}, 60_000);

it('an estimator that does not fit the run is refused at the door: its latent kinds, its smallest τ', async () => {
  const arm = await gumbel('train', '--estimator', 'arm', '--latent', 'categorical');
  expect(arm.code).toBe(2);
  expect(arm.err).toMatch(/--estimator arm supports bernoulli latents only, found --latent categorical/);
  const reinmax = await gumbel('train', '--estimator', 'reinmax');
  expect(reinmax.code).toBe(2);
  expect(reinmax.err).toMatch(/--estimator reinmax needs τ >= 1, found a schedule down to --tau-min 0.5/);
});

// The option table (src/train/options.ts) as the estimator registry extends it: an estimator's own
// option becomes a flag with its range and help section, and its value travels in
// config.estimatorOptions into config.json and the checkpoint.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { decodeCheckpoint } from '../../src/train/checkpoint.js';
import { registerEstimatorOptions } from '../../src/train/options.js';
import { FILES } from '../../src/train/run.js';
import { QUICK, gumbel, tempDir } from './helpers.js';

registerEstimatorOptions([{ key: 'toySlope', help: 'a toy estimator\'s slope', default: 1, min: 0, max: 5 }]);

it('an estimator option is listed under its section with its range, and checked at the door', async () => {
  const help = await gumbel('train', '--help');
  expect(help.out).toMatch(/Estimator options:\n\s+--toy-slope <x>\s+a toy estimator's slope; \[sbn, vae\]; a number in \[0, 5\]\s+\(default: 1\)/);
  const r = await gumbel('train', '--toy-slope', '9');
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/--toy-slope .*'9' is invalid. must be a number in \[0, 5\]/);
  expect(() => registerEstimatorOptions([{ key: 'lr', help: '', default: 0, min: 0, max: 1 }])).toThrow(/--lr is already an option/);
});

it('its value is kept in config.estimatorOptions, in config.json and in the checkpoint', async () => {
  const dir = join(await tempDir(), 'run');
  const r = await gumbel('train', ...QUICK, '--steps', '0', '--backend', 'ref', '--toy-slope', '2.5', '--out', dir);
  expect(r.code, r.err).toBe(0);
  expect(JSON.parse(await readFile(join(dir, FILES.config), 'utf8')).estimatorOptions).toEqual({ toySlope: 2.5 });
  expect(decodeCheckpoint(await readFile(join(dir, FILES.checkpoint))).config.estimatorOptions).toEqual({ toySlope: 2.5 });
  // ... and a contradicting value on resume is refused.
  const again = await gumbel('train', '--resume', '--out', dir, '--toy-slope', '3');
  expect(again.code).toBe(2);
  expect(again.err).toMatch(/--toy-slope 3 contradicts the run, which has 2.5/);
}, 60_000);

// The config nested by concern: derived from the option table, validated at the door, and the flat
// configs of runs written before the sections (fixtures/flat_*.json) still load and resume.
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/train/checkpoint.js';
import { defaultConfig, patchConfig, savedConfig, validateConfig } from '../../src/train/config.js';
import { pathOf, trainOptions, valueOf } from '../../src/train/options.js';
import { FILES, runTraining } from '../../src/train/run.js';
import { savedSsvaeConfig, SSVAE_DEFAULTS, validateSsvaeConfig } from '../../src/train/ssvae.js';
import { gumbel, tempDirs } from './helpers.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const tempDir = tempDirs('gumbel-config-');
const sink = { write: () => true, isTTY: false };

describe('the nested config', () => {
  it('has one field per option of the table, at the path the table gives, with its default', () => {
    const c = defaultConfig('vae');
    expect(Object.keys(c)).toEqual(['model', 'estimator', 'optimizer', 'schedule', 'evaluation', 'runtime']);
    const own = trainOptions().filter((o) => !o.estimator && (o.models.includes('vae') || o.models.includes('sbn')));
    for (const o of own) expect(valueOf(o, c), o.key).toEqual(o.default);
    const fields = Object.entries(c).flatMap(([s, v]) => Object.keys(v).map((f) => `${s}.${f}`));
    expect(fields.sort()).toEqual([...own.map((o) => pathOf(o).join('.')), 'model.name', 'estimator.options'].sort());
    expect(pathOf(trainOptions().find((o) => o.key === 'evalSamples')!)).toEqual(['evaluation', 'evalSamples']);
  });

  it('refuses a flat config at the library door, naming the section', () => {
    expect(() => validateConfig(fixture('flat_vae_config.json') as never)).toThrow(/config.model.name must be one of sbn, vae, found 'undefined'/);
    expect(() => validateConfig({ ...defaultConfig('vae'), optimizer: 3 } as never)).toThrow(/config.optimizer must be an object/);
    expect(() => validateConfig(patchConfig(defaultConfig('vae'), { optimizer: { lr: -1 } }))).toThrow(/--lr must be a number in \(0, 10\], found -1/);
  });
});

describe('flat configs of older runs', () => {
  it('nest field by field (sbn/vae and ssvae), the fields they predate at their defaults', () => {
    const vae = savedConfig(fixture('flat_vae_config.json'));
    expect(validateConfig(vae)).toEqual(patchConfig(defaultConfig('vae'), {
      model: { units: 8, vars: 4, classes: 4 },
      optimizer: { steps: 10, batch: 20 },
      evaluation: { evalSamples: 8, evalEvery: 5, validSamples: 4, validSize: 40, trainSize: 200, testSize: 20, logEvery: 2 },
      runtime: { backend: 'ref' },
    }));
    const m2 = savedSsvaeConfig(fixture('flat_ssvae_config.json'));
    expect(validateSsvaeConfig(m2)).toEqual({
      model: { name: 'ssvae', classes: 10, labels: 20, alpha: 0.3, randomLabels: false },
      estimator: { name: 'marginalize', options: {} },
      optimizer: { steps: 4, batch: 10, labeledBatch: 10, lr: 0.001, seed: 0 },
      evaluation: { evalEvery: 2, validSize: 10, testSize: 10 },
      runtime: SSVAE_DEFAULTS.runtime,
    });
  });

  it('a run whose checkpoint and config.json are flat resumes to the numbers of an uninterrupted run', async () => {
    const flat = fixture('flat_vae_config.json'), config = savedConfig(flat);
    const a = await tempDir(), b = await tempDir();
    const full = await runTraining({ config, outDir: a, stderr: sink });
    let checks = 0;
    const stop = { get stop() { return ++checks > 4; } };
    expect((await runTraining({ config, outDir: b, stderr: sink, stop })).step).toBe(4);
    // Written as before the sections: the checkpoint's and config.json's config flat.
    const ckpt = decodeCheckpoint(await readFile(join(b, FILES.checkpoint)));
    await writeFile(join(b, FILES.checkpoint), encodeCheckpoint({ ...ckpt, config: flat }));
    await writeFile(join(b, FILES.config), JSON.stringify(flat));
    const resumed = await gumbel('train', '--out', b, '--resume', '--steps', '10', '--json');
    expect(resumed.code, resumed.err).toBe(0);
    const r = JSON.parse(resumed.out.trim().split('\n').pop()!);
    expect(r.test).toEqual(full.result!.test);
    expect(r.config).toEqual(config);
    // An option that contradicts the flat run is refused as for any run.
    expect((await gumbel('train', '--out', b, '--resume', '--batch', '7')).err).toMatch(/--batch 7 contradicts the run, which has 20/);
  }, 120_000);
});

// `gumbel reproduce zoo --budget quick` end to end through the CLI (2 worker processes): every
// supported (model, estimator) pair has a finite bound, n/a exactly where the descriptor excludes the
// latent, counted decoder evaluations equal the declared ones, the markdown and JSON reports and four SVGs exist and
// the JSON round-trips; --resume reruns only an unfinished cell; the gradient probes leave training
// unchanged (the same run without probes gives the same test bound); a cell stopped in the middle
// resumes to the numbers of an uninterrupted one.
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { estimatorDescriptor, estimatorNames, resolveOptions } from '../../src/estimators/registry.js';
import { runTraining } from '../../src/train/run.js';
import { sharedData } from '../../src/reproduce/cell.js';
import { ROWS } from '../../src/reproduce/table1.js';
import {
  atTime, MEASURED_MS_PER_STEP, probeSteps, runZooCell, supports, ZOO_BUDGETS, ZOO_CELL_FILE, ZOO_FILES, zooCells, zooConfig, zooSvgFile, type ZooReport,
} from '../../src/reproduce/zoo.js';
import { gumbel, tempDirs, trainingBackend } from '../train/helpers.js';

const tempDir = tempDirs('gumbel-zoo-');
const supported = (estimator: string, latent: string) => supports({ estimator, latent: latent as 'bernoulli' });

describe('reproduce zoo, quick budget', () => {
  let dir = '';
  let backend: 'wasm' | 'ref' = 'wasm';
  let report: ZooReport;
  let first: { code: number; err: string };

  beforeAll(async () => {
    backend = (await trainingBackend()).name;
    dir = join(await tempDir(), 'zoo');
    const r = await gumbel('reproduce', 'zoo', '--budget', 'quick', '--jobs', '2', '--threads', '1', '--backend', backend, '--out', dir, '--json');
    first = r;
    if (r.code !== 0) throw new Error(`reproduce zoo failed (${r.code}):\n${r.err}`);
    report = JSON.parse(r.out.trim().split('\n').pop()!);
  }, 180_000);

  it('every supported pair has a finite test bound; n/a exactly where the estimator does not support the latent', () => {
    const names = estimatorNames();
    expect(report.estimators).toEqual(names);
    expect(report.rows).toHaveLength(4 * names.length);
    const na = report.rows.filter((r) => r.status === 'n/a').map((r) => r.id);
    const want = zooCells().filter((c) => !supported(c.estimator, c.latent)).map((c) => c.id);
    expect(na).toEqual(want);
    expect(na).toContain('sbn-categorical-arm');
    expect(report).toMatchObject({ complete: true, finished: 4 * names.length - want.length, total: 4 * names.length - want.length });
    for (const r of report.rows.filter((x) => x.status !== 'n/a')) {
      expect(r.status, r.id).toBe('ok');
      expect(Number.isFinite(r.test), r.id).toBe(true);
      expect(r.test!).toBeGreaterThan(20);
      expect(r.msPerStep!).toBeGreaterThan(0);
    }
    expect(first.err.split('\n').filter((l) => /^\[\d+\/\d+\] /.test(l))).toHaveLength(report.total);
  });

  it('pairs equal by construction train alike: decoupled_st (τ_f = 1) and st_gumbel_softmax, ReinMax at τ = 1 and ZGR', () => {
    const test = (id: string) => report.cells.find((c) => c.id === id)!.test!.value;
    for (const row of ROWS) {
      const m = `${row.model}-${row.latent}`;
      expect(test(`${m}-decoupled_st`)).toBe(test(`${m}-st_gumbel_softmax`));
      expect(test(`${m}-reinmax`)).toBeCloseTo(test(`${m}-zgr`), 6);
      expect(test(`${m}-reinmax`)).not.toBe(test(`${m}-st`));
    }
  });

  it('decoder evaluations per step: counted runs of the pass equal the descriptor\'s', () => {
    for (const c of report.cells) {
      const d = estimatorDescriptor(c.estimator);
      const declared = d.evaluations(resolveOptions(d, {}) as Record<string, number>, c.model === 'sbn' ? 2 : 1);
      expect(c.evaluations, c.id).toEqual({ declared, measured: declared });
      for (const p of c.probes) expect(p.evaluations, c.id).toBe(declared);
    }
    expect(report.cells.find((c) => c.id === 'vae-bernoulli-vimco')!.evaluations.declared).toBe(5);
    expect(report.cells.find((c) => c.id === 'sbn-bernoulli-arm')!.evaluations.declared).toBe(4);
  });

  it('gradient variance at steps 0, mid and end; the validation curve with training seconds', () => {
    const b = ZOO_BUDGETS.quick;
    for (const c of report.cells) {
      expect(c.probes.map((p) => p.step)).toEqual(probeSteps(b));
      for (const p of c.probes) {
        expect(p.variance, c.id).toBeGreaterThanOrEqual(0);
        expect(Number.isFinite(p.variance)).toBe(true);
      }
      expect(c.curve.map((p) => p.step)).toEqual([2, 4]);
      expect(c.curve[1].seconds).toBeGreaterThan(c.curve[0].seconds);
    }
    // Straight-through's variance is far below a score-function estimator's.
    const v = (id: string) => report.cells.find((c) => c.id === id)!.probes[1].variance;
    expect(v('vae-bernoulli-st')).toBeGreaterThan(0);
    expect(v('vae-bernoulli-st')).toBeLessThan(v('vae-bernoulli-rloo'));
  });

  it('writes zoo.md, zoo.json (which round-trips) and one SVG per model with a line per supported estimator', async () => {
    expect(JSON.parse(await readFile(join(dir, ZOO_FILES.json), 'utf8'))).toEqual(report);
    const md = await readFile(join(dir, ZOO_FILES.md), 'utf8');
    expect(md).toContain('gumbel reproduce zoo --budget quick');
    expect(md).toContain('numbers are meaningless');
    for (const e of report.estimators) expect(md).toMatch(new RegExp(`^\\| ${e} \\|`, 'm'));
    expect(md.match(/\bn\/a\b/g)!.length).toBeGreaterThanOrEqual(4 * report.rows.filter((r) => r.status === 'n/a').length);
    for (const row of ROWS) {
      const svg = await readFile(join(dir, zooSvgFile(row)), 'utf8');
      expect(svg).toMatch(/^<svg /);
      expect(svg).toContain('training seconds');
      expect(svg.match(/<path d="M/g)).toHaveLength(report.estimators.filter((e) => supported(e, row.latent)).length);
      expect(md).toContain(`(${zooSvgFile(row)})`);
    }
  });

  it('the probes leave training unchanged: the same run without them gives the same test bound', async () => {
    const cell = zooCells().find((c) => c.id === 'vae-bernoulli-sf')!;
    const out = join(await tempDir(), 'plain');
    const { result } = await runTraining({ config: zooConfig(cell, ZOO_BUDGETS.quick, { threads: 1, backend }), outDir: out, stderr: { write: () => true }, loadData: sharedData });
    expect(result!.test.value).toBe(report.cells.find((c) => c.id === cell.id)!.test!.value);
  });

  it('a cell stopped in the middle resumes from its checkpoint to the numbers of an uninterrupted one', async () => {
    const cell = zooCells().find((c) => c.id === 'sbn-bernoulli-sf')!;
    const cellDir = join(await tempDir(), cell.id);
    // The loop asks `stop` before every step: stop before the third.
    let asked = 0;
    const stop = { get stop() { return ++asked > 2; } };
    const o = { threads: 1, backend, log: { write: () => true } };
    expect(await runZooCell(cell, ZOO_BUDGETS.quick, cellDir, { ...o, stop })).toBeNull();
    const r = (await runZooCell(cell, ZOO_BUDGETS.quick, cellDir, o))!;
    const whole = report.cells.find((c) => c.id === cell.id)!;
    expect(r.test).toEqual(whole.test);
    expect(r.probes.map((p) => p.variance)).toEqual(whole.probes.map((p) => p.variance));
    expect(r.curve.map((p) => [p.step, p.valid])).toEqual(whole.curve.map((p) => [p.step, p.valid]));
  });

  it('--resume runs only the unfinished cell, reusing its finished run folder; then nothing', async () => {
    const id = 'sbn-bernoulli-rebar';
    const mtime = async (f: string) => (await stat(join(dir, f))).mtimeMs;
    const before = { other: await mtime(join('vae-categorical-st', ZOO_CELL_FILE)), run: await mtime(join(id, 'run', 'result.json')) };
    await rm(join(dir, id, ZOO_CELL_FILE));
    const r = await gumbel('reproduce', 'zoo', '--budget', 'quick', '--jobs', '2', '--backend', backend, '--out', dir, '--resume', '--json');
    expect(r.code).toBe(0);
    expect(r.err).toContain(`1 of ${report.total} cells to run`);
    expect(r.err.split('\n').filter((l) => /^\[\d+\/\d+\] /.test(l))).toEqual([expect.stringContaining(id)]);
    expect(await mtime(join('vae-categorical-st', ZOO_CELL_FILE))).toBe(before.other);
    expect(await mtime(join(id, 'run', 'result.json'))).toBe(before.run);
    const again = JSON.parse(r.out.trim().split('\n').pop()!) as ZooReport;
    expect(again.cells.find((c) => c.id === id)).toEqual(report.cells.find((c) => c.id === id));
    // Without --budget, --resume takes the reproduction's own.
    const none = await gumbel('reproduce', 'zoo', '--backend', backend, '--out', dir, '--resume');
    expect(none.code).toBe(0);
    expect(none.err).toContain(`0 of ${report.total} cells to run`);
  }, 60_000);

  it('refuses a table1 budget and another reproduction\'s folder (exit 2, one line)', async () => {
    const bad = await gumbel('reproduce', 'zoo', '--budget', 'paper', '--out', join(dir, 'x'));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/zoo budgets are quick, standard, found --budget paper/);
    const b = await gumbel('reproduce', 'zoo', '--budget', 'standard', '--out', dir, '--resume');
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/--budget standard does not match .* budget quick/);
  });
});

describe('the standard budget', () => {
  it('is sized to about an hour on 2 jobs from the speeds measured when it was defined', () => {
    const b = ZOO_BUDGETS.standard;
    // The measured table names registered estimators only; an estimator added later needs no entry
    // (the zoo orders it by its declared evaluations) — adding one stays one file plus a registry line.
    for (const e of Object.keys(MEASURED_MS_PER_STEP)) expect(estimatorNames()).toContain(e);
    const cells = zooCells().filter((c) => supported(c.estimator, c.latent) && MEASURED_MS_PER_STEP[c.estimator] !== undefined);
    expect(cells).toHaveLength(70);
    const seconds = cells.reduce((a, c) => a + (MEASURED_MS_PER_STEP[c.estimator] * b.steps) / 1000 + 25, 0);
    expect(seconds / 2 / 60).toBeGreaterThan(50);
    expect(seconds / 2 / 60).toBeLessThan(70);
    expect(b).toMatchObject({ trainSize: 0, batch: 100, lr: 1e-3, test: { samples: 1000 } });
  });
});

describe('equal wall-clock', () => {
  const curve = [{ step: 2, seconds: 1, valid: 9 }, { step: 4, seconds: 2, valid: 8 }, { step: 6, seconds: 3, valid: 7 }];
  it('is the last validation point by then, or the final one of a shorter run', () => {
    expect(atTime(curve, 2.5)).toEqual({ step: 4, seconds: 2, valid: 8, ended: false });
    expect(atTime(curve, 0.5)).toBeNull();
    expect(atTime(curve, 10)).toEqual({ step: 6, seconds: 3, valid: 7, ended: true });
    expect(atTime([], 1)).toBeNull();
  });
});

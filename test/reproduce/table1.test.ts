// `gumbel reproduce table1`: the plan (28 cells, the paper's numbers, the budgets' grids), bad
// arguments (exit 2, one line), and the quick budget end to end into a temporary folder —
// interrupted after its first finished cell, resumed to the end (table1.md with 28 rows, table1.json,
// four SVGs), resumed again (every cell skipped, results identical); and one cell stopped twice in
// the middle of its runs, resumed, giving the numbers of an uninterrupted one.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCell, runConfig } from '../../src/reproduce/cell.js';
import { PLAN_FILE, reproduceTable1, threadsPerJob } from '../../src/reproduce/index.js';
import { protocolText, svgFile, TABLE_FILES, type Table1Report } from '../../src/reproduce/report.js';
import {
  BUDGETS, CELLS, PAPER_LR_GRID, PAPER_TAU_GRID, ROWS, cellSteps, pilotCount, selectsTau, settingKey, stage1, stage2,
} from '../../src/reproduce/table1.js';
import { PAPER_TABLE1 } from '../../src/reproduce/paper.js';
import { gumbel, tempDirs, trainingBackend } from '../train/helpers.js';

const tempDir = tempDirs('gumbel-reproduce-');


describe('the plan', () => {
  it('has the 28 cells of Table 1 with the paper\'s numbers', () => {
    expect(CELLS).toHaveLength(28);
    expect(new Set(CELLS.map((c) => c.id)).size).toBe(28);
    expect(CELLS.filter((c) => c.model === 'sbn' && c.latent === 'bernoulli').map((c) => c.paper)).toEqual([72.0, 59.7, 58.9, 58.9, 58.7, 58.5, 59.3]);
    expect(CELLS.filter((c) => c.model === 'sbn' && c.latent === 'categorical').map((c) => c.paper)).toEqual([73.1, 67.9, 63.0, 61.8, 61.1, 59.0, 59.7]);
    expect(CELLS.filter((c) => c.model === 'vae' && c.latent === 'bernoulli').map((c) => c.paper)).toEqual([112.2, 110.9, 109.7, 116.0, 111.5, 105.0, 111.5]);
    expect(CELLS.filter((c) => c.model === 'vae' && c.latent === 'categorical').map((c) => c.paper)).toEqual([110.6, 128.8, 107.0, 110.9, 107.8, 101.5, 107.8]);
    for (const c of CELLS) {
      expect(c.paper).toBe(PAPER_TABLE1[c.model][c.latent][c.estimator]);
      expect(c.tolerance).toBe(c.estimator.includes('gumbel_softmax') ? 2 : 4);
    }
  });

  it('selects τ only for the VAE Gumbel-Softmax cells; the grids are the paper\'s', () => {
    expect(CELLS.filter(selectsTau).map((c) => c.id)).toEqual([
      'vae-bernoulli-gumbel_softmax', 'vae-bernoulli-st_gumbel_softmax', 'vae-categorical-gumbel_softmax', 'vae-categorical-st_gumbel_softmax',
    ]);
    expect([...PAPER_LR_GRID].sort()).toEqual([1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3]);
    expect(PAPER_TAU_GRID).toEqual([{ rate: 1e-5, every: 500 }, { rate: 1e-5, every: 1000 }, { rate: 1e-4, every: 500 }, { rate: 1e-4, every: 1000 }]);
    for (const b of ['standard', 'paper'] as const) {
      expect(BUDGETS[b].lrGrid).toBe(PAPER_LR_GRID);
      expect(BUDGETS[b].tauGrid).toBe(PAPER_TAU_GRID);
      expect(BUDGETS[b].test).toEqual({ examples: 0, samples: 1000 });
    }
    expect(BUDGETS.paper.finalSteps).toBe(550_000);
    const gs = CELLS.find((c) => c.id === 'vae-categorical-gumbel_softmax')!;
    const st = CELLS.find((c) => c.id === 'vae-categorical-st')!;
    const sbn = CELLS.find((c) => c.id === 'sbn-bernoulli-gumbel_softmax')!;
    // standard: 6 lr pilots, then 4 τ pilots at the chosen lr; paper: the joint 6 × 4 grid.
    expect(stage1(gs, BUDGETS.standard)).toHaveLength(6);
    expect(stage2(gs, BUDGETS.standard, 3e-3)).toEqual(PAPER_TAU_GRID.map((tau) => ({ lr: 3e-3, tau })));
    expect(pilotCount(gs, BUDGETS.standard)).toBe(10);
    expect(pilotCount(gs, BUDGETS.paper)).toBe(24);
    expect(stage2(gs, BUDGETS.paper, 3e-3)).toEqual([]);
    expect(pilotCount(st, BUDGETS.paper)).toBe(6);
    expect(stage1(sbn, BUDGETS.standard).every((s) => s.tau === null)).toBe(true);
    expect(cellSteps(st, BUDGETS.standard)).toBe(6 * 1500 + 20_000);
    expect(cellSteps(gs, BUDGETS.standard)).toBe(6 * 1500 + 4 * 5000 + 20_000);
    // long: Adam over its own grid, the paper's τ grid, 100k final steps; the others keep the paper's SGD.
    expect(cellSteps(gs, BUDGETS.long)).toBe(3 * 5000 + 4 * 10_000 + 100_000);
    expect(runConfig(gs, BUDGETS.long, { lr: 1e-3, tau: null }, 'final', 10, { threads: 1, backend: 'ref' }).optimizer).toBe('adam');
    expect(runConfig(gs, BUDGETS.standard, { lr: 1e-3, tau: null }, 'final', 10, { threads: 1, backend: 'ref' })).toMatchObject({ optimizer: 'sgd', momentum: 0.9 });
    expect(protocolText(BUDGETS.long)[0]).toMatch(/^Every cell: Adam .*the paper: SGD with momentum 0.9/);
    expect(settingKey({ lr: 3e-3, tau: { rate: 1e-4, every: 1000 } }, 1500)).toBe('lr3e-3-r1e-4-N1000-s1500');
    expect(settingKey({ lr: 1e-5, tau: null }, 20_000)).toBe('lr1e-5-s20000');
    expect([threadsPerJob(2, 2), threadsPerJob(1, 2), threadsPerJob(1, 16), threadsPerJob(4, 16), threadsPerJob(32, 16)]).toEqual([1, 2, 4, 4, 1]);
  });
});

describe('bad arguments: one line on stderr, exit code 2', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown budget', ['reproduce', 'table1', '--budget', 'huge'], /--budget .*'huge' is invalid. Allowed choices are quick, standard, long, paper/],
    ['an unknown table', ['reproduce', 'table9'], /'table9' is invalid for argument 'table'/],
    ['no table', ['reproduce'], /missing required argument 'table'/],
    ['zero jobs', ['reproduce', 'table1', '--jobs', '0'], /--jobs .*'0' is invalid/],
    ['--resume of a folder without a reproduction', ['reproduce', 'table1', '--budget', 'quick', '--resume', '--out', '/nonexistent/repro'], /--resume: --out \/nonexistent\/repro holds no reproduction/],
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

  it('help lists the options and what each budget does', async () => {
    const r = await gumbel('reproduce', '--help');
    expect(r.code).toBe(0);
    for (const o of ['table1', '--budget', '--jobs', '--out', '--resume', '--json', 'quick:', 'standard:', 'paper:']) expect(r.out).toContain(o);
  });
});

describe('quick budget end to end', () => {
  let dir = '';
  let backend: 'wasm' | 'ref' = 'wasm';
  let first: { interrupted: boolean; finished: number };
  let second: { code: number; out: string; err: string; seconds: number };
  let report: Table1Report;

  beforeAll(async () => {
    backend = (await trainingBackend()).name;
    dir = join(await tempDir(), 'table1');
    // Interrupted as soon as the first cell finishes: the other worker checkpoints in the middle of its cell.
    const ctl = new AbortController();
    let err = '';
    const r = await reproduceTable1({
      budget: 'quick', jobs: 2, outDir: dir, backend, signal: ctl.signal,
      stderr: { write: (s: string) => { err += s; if (/\[ ?1\/28\]/.test(s)) ctl.abort(); } },
    });
    first = { interrupted: r.interrupted, finished: r.report.finished };
    if (!first.interrupted) throw new Error(`the first session was not interrupted:\n${err}`);
    const t0 = performance.now();
    const g = await gumbel('reproduce', 'table1', '--budget', 'quick', '--jobs', '2', '--backend', backend, '--out', dir, '--resume', '--json');
    second = { ...g, seconds: (performance.now() - t0) / 1000 };
    report = JSON.parse(g.out.trim().split('\n').pop()!);
  }, 240_000);

  it('an interrupted reproduction stops early with its finished cells in the tables', () => {
    expect(first.interrupted).toBe(true);
    expect(first.finished).toBeGreaterThanOrEqual(1);
    expect(first.finished).toBeLessThan(28);
  });

  it('--resume finishes the rest: one progress line per cell, exit 0', () => {
    expect(second.err).not.toMatch(/error|failed/i);
    expect(second.code).toBe(0);
    expect(second.err).toContain(`(${first.finished} finished earlier)`);
    expect(second.err.split('\n').filter((l) => /^\[\s*\d+\/28\] /.test(l))).toHaveLength(28 - first.finished);
  });

  it('table1.json holds all 28 cells with the chosen hyper-parameters, steps, seeds and wall time', async () => {
    const onDisk = JSON.parse(await readFile(join(dir, TABLE_FILES.json), 'utf8')) as Table1Report;
    expect(onDisk.cells).toEqual(report.cells);
    expect(report).toMatchObject({ complete: true, finished: 28, total: 28 });
    expect(report.budget.name).toBe('quick');
    expect(report.command).toContain('gumbel reproduce table1 --budget quick');
    expect(report.cells.map((c) => c.id)).toEqual(CELLS.map((c) => c.id));
    for (const c of report.cells) {
      expect(c.status).toBe('ok');
      expect(Number.isFinite(c.ours)).toBe(true);
      expect(c.ours).toBeGreaterThan(20);
      expect(c.ours).toBeLessThan(600);
      expect(c.paper).toBe(CELLS.find((x) => x.id === c.id)!.paper);
      expect(c.delta).toBeCloseTo(c.ours! - c.paper, 10);
      expect(BUDGETS.quick.lrGrid).toContain(c.selected!.lr);
      expect(c.pilots).toHaveLength(selectsTau(c) ? 4 : 2);
      expect(c.final).toMatchObject({ steps: 40, seed: 1, test: { samples: 10, examples: 100 } });
      expect(c.final!.curve.map(([s]) => s)).toEqual([10, 20, 30, 40]);
      expect(c.steps).toEqual({ pilots: (selectsTau(c) ? 4 : 2) * 10, final: 40, total: (selectsTau(c) ? 4 : 2) * 10 + 40 });
      expect(c.seconds.total).toBeGreaterThan(0);
      // The selected setting is the best pilot of the last stage.
      const last = c.pilots.filter((p) => p.stage === (selectsTau(c) ? 2 : 1));
      const best = Math.min(...last.map((p) => p.valid!));
      expect(last.find((p) => p.valid === best)!.setting).toEqual({ lr: c.selected!.lr, tau: c.selected!.tau });
    }
  });

  it('table1.md has a row for every cell with our number beside the paper\'s', async () => {
    const md = await readFile(join(dir, TABLE_FILES.md), 'utf8');
    expect(md).toContain('numbers are meaningless');
    expect(md).toContain('m = 10');
    const rows = md.split('\n').filter((l) => /^\| (SBN|VAE) \((Bernoulli|Categorical)\) \| (SF|DARN|MuProp|ST|Annealed ST|Gumbel-S\.|ST Gumbel-S\.) \|/.test(l));
    expect(rows).toHaveLength(28);
    CELLS.forEach((c, i) => {
      const got = report.cells[i];
      expect(rows[i]).toContain(`| ${got.ours!.toFixed(2)} | ${c.paper.toFixed(1)} |`);
      expect(rows[i]).toContain(got.selected!.description);
    });
    for (const row of ROWS) expect(md).toContain(`(${svgFile(row)})`);
    expect(md).toContain('gumbel reproduce table1 --budget quick');
  });

  it('writes one SVG per row with the validation curves of all seven estimators', async () => {
    const files = await readdir(dir);
    for (const row of ROWS) {
      expect(files).toContain(svgFile(row));
      const svg = await readFile(join(dir, svgFile(row)), 'utf8');
      expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(svg.match(/<path d="M/g)).toHaveLength(7);
      for (const name of ['SF', 'DARN', 'MuProp', 'ST', 'Annealed ST', 'Gumbel-S.', 'ST Gumbel-S.']) expect(svg).toContain(`>${name}<`);
    }
  });

  it('--resume of a finished reproduction skips every cell, is much faster, and leaves the results identical', async () => {
    const t0 = performance.now();
    const r = await gumbel('reproduce', 'table1', '--budget', 'quick', '--jobs', '2', '--backend', backend, '--out', dir, '--resume', '--json');
    const seconds = (performance.now() - t0) / 1000;
    expect(r.code).toBe(0);
    expect(r.err).toContain('0 cells to run (28 finished earlier)');
    expect(r.err).not.toMatch(/^\[/m);
    expect(seconds).toBeLessThan(second.seconds / 3);
    expect(JSON.parse(r.out.trim()).cells).toEqual(report.cells);
  });

  it('a reproduction already in --out without --resume is refused (exit 2)', async () => {
    const r = await gumbel('reproduce', 'table1', '--budget', 'quick', '--out', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/already holds a reproduction .*--resume/);
    const b = await gumbel('reproduce', 'table1', '--budget', 'standard', '--out', dir, '--resume');
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/--budget standard does not match .* budget quick/);
    // A budget whose definition changed since the reproduction started is refused too.
    const planPath = join(dir, PLAN_FILE);
    const plan = await readFile(planPath, 'utf8');
    await writeFile(planPath, JSON.stringify({ ...JSON.parse(plan), protocol: { ...BUDGETS.quick, finalSteps: 41 } }));
    const c = await gumbel('reproduce', 'table1', '--budget', 'quick', '--out', dir, '--resume');
    await writeFile(planPath, plan);
    expect(c.code).toBe(2);
    expect(c.err).toMatch(/budget quick has changed since the reproduction in .* started/);
  });
});

describe('a cell stopped and resumed', () => {
  it('resumes each run from its checkpoint and gives the numbers of an uninterrupted cell', async () => {
    const { name: backend } = await trainingBackend();
    const cell = CELLS.find((c) => c.id === 'vae-categorical-gumbel_softmax')!;
    const dir = join(await tempDir(), cell.id);
    const quiet = { write: () => true };
    // The training loop reads stop.stop before every step: stop after the 25th read (in the third pilot),
    // then after 30 more (in the final run), then run to the end.
    const stopAfter = (n: number) => ({ get stop() { return --n < 0; } });
    expect(await runCell(cell, BUDGETS.quick, dir, { threads: 1, backend, log: quiet, stop: stopAfter(25) })).toBeNull();
    expect(await runCell(cell, BUDGETS.quick, dir, { threads: 1, backend, log: quiet, stop: stopAfter(30) })).toBeNull();
    const entries = await readdir(dir);
    expect(entries.filter((e) => e.startsWith('final-'))).toHaveLength(1);
    expect(entries).not.toContain('cell.json');
    let log = '';
    const resumed = await runCell(cell, BUDGETS.quick, dir, { threads: 1, backend, log: { write: (s: string) => (log += s) } });
    expect(log).toMatch(/resuming .*final-/);
    const fresh = await runCell(cell, BUDGETS.quick, join(await tempDir(), cell.id), { threads: 1, backend, log: quiet });
    expect(resumed!.ours).toBe(fresh!.ours);
    expect(resumed!.selected).toEqual(fresh!.selected);
    expect(resumed!.pilots.map((p) => p.valid)).toEqual(fresh!.pilots.map((p) => p.valid));
    expect(resumed!.final!.curve).toEqual(fresh!.final!.curve);
  }, 120_000);
});

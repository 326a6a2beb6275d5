// `gumbel reproduce table2` runs its children through the typed worker of Table 1: every config field
// travels, so --jobs 1 (in process) and --jobs 2 (two workers) give the same table with non-default
// labels and learning rate.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { PAPER_TABLE2, type Table2Estimator } from '../../src/reproduce/paper.js';
import { reproduceTable2, TABLE2_BUDGETS, table2Markdown, type Table2Report, table2Runs } from '../../src/reproduce/table2.js';
import { exists } from '../../src/train/files.js';
import { FILES } from '../../src/train/folder.js';
import { tempDirs } from '../train/helpers.js';

const tempDir = tempDirs('gumbel-table2-');

it('--jobs 1 and --jobs 2 give identical tables on the quick budget with labels 20 and lr 1e-3', async () => {
  const sink = { write: () => true, isTTY: false };
  const table = async (jobs: number): Promise<{ report: Table2Report; dir: string }> => {
    const dir = await tempDir();
    const report = await reproduceTable2({
      budget: 'quick', outDir: dir, jobs, stderr: sink, command: 'test', config: { model: { labels: 20 }, optimizer: { lr: 1e-3 } }, alphas: [0.3], backend: 'wasm',
    });
    return { report, dir };
  };
  const one = await table(1), two = await table(2);
  const numbers = (r: Table2Report) => r.rows.map((row) => ({ ...row, runs: row.runs.map(({ seconds: _, stepsPerSec: __, ...u }) => u) }));
  expect(numbers(two.report)).toEqual(numbers(one.report));
  expect(two.report.rows).toHaveLength(3);
  const run = JSON.parse(await readFile(join(two.dir, 'gumbel_softmax-alpha0.3', 'result.json'), 'utf8'));
  expect(run.config).toMatchObject({ model: { labels: 20, alpha: 0.3 }, optimizer: { lr: 1e-3 } });
  // The table says the learning rate its runs trained at (the CLI's --lr), not the default.
  expect(two.report.lr).toBe(1e-3);
  expect(readFileSync(join(two.dir, 'table2.md'), 'utf8')).toContain('Protocol: Adam (lr 0.001)');
}, 600_000);

it('the long budget trains each row at its own α, 20,000 steps', () => {
  const runs = table2Runs(TABLE2_BUDGETS.long);
  expect(runs.map((r) => r.id)).toEqual(['marginalize-alpha0.3', 'gumbel_softmax-alpha0.3', 'st_gumbel_softmax-alpha1']);
  expect(runs.map((r) => [r.config.model.alpha, r.config.estimator.name, r.config.optimizer.steps])).toEqual([[0.3, 'marginalize', 20_000], [0.3, 'gumbel_softmax', 20_000], [1, 'st_gumbel_softmax', 20_000]]);
  expect(table2Runs(TABLE2_BUDGETS.long, { alphas: [0.1] }).map((r) => r.id)).toEqual(['marginalize-alpha0.1', 'gumbel_softmax-alpha0.1', 'st_gumbel_softmax-alpha0.1']);
});

it('a row meets the target with ≥ 92 % and an ELBO at most 3 nats below the paper\'s (a higher ELBO is better)', () => {
  const row = (est: Table2Estimator, accuracy: number, dElbo: number) => {
    const t = { accuracy, elbo: PAPER_TABLE2[est].elbo + dElbo };
    return { yEstimator: est, alpha: 0.3, test: t, valid: t, testSelected: { alpha: 0.3, ...t }, paper: PAPER_TABLE2[est], runs: [] };
  };
  const md = table2Markdown({
    table: 'table2', budget: 'long', protocol: TABLE2_BUDGETS.long, lr: 1e-3, command: 'test', complete: true, targets: { accuracy: 0.92, elboNats: 3 }, curves: [],
    rows: [row('marginalize', 0.93, +5), row('gumbel_softmax', 0.93, -3.5), row('st_gumbel_softmax', 0.915, 0)],
  });
  expect(md.match(/^\| (Marginalization|Gumbel|ST Gumbel-Softmax) \|.*\| (✓|✗) \|$/gm)?.map((l) => l.split(' | ').at(-1))).toEqual(['✓ |', '✗ |', '✗ |']);
});

it('the abort signal (Ctrl-C) checkpoints the running run and starts no other; --resume ends as the uninterrupted table', async () => {
  const config = { model: { labels: 20 }, optimizer: { lr: 1e-3, steps: 20 }, evaluation: { evalEvery: 5 } };
  const numbers = (r: Table2Report) => r.rows.map((row) => ({ ...row, runs: row.runs.map(({ seconds: _, stepsPerSec: __, ...u }) => u) }));
  const table = (outDir: string, o: { resume?: boolean; signal?: AbortSignal; onWrite?: (s: string) => void } = {}) => reproduceTable2({
    budget: 'quick', outDir, jobs: 1, command: 'test', config, alphas: [0.3], backend: 'wasm', resume: o.resume, signal: o.signal,
    stderr: { write: (s: string) => (o.onWrite?.(s), true), isTTY: false },
  });
  const whole = await table(await tempDir());
  const dir = await tempDir(), ctl = new AbortController();
  // Stop once the first run has trained a step or two (its progress line names the step).
  const cut = await table(dir, { signal: ctl.signal, onWrite: (s) => { if (/\b[1-9]\d*\/20\b/.test(s)) ctl.abort(); } });
  expect(cut.complete).toBe(false);
  expect(await exists(join(dir, 'marginalize-alpha0.3', FILES.checkpoint))).toBe(true);
  expect(await exists(join(dir, 'marginalize-alpha0.3', FILES.result))).toBe(false);
  expect(await exists(join(dir, 'gumbel_softmax-alpha0.3'))).toBe(false);
  // The interrupted run is listed with how far it came.
  expect(cut.curves.map((c) => [c.id, c.finished, c.steps])).toEqual([['marginalize-alpha0.3', false, 20]]);
  expect(cut.curves[0].step).toBeGreaterThan(0);
  expect(await readFile(join(dir, 'table2.md'), 'utf8')).toContain(`| Marginalization | 0.3 | ${cut.curves[0].step} / 20 |`);
  const resumed = await table(dir, { resume: true });
  expect(resumed.complete).toBe(true);
  expect(numbers(resumed)).toEqual(numbers(whole));
  // Every run's validation points (steps 5, 10, 15, 20) in the report and the figure; nothing in progress.
  expect(resumed.curves.map((c) => [c.id, c.finished, c.valid.map((v) => v.step)])).toEqual(whole.curves.map((c) => [c.id, true, [5, 10, 15, 20]]));
  expect(resumed.curves.map((c) => c.valid)).toEqual(whole.curves.map((c) => c.valid));
  expect(await readFile(join(dir, 'table2.md'), 'utf8')).not.toContain('Runs in progress');
  expect(await readFile(join(dir, 'table2-accuracy.svg'), 'utf8')).toContain('ST Gumbel-Softmax α=0.3');
}, 600_000);

it('rows trains only the named rows; --resume without it then trains the rest and ends as the whole table', async () => {
  const config = { model: { labels: 20 }, optimizer: { lr: 1e-3, steps: 10 }, evaluation: { evalEvery: 5 } };
  const dir = await tempDir();
  // While a run trains, the table is rewritten (here every 5 ms) with the run in progress: seen when its test evaluation starts.
  let during = '';
  const sink = { write: (s: string) => ((during ||= /^evaluating/m.test(s) && existsSync(join(dir, 'table2.md')) ? readFileSync(join(dir, 'table2.md'), 'utf8') : ''), true), isTTY: false };
  const table = (outDir: string, o: { resume?: boolean; rows?: ('marginalize' | 'gumbel_softmax' | 'st_gumbel_softmax')[] } = {}) =>
    reproduceTable2({ budget: 'quick', outDir, jobs: 1, command: 'test', config, alphas: [0.3], backend: 'wasm', stderr: sink, refreshEvery: 5, ...o });
  const part = await table(dir, { rows: ['gumbel_softmax'] });
  expect(during).toMatch(/## Runs in progress[^#]*\| Gumbel \| 0\.3 \| (5|10) \/ 10 \| (5|10) \| \d/);
  expect(part.complete).toBe(false);
  expect(part.rows.map((r) => r.yEstimator)).toEqual(['gumbel_softmax']);
  expect(await exists(join(dir, 'marginalize-alpha0.3'))).toBe(false);
  const rest = await table(dir, { resume: true });
  expect(rest.complete).toBe(true);
  expect(rest.rows.map((r) => r.yEstimator)).toEqual(['marginalize', 'gumbel_softmax', 'st_gumbel_softmax']);
  expect(rest.rows[1].test).toEqual(part.rows[0].test);
}, 600_000);

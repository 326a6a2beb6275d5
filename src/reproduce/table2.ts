// `gumbel reproduce table2`: the semi-supervised M2 model with 100 labels, y handled by
// marginalization, Gumbel-Softmax and ST Gumbel-Softmax (Jang, Gu & Poole 2017, Table 2). For each
// estimator every α of the paper's grid is trained; α is selected on validation accuracy (the paper
// selected on the test set: that choice is reported beside ours). Writes table2.md, table2.json and
// table2-accuracy.svg (every run's validation accuracy so far, finished or not, from its metrics.jsonl).
// With --jobs 1 the runs go one after another in this process (data loaded once, progress bars);
// with --jobs N they go to N worker processes (pool.ts, worker.ts, as Table 1's cells), each run's
// whole config sent as it is. --resume skips finished runs (their result.json).
import { join } from 'node:path';
import { ArgumentError, GumbelError } from '../errors.js';
import type { BackendName } from '../train/config.js';
import { exists, readJson, writeAtomic } from '../train/files.js';
import { FILES, readMetrics } from '../train/folder.js';
import { curvesSvg } from '../train/curves.js';
import type { Output } from '../train/run.js';
import { patchConfig } from '../train/config.js';
import { SSVAE_DEFAULTS, type SsvaeConfig, ssvaeConfig, type SsvaePatch } from '../train/ssvae.js';
import { loadSsvaeData, runSsvae, type SsvaeRunResult } from '../train/ssvae_run.js';
import { PAPER_TABLE2, TABLE2_ROWS, type Table2Estimator } from './paper.js';
import { runPool } from './pool.js';
import { duration } from './report.js';

export const ALPHA_GRID = [0.1, 0.2, 0.3, 0.8, 1.0] as const;

export interface Table2Budget {
  summary: string;
  steps: number;
  batch: number;
  labeledBatch: number;
  evalEvery: number;
  validSize: number;
  testSize: number;
  /** One α grid for every row, or one per row. */
  alphas: readonly number[] | Readonly<Record<Table2Estimator, readonly number[]>>;
  /** Adam's learning rate of every run (`--lr`; default the trainer's, 3e−4): part of the protocol, so a queue keeps rates apart. */
  lr?: number;
}

export const TABLE2_BUDGETS = {
  quick: { summary: 'a few steps per run on small batches, every α (minutes; numbers meaningless, the pipeline complete)', steps: 3, batch: 10, labeledBatch: 20, evalEvery: 0, validSize: 20, testSize: 40, alphas: ALPHA_GRID },
  short: { summary: '500 steps per run (1 epoch of the unlabeled set), α ∈ {0.1, 0.3, 1.0}, validation on 1,000 examples, the full test set (about 3 core-hours; 1.5 h with --jobs 2)', steps: 500, batch: 100, labeledBatch: 100, evalEvery: 250, validSize: 1000, testSize: 0, alphas: [0.1, 0.3, 1.0] },
  standard: { summary: '20,000 steps per run (about 40 epochs), every α (days on this 2-core machine; meant for a bigger one)', steps: 20_000, batch: 100, labeledBatch: 100, evalEvery: 2000, validSize: 2000, testSize: 0, alphas: ALPHA_GRID },
  // α per row as the short budget's validation chose it (results/table2.md): the whole grid at 20,000 steps is weeks here.
  long: {
    summary: '20,000 steps per run (about 40 epochs), one α per row: the one the short budget selected on validation accuracy (marginalization 0.3, Gumbel-Softmax 0.3, ST Gumbel-Softmax 1.0); validation on 2,000 examples every 2,000 steps, the full test set (about 20 core-hours, most of it marginalization)',
    steps: 20_000, batch: 100, labeledBatch: 100, evalEvery: 2000, validSize: 2000, testSize: 0, alphas: { marginalize: [0.3], gumbel_softmax: [0.3], st_gumbel_softmax: [1.0] },
  },
} as const satisfies Record<string, Table2Budget>;
export type Table2BudgetName = keyof typeof TABLE2_BUDGETS;
export const TABLE2_BUDGET_NAMES = Object.keys(TABLE2_BUDGETS) as Table2BudgetName[];

export interface Table2Row {
  yEstimator: Table2Estimator;
  /** Selected on validation accuracy. */
  alpha: number;
  test: { accuracy: number; elbo: number };
  valid: { accuracy: number; elbo: number };
  /** The paper's protocol: α selected on test accuracy. */
  testSelected: { alpha: number; accuracy: number; elbo: number };
  paper: { accuracy: number; elbo: number };
  runs: { alpha: number; valid: { accuracy: number; elbo: number } | null; test: { accuracy: number; elbo: number }; steps: number; seconds: number; stepsPerSec: number }[];
}

/** A run's validation points so far (its metrics.jsonl), finished or not; `step` of `steps` logged. */
export type Table2Curve = { id: string; yEstimator: Table2Estimator; alpha: number; step: number; steps: number; finished: boolean; valid: { step: number; accuracy: number; elbo: number }[] };

export interface Table2Report {
  table: 'table2';
  budget: Table2BudgetName;
  protocol: Table2Budget;
  /** Adam's learning rate of the runs (the budgets' default, or --lr). */
  lr: number;
  command: string;
  rows: Table2Row[];
  complete: boolean;
  targets: { accuracy: number; elboNats: number };
  curves: Table2Curve[];
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const NAMES: Record<Table2Estimator, string> = { marginalize: 'Marginalization', gumbel_softmax: 'Gumbel', st_gumbel_softmax: 'ST Gumbel-Softmax' };

export function table2Markdown(r: Table2Report): string {
  const lines = [
    '# Table 2 of Jang, Gu & Poole (ICLR 2017), reproduced',
    '',
    `Semi-supervised M2 on binarized MNIST with 100 labels: test accuracy and test ELBO (−U(x), marginalized exactly over y with one z sample per class). Budget **${r.budget}**: ${r.protocol.summary}.`,
    '',
    ...(r.complete ? [] : ['> **Incomplete**: some runs have not finished; continue with the same command and `--resume`.', '']),
    'Regenerate with:',
    '',
    '```sh',
    r.command,
    '```',
    '',
    '## Side by side (α selected on validation accuracy)',
    '',
    '| | ELBO ours / paper | accuracy ours / paper | α | target (≥ 92%, ELBO within 3 nats or above) |',
    '|---|---:|---:|---:|:---:|',
    ...r.rows.map((row) => {
      // A higher ELBO is a better bound: like Table 1's "within 2 nats or below", only falling short counts.
      const ok = row.test.accuracy >= r.targets.accuracy && row.test.elbo >= row.paper.elbo - r.targets.elboNats;
      return `| ${NAMES[row.yEstimator]} | ${row.test.elbo.toFixed(1)} / ${row.paper.elbo} | ${pct(row.test.accuracy)} / ${pct(row.paper.accuracy)} | ${row.alpha} | ${ok ? '✓' : '✗'} |`;
    }),
    '',
    'The paper picked α on the test set; with that choice our numbers are:',
    '',
    '| | α (test-selected) | ELBO | accuracy |',
    '|---|---:|---:|---:|',
    ...r.rows.map((row) => `| ${NAMES[row.yEstimator]} | ${row.testSelected.alpha} | ${row.testSelected.elbo.toFixed(1)} | ${pct(row.testSelected.accuracy)} |`),
    '',
    '## Every run',
    '',
    '| y estimator | α | valid accuracy | valid ELBO | test accuracy | test ELBO | steps | steps/s | wall time |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.rows.flatMap((row) => row.runs.map((u) =>
      `| ${NAMES[row.yEstimator]} | ${u.alpha} | ${u.valid ? pct(u.valid.accuracy) : '–'} | ${u.valid ? u.valid.elbo.toFixed(1) : '–'} | ${pct(u.test.accuracy)} | ${u.test.elbo.toFixed(1)} | ${u.steps} | ${u.stepsPerSec.toFixed(2)} | ${duration(u.seconds)} |`)),
    '',
    ...progressMarkdown(r),
    `Protocol: Adam (lr ${r.lr}), ${r.protocol.batch} unlabeled + ${r.protocol.labeledBatch} labeled rows per step, both binarized dynamically; ` +
      `α weights the labeled −log q(y|x) by α·N/N_l (Kingma et al.); τ = max(0.5, exp(−3e−5·t)) every 2000 steps; validation on the first ${r.protocol.validSize || 10000} of the 10,000 validation images, test on ${r.protocol.testSize || 10000}; ` +
      'networks of the paper\'s Fig. 7 (see src/models/ssvae.ts for the choices it leaves open).',
    '',
  ];
  return lines.join('\n');
}

const COLORS: Record<Table2Estimator, string> = { marginalize: '#1f77b4', gumbel_softmax: '#d62728', st_gumbel_softmax: '#ff7f0e' };
const ACCURACY_SVG = 'table2-accuracy.svg';

/** The unfinished runs' last validation, and the figure of every run's validation accuracy. */
function progressMarkdown(r: Table2Report): string[] {
  const open = r.curves.filter((c) => !c.finished && c.step > 0), n = (v: number) => v.toLocaleString('en-US');
  const last = (c: Table2Curve, v = c.valid.at(-1)) => (v ? `${n(v.step)} | ${pct(v.accuracy)} | ${v.elbo.toFixed(1)}` : '– | – | –');
  return [
    ...(open.length ? ['## Runs in progress', '', '| y estimator | α | step | last validation at | valid accuracy | valid ELBO |', '|---|---:|---:|---:|---:|---:|'] : []),
    ...open.map((c) => `| ${NAMES[c.yEstimator]} | ${c.alpha} | ${n(c.step)} / ${n(c.steps)} | ${last(c)} |`),
    ...(open.length ? [''] : []),
    ...(r.curves.some((c) => c.valid.length) ? [`![validation accuracy of every run](${ACCURACY_SVG})`, ''] : []),
  ];
}

/** Validation accuracy against the step, one line per run; the paper's range in the title. */
export function table2AccuracySvg(r: Table2Report): string {
  const paper = TABLE2_ROWS.map((e) => 100 * PAPER_TABLE2[e].accuracy);
  return curvesSvg(
    r.curves.filter((c) => c.valid.length).map((c) => ({ name: `${NAMES[c.yEstimator]} α=${c.alpha}`, color: COLORS[c.yEstimator], points: c.valid.map((v) => [v.step, 100 * v.accuracy] as [number, number]) })),
    { title: `Table 2 (${r.budget}): validation accuracy (paper, test: ${Math.min(...paper).toFixed(1)}–${Math.max(...paper).toFixed(1)}%)`, xLabel: 'step', yLabel: 'accuracy (%)', legendRight: true, everyY: true },
  );
}

/** The curves of the planned runs that have logged anything (their metrics.jsonl). */
export async function table2Curves(plan: readonly (Table2Run & { dir: string })[], results: ReadonlyMap<string, SsvaeRunResult>): Promise<Table2Curve[]> {
  const out: Table2Curve[] = [];
  for (const p of plan) {
    const ms = await readMetrics<{ step: number; validAccuracy?: number; validElbo?: number }>(p.dir, Infinity);
    if (!ms.length) continue;
    const valid = ms.filter((m) => m.validAccuracy !== undefined && m.validElbo !== undefined).map((m) => ({ step: m.step, accuracy: m.validAccuracy!, elbo: m.validElbo! }));
    out.push({ id: p.id, yEstimator: p.est, alpha: p.alpha, step: ms.at(-1)!.step, steps: p.config.optimizer.steps, finished: results.has(p.id), valid });
  }
  return out;
}

/** One run of the table: `<y estimator>-alpha<α>`, its folder name and, through a queue, its job id. */
export type Table2Run = { id: string; est: Table2Estimator; alpha: number; config: SsvaeConfig };

/** The runs of a budget, in the table's order (estimator, then α). */
export function table2Runs(b: Table2Budget, o: { seed?: number; config?: SsvaePatch; alphas?: readonly number[]; backend?: BackendName; threads?: number } = {}): Table2Run[] {
  const base = patchConfig(ssvaeConfig({
    optimizer: { steps: b.steps, batch: b.batch, labeledBatch: b.labeledBatch, seed: o.seed ?? 0, ...(b.lr !== undefined ? { lr: b.lr } : {}) },
    evaluation: { evalEvery: b.evalEvery, validSize: b.validSize, testSize: b.testSize }, runtime: { backend: o.backend ?? 'wasm', threads: o.threads ?? 1 },
  }), o.config ?? {});
  const grid = o.alphas ?? b.alphas;
  return TABLE2_ROWS.flatMap((est) => (isGrid(grid) ? grid : grid[est]).map((alpha) => ({ id: `${est}-alpha${alpha}`, est, alpha, config: patchConfig(base, { model: { alpha }, estimator: { name: est } }) })));
}

const isGrid = (a: Table2Budget['alphas']): a is readonly number[] => Array.isArray(a);

/** The table from the finished runs (by id): α selected on validation accuracy per estimator. */
export function table2Report(budget: Table2BudgetName, b: Table2Budget, plan: readonly Table2Run[], results: ReadonlyMap<string, SsvaeRunResult>, command: string, curves: Table2Curve[]): Table2Report {
  const rows: Table2Row[] = [];
  for (const est of TABLE2_ROWS) {
    const runs: Table2Row['runs'] = plan.filter((p) => p.est === est && results.has(p.id)).map((p) => {
      const r = results.get(p.id)!;
      return { alpha: p.alpha, valid: r.valid && { accuracy: r.valid.accuracy, elbo: r.valid.elbo }, test: r.test, steps: r.steps, seconds: r.timings.trainSeconds + r.timings.evalSeconds, stepsPerSec: r.timings.stepsPerSec };
    });
    if (!runs.length) continue;
    // Ties on validation accuracy go to the better validation ELBO.
    const byValid = [...runs].sort((p, q) => (q.valid?.accuracy ?? -1) - (p.valid?.accuracy ?? -1) || (q.valid?.elbo ?? -Infinity) - (p.valid?.elbo ?? -Infinity))[0];
    const byTest = [...runs].sort((p, q) => q.test.accuracy - p.test.accuracy || q.test.elbo - p.test.elbo)[0];
    rows.push({
      yEstimator: est, alpha: byValid.alpha, test: byValid.test, valid: byValid.valid ?? { accuracy: NaN, elbo: NaN },
      testSelected: { alpha: byTest.alpha, ...byTest.test }, paper: PAPER_TABLE2[est], runs,
    });
  }
  const complete = plan.every((p) => results.has(p.id));
  const lr = plan[0]?.config.optimizer.lr ?? SSVAE_DEFAULTS.optimizer.lr;
  return { table: 'table2', budget, protocol: b, lr, command, rows, complete, targets: { accuracy: 0.92, elboNats: 3 }, curves };
}

export const TABLE2_FILES = { json: 'table2.json', md: 'table2.md' } as const;

export async function writeTable2(dir: string, report: Table2Report): Promise<void> {
  await writeAtomic(join(dir, TABLE2_FILES.json), JSON.stringify(report, null, 2) + '\n');
  await writeAtomic(join(dir, TABLE2_FILES.md), table2Markdown(report));
  if (report.curves.some((c) => c.valid.length)) await writeAtomic(join(dir, ACCURACY_SVG), table2AccuracySvg(report));
}

/** A finished run in one line (after its name). */
export const table2RunLine = (r: SsvaeRunResult) =>
  `test accuracy ${pct(r.test.accuracy)}, ELBO ${r.test.elbo.toFixed(2)} (valid ${r.valid ? pct(r.valid.accuracy) : '–'}) · ${r.steps} steps · ${duration(r.timings.trainSeconds + r.timings.evalSeconds)}`;

export async function reproduceTable2(opts: {
  budget: Table2BudgetName; outDir: string; resume?: boolean; backend?: BackendName; threads?: number; jobs?: number; stderr: Output; command: string; seed?: number;
  /** With jobs > 1: how often the running children's progress is printed (ms). */
  progressEvery?: number;
  /** Adam's learning rate of every run (the budget with `lr`). */
  lr?: number;
  /** Fields of every run's config other than the budget's ({ model: { labels } }, …), and another α grid. */
  config?: SsvaePatch;
  alphas?: readonly number[];
  /** Train only these rows' runs (the table still shows every finished run): e.g. the short rows first, or rows on different machines. */
  rows?: readonly Table2Estimator[];
  signal?: AbortSignal;
  /** While training, the table is rewritten this often (ms; default 10 minutes, as runs checkpoint and write their metrics). */
  refreshEvery?: number;
}): Promise<Table2Report> {
  const b: Table2Budget = opts.lr === undefined ? TABLE2_BUDGETS[opts.budget] : { ...TABLE2_BUDGETS[opts.budget], lr: opts.lr };
  const jobs = opts.jobs ?? 1;
  if (!Number.isInteger(jobs) || jobs < 1) throw new ArgumentError(`--jobs must be an integer >= 1, found ${jobs}`);
  const plan = table2Runs(b, opts).map((p) => ({ ...p, dir: join(opts.outDir, p.id) }));
  const results = new Map<string, SsvaeRunResult>();
  const done = (p: Table2Run, r: SsvaeRunResult) => {
    results.set(p.id, r);
    opts.stderr.write(`[${results.size}/${plan.length}] ${p.est} α=${p.alpha}: ${table2RunLine(r)}\n`);
  };
  const todo: (typeof plan[number] & { resume: boolean })[] = [];
  for (const p of plan) {
    if (opts.resume && (await exists(join(p.dir, FILES.result)))) done(p, await readJson<SsvaeRunResult>(join(p.dir, FILES.result), 'table2 run'));
    else if (!opts.rows || opts.rows.includes(p.est)) todo.push({ ...p, resume: !!opts.resume && (await exists(join(p.dir, FILES.checkpoint))) });
  }
  const report = async () => table2Report(opts.budget, b, plan, results, opts.command, await table2Curves(plan, results));
  // A days-long table shows how far its runs have come without being stopped.
  let writing: Promise<unknown> = Promise.resolve(), busy = false;
  const refresh = setInterval(() => {
    if (busy) return; // the last rewrite is still going (a slow disk): skip this one
    busy = true;
    writing = report().then((r) => writeTable2(opts.outDir, r)).catch(() => undefined).finally(() => (busy = false));
  }, opts.refreshEvery ?? 600_000);
  refresh.unref();
  try {
    await trainTable2(opts, todo, done);
  } finally {
    clearInterval(refresh);
  }
  await writing;
  const r = await report();
  await writeTable2(opts.outDir, r);
  return r;
}

/** Trains the runs of `todo` (in this process with jobs 1, else in worker processes), calling `done` for each finished one. */
async function trainTable2(
  opts: Parameters<typeof reproduceTable2>[0], todo: (Table2Run & { dir: string; resume: boolean })[], done: (p: Table2Run, r: SsvaeRunResult) => void,
): Promise<void> {
  if ((opts.jobs ?? 1) === 1) {
    const data = todo.length ? await loadSsvaeData() : undefined;
    // The abort signal (Ctrl-C) checkpoints the running run after its step; the next ones do not start.
    const stop = { stop: !!opts.signal?.aborted };
    opts.signal?.addEventListener('abort', () => { stop.stop = true; });
    for (const p of todo) {
      if (stop.stop) break;
      const r = await runSsvae({ config: p.config, outDir: p.dir, stderr: opts.stderr, data, resume: p.resume, stop, resumeWith: { steps: p.config.optimizer.steps, threads: p.config.runtime.threads } });
      if (r) done(p, r);
    }
  } else {
    // What each running child last reported, printed every progressEvery ms.
    const running = new Map<string, string>();
    const timer = setInterval(() => running.size && opts.stderr.write(`${[...running.values()].join('\n')}\n`), opts.progressEvery ?? 60_000);
    timer.unref();
    const jobs = todo.map((p) => ({ kind: 'ssvae' as const, id: p.dir, config: p.config, dir: p.dir, resume: p.resume }));
    const failed: string[] = [];
    try {
      await runPool(jobs, Math.min(jobs.length, opts.jobs ?? 1), async (job, m) => {
        running.delete(job.id);
        const p = todo.find((q) => q.dir === job.id)!;
        if (m.type === 'done') done(p, m.result as SsvaeRunResult);
        else if (m.type === 'error') failed.push(`${p.est} α = ${p.alpha}: ${m.message} (log: ${join(p.dir, 'log.txt')})`);
      }, {
        signal: opts.signal,
        onStart: (job) => {
          const p = todo.find((q) => q.dir === job.id)!;
          opts.stderr.write(`started ${p.est} α=${p.alpha} (${p.dir})\n`);
          running.set(job.id, `ssvae/${p.est} α=${p.alpha}: starting`);
        },
        onProgress: (job, line) => running.set(job.id, line),
      });
    } finally {
      clearInterval(timer);
    }
    if (failed.length) throw new GumbelError(`reproduce table2: ${failed.length} run${failed.length > 1 ? 's' : ''} failed: ${failed.join('; ')}`);
  }
}

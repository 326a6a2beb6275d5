// `gumbel reproduce zoo`: every registered estimator on the paper's four models (Table 1's rows) under
// one protocol — Adam at one learning rate, one step budget, one seed, no pilots — reported side by
// side at equal steps (the test bound) and at equal wall-clock (the validation bound each had reached
// when Gumbel-Softmax's run of the same model ended), with ms per step, decoder evaluations per step
// and the variance of the encoder's logit gradient at fixed steps. Cells run on the Table 1 worker
// pool (pool.ts, worker.ts); each is a folder with one `gumbel train` run folder (cell.ts runOne):
//
// <out>/<model>-<latent>-<estimator>/run/         the run folder (config, metrics.jsonl, checkpoint, result.json)
// <out>/<model>-<latent>-<estimator>/probe-<t>.json  the gradient variance before step t
// <out>/<model>-<latent>-<estimator>/zoo-cell.json   written last: the cell is finished
// <out>/zoo.{md,json}, zoo-<model>-<latent>.svg: the report (rewritten after every finished cell)
//
// Gradient variance: on the first n training examples, the estimator's gradient g_b of the
// per-example objective with respect to example b's first-layer logits ℓ_b (the encoder's output)
// is drawn R times with fresh noise; reported is mean_b Σ_j Var_r[g_bj] (and mean_b ‖mean_r g_b‖²
// for scale). Estimator state (moving averages) is restored afterwards, so training is unchanged.
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { grad } from '../autograd/tape.js';
import { step as scratchStep } from '../engine.js';
import { ArgumentError } from '../errors.js';
import type { Pass } from '../estimators/estimator.js';
import { probe as logitLeaf } from '../estimators/pass.js';
import { estimatorDescriptor, estimatorNames, resolveOptions } from '../estimators/registry.js';
import { stopGradient } from '../ops.js';
import { foldIn } from '../random/key.js';
import { type BackendName, defaultConfig, patchConfig, type TrainConfig, validateConfig } from '../train/config.js';
import { curvesSvg } from '../train/curves.js';
import { exists, readJson, writeAtomic } from '../train/files.js';
import { readMetrics } from '../train/folder.js';
import type { MetricLine } from '../train/run.js';
import type { Trainer } from '../train/trainer.js';
import { type CellOptions, runOne, runSeconds } from './cell.js';
import { type CellRunOptions, openPlan, threadsPerJob } from './index.js';
import { TABLE1_COLUMNS } from './paper.js';
import { runPool } from './pool.js';
import { duration, evalText } from './report.js';
import { type EvalSpec, num, type Row, rowId, ROWS } from './table1.js';

export const ZOO_BUDGET_NAMES = ['quick', 'standard'] as const;
export type ZooBudgetName = (typeof ZOO_BUDGET_NAMES)[number];

export interface ZooBudget {
  name: ZooBudgetName;
  summary: string;
  steps: number;
  batch: number;
  /** Adam's learning rate, the same for every cell. */
  lr: number;
  /** The first n training examples (0: all 50,000). */
  trainSize: number;
  seed: number;
  /** Validate (a point of the curves) every this many steps. */
  evalEvery: number;
  valid: EvalSpec;
  test: EvalSpec;
  /** Gradient variance: the first `examples` training examples, `repeats` draws, before steps 0, steps/2 and after the last. */
  probe: { examples: number; repeats: number };
}

const quick: ZooBudget = {
  name: 'quick',
  summary: 'a smoke test of the pipeline, numbers meaningless: 4 steps of batch 10 on the first 100 training examples, validated every 2 steps ' +
    '(10 examples, m = 5), test on the first 10 test examples with m = 10; gradient variance from 2 draws on 4 examples',
  steps: 4, batch: 10, lr: 1e-3, trainSize: 100, seed: 1, evalEvery: 2,
  valid: { examples: 10, samples: 5 }, test: { examples: 10, samples: 10 }, probe: { examples: 4, repeats: 2 },
};

/**
 * ms per training step (batch 100) of each estimator, the mean over the models it supports, measured
 * one process at a time on this 2-core machine (wasm, 1 thread, other work running) on 6 December
 * 2026: the standard budget is sized from them and cells start costliest first. Their sum over the 70
 * cells is about 3.4 s (Gumbel-Softmax 11–17 ms on the four models; gumbel_rao 120–270, relax 90–160).
 */
export const MEASURED_MS_PER_STEP: Readonly<Record<string, number>> = {
  sf: 17, darn: 30, muprop: 26, st: 14, slope_st: 14, gumbel_softmax: 13, st_gumbel_softmax: 15, rloo: 32, arm: 108, disarm: 106,
  reinmax: 14, zgr: 16, gst: 44, decoupled_st: 19, gumbel_rao: 188, vimco: 81, rebar: 81, relax: 122, double_cv: 40,
};

// Besides training, a standard cell spends about 15 s on the test (500 examples × m = 1000, ~30 µs a
// sample), 7 s on 20 validations (100 examples × m = 100) and a few seconds on probes and loading.
const standard: ZooBudget = {
  name: 'standard',
  summary: 'estimated about 60 minutes on this 2-core machine with --jobs 2 --threads 1 (the measured ms per step summed over the 70 cells, 3.4 s, ' +
    '× 1,500 steps ≈ 85 min of training, plus ≈ 25 s per cell of validation, test and probes ≈ 30 min; 2 cells at a time; longer on a busy machine): ' +
    '1,500 steps of batch 100 on all 50,000 training examples (3 epochs), validated every 75 steps (the first 100 validation examples, m = 100); ' +
    'test on the first 500 test examples with m = 1000; gradient variance from 10 draws on the first 100 training examples',
  steps: 1500, batch: 100, lr: 1e-3, trainSize: 0, seed: 1, evalEvery: 75,
  valid: { examples: 100, samples: 100 }, test: { examples: 500, samples: 1000 }, probe: { examples: 100, repeats: 10 },
};

export const ZOO_BUDGETS: Record<ZooBudgetName, ZooBudget> = { quick, standard };

export interface ZooCell extends Row {
  estimator: string;
  id: string;
}

/** Every (row, registered estimator) pair, row by row; supported or not. */
export const zooCells = (): ZooCell[] => ROWS.flatMap((row) => estimatorNames().map((estimator) => ({ ...row, estimator, id: `${rowId(row)}-${estimator}` })));

// An exact sum (maxTerms: marginalize) cannot run on the paper's 200-unit layers.
export const supports = (c: Pick<ZooCell, 'estimator' | 'latent'>) => estimatorDescriptor(c.estimator).latents.includes(c.latent) && !estimatorDescriptor(c.estimator).maxTerms;

/** Stochastic layers of the paper's models: the SBN has two, the VAE one. */
const layersOf = (c: Pick<ZooCell, 'model'>) => (c.model === 'sbn' ? 2 : 1);

/** Decoder evaluations per step as the estimator's descriptor declares them (default options). */
export function declaredEvaluations(c: Pick<ZooCell, 'estimator' | 'model'>): number {
  const d = estimatorDescriptor(c.estimator);
  return d.evaluations(resolveOptions(d, {}) as Record<string, number | boolean>, layersOf(c));
}

/** The protocol's config of a cell: Adam, the budget's lengths; τ as the paper (SBN 1, VAE annealed), never below the estimator's minTau. */
export function zooConfig(c: ZooCell, b: ZooBudget, o: { threads: number; backend: BackendName }): TrainConfig {
  const base = defaultConfig(c.model);
  const floor = estimatorDescriptor(c.estimator).minTau ?? 0;
  return validateConfig(patchConfig(base, {
    model: { latent: c.latent }, estimator: { name: c.estimator }, optimizer: { name: 'adam', steps: b.steps, batch: b.batch, lr: b.lr, seed: b.seed },
    schedule: { tau: c.model === 'sbn' ? Math.max(1, floor) : null, tauMin: Math.max(base.schedule.tauMin, floor) },
    evaluation: {
      evalEvery: b.evalEvery, validSize: b.valid.examples, validSamples: b.valid.samples,
      evalSamples: b.test.samples, testSize: b.test.examples, trainSize: b.trainSize, logEvery: Math.min(b.evalEvery, 100),
    },
    runtime: { backend: o.backend, threads: o.threads },
  }));
}

export const probeSteps = (b: ZooBudget) => [0, Math.floor(b.steps / 2), b.steps];

export interface GradientProbe {
  step: number;
  tau: number;
  examples: number;
  repeats: number;
  /** mean_b Σ_j Var_r[g_bj]: the trace of one example's gradient covariance, averaged over examples. */
  variance: number;
  /** mean_b ‖mean_r g_b‖². */
  meanSquare: number;
  /** Runs of the pass per objective call, counted. */
  evaluations: number;
  seconds: number;
}

/** The variance of the estimator's gradient with respect to the first stochastic layer's logits, at the trainer's parameters. */
export function logitGradientProbe(trainer: Trainer, at: number, examples: number, repeats: number): GradientProbe {
  const t0 = performance.now();
  const n = Math.min(examples, trainer.train.n), rows = trainer.train.images.subarray(0, n * trainer.train.dim);
  const opts = { tau: trainer.tauAt(at), slope: trainer.slopeAt(at) };
  const key = foldIn(trainer.keys.root, 6);
  const saved = trainer.estimator.state();
  let mean: Float64Array | null = null, m2: Float64Array | null = null, passes = 0;
  try {
    for (let r = 0; r < repeats; r++) {
      scratchStep(() => {
        const { x, pass } = trainer.model.batch(rows, n);
        let leaf: ReturnType<typeof logitLeaf> | null = null;
        // Every run of the pass gets the same logits of its first layer, so the gradient sums over all uses.
        const probed: Pass = (latent) => {
          passes++;
          let i = 0;
          return pass((logits, spec) => (i++ ? latent(logits, spec) : latent((leaf ??= logitLeaf(stopGradient(logits))).value, spec)));
        };
        const { surrogate } = trainer.estimator.objective(probed, foldIn(key, r), opts, x);
        const g = grad(surrogate, [leaf!.leaf])[0]?.data() ?? new Float32Array(leaf!.leaf.size);
        mean ??= new Float64Array(g.length);
        m2 ??= new Float64Array(g.length);
        // Welford; the surrogate is a mean over the batch, so example b's own gradient is n·g_b.
        for (let j = 0; j < g.length; j++) {
          const v = n * g[j], d = v - mean[j];
          mean[j] += d / (r + 1);
          m2[j] += d * (v - mean[j]);
        }
      }, trainer.backend);
    }
  } finally {
    trainer.estimator.loadState(saved);
  }
  const variance = repeats > 1 ? m2!.reduce((a, v) => a + v, 0) / (repeats - 1) / n : 0;
  return {
    step: at, tau: opts.tau, examples: n, repeats, variance, meanSquare: mean!.reduce((a, v) => a + v * v, 0) / n,
    evaluations: passes / repeats, seconds: (performance.now() - t0) / 1000,
  };
}

export const ZOO_CELL_FILE = 'zoo-cell.json';
const RUN_DIR = 'run';
const probeFile = (t: number) => `probe-${t}.json`;

export interface CurvePoint {
  step: number;
  /** Training seconds up to this step (validation and probes excluded). */
  seconds: number;
  valid: number;
}

export interface ZooCellResult {
  id: string;
  model: string;
  latent: string;
  estimator: string;
  budget: ZooBudgetName;
  status: 'ok' | 'diverged';
  diverged: string | null;
  test: { value: number; samples: number; examples: number } | null;
  steps: number;
  msPerStep: number | null;
  evaluations: { declared: number; measured: number | null };
  probes: GradientProbe[];
  curve: CurvePoint[];
  /** Train + evaluation + load seconds of the run. */
  seconds: number;
  tau: { fixed: number | null; min: number };
  backend: { name: string; variant: string } | null;
}

/** The validation points of a run folder with their training seconds, summed from the metrics lines' rates. */
async function timedCurve(dir: string, batch: number): Promise<CurvePoint[]> {
  const out: CurvePoint[] = [];
  let seconds = 0, prev = 0;
  for (const m of await readMetrics<MetricLine>(dir, Infinity)) {
    if (m.examplesPerSec > 0) seconds += ((m.step - prev) * batch) / m.examplesPerSec;
    prev = m.step;
    if (m.valid !== undefined) out.push({ step: m.step, seconds, valid: m.valid });
  }
  return out;
}

/** Runs (or resumes, or reads back) one cell; null when stopped. */
export async function runZooCell(c: ZooCell, b: ZooBudget, cellDir: string, o: CellOptions): Promise<ZooCellResult | null> {
  const config = zooConfig(c, b, o);
  const runDir = join(cellDir, RUN_DIR);
  const out = await runOne(config, runDir, o, {
    steps: probeSteps(b),
    run: async (trainer, t) => {
      const p = logitGradientProbe(trainer, t, b.probe.examples, b.probe.repeats);
      await writeAtomic(join(cellDir, probeFile(t)), JSON.stringify(p, null, 2) + '\n');
    },
  });
  if (out.kind === 'stopped') return null;
  const probes: GradientProbe[] = [];
  for (const t of probeSteps(b)) if (await exists(join(cellDir, probeFile(t)))) probes.push(await readJson<GradientProbe>(join(cellDir, probeFile(t)), 'gradient probe'));
  const r = out.kind === 'done' ? out.result : null;
  const result: ZooCellResult = {
    id: c.id, model: c.model, latent: c.latent, estimator: c.estimator, budget: b.name,
    status: r ? 'ok' : 'diverged', diverged: out.kind === 'diverged' ? out.message : null,
    test: r?.test ?? null, steps: r?.steps ?? 0, msPerStep: r && r.steps ? (1000 * r.timings.trainSeconds) / r.steps : null,
    evaluations: { declared: declaredEvaluations(c), measured: probes[0]?.evaluations ?? null },
    probes, curve: await timedCurve(runDir, b.batch), seconds: r ? runSeconds(r) : out.kind === 'diverged' ? out.seconds : 0,
    tau: { fixed: config.schedule.tau, min: config.schedule.tauMin }, backend: r?.backend ?? null,
  };
  await writeAtomic(join(cellDir, ZOO_CELL_FILE), JSON.stringify(result, null, 2) + '\n');
  return result;
}

// ---- the report

export const REFERENCE = 'gumbel_softmax';
export const zooSvgFile = (r: Pick<Row, 'model' | 'latent'>) => `zoo-${rowId(r)}.svg`;

/** The validation bound a cell had reached by `seconds` of training (its last point by then); `ended`: its run was shorter. */
export interface AtTime {
  step: number;
  seconds: number;
  valid: number;
  ended: boolean;
}

export interface ZooRow {
  id: string;
  model: string;
  latent: string;
  estimator: string;
  status: 'ok' | 'diverged' | 'n/a' | 'pending';
  /** Latent kinds the estimator supports (why a cell is n/a). */
  latents: string[];
  test: number | null;
  msPerStep: number | null;
  /** ms per step ÷ Gumbel-Softmax's on the same model. */
  relativeCost: number | null;
  evaluations: number;
  variance: { step: number; value: number }[];
  atReference: AtTime | null;
}

export interface ZooReport {
  title: string;
  command: string;
  budget: ZooBudget;
  protocol: string[];
  complete: boolean;
  finished: number;
  /** Supported cells (n/a ones excluded). */
  total: number;
  estimators: string[];
  /** Per model: Gumbel-Softmax's training seconds (the equal-wall-clock point) and the figure. */
  models: { model: string; latent: string; label: string; architecture: string; referenceSeconds: number | null; figure: string }[];
  rows: ZooRow[];
  computeSeconds: number;
  sessionSeconds: number;
  jobs: number;
  threadsPerJob: number;
  written: string;
  cells: ZooCellResult[];
}

export function atTime(curve: CurvePoint[], seconds: number): AtTime | null {
  if (!curve.length) return null;
  const last = curve[curve.length - 1];
  if (last.seconds <= seconds) return { ...last, ended: true };
  const before = curve.filter((p) => p.seconds <= seconds).pop();
  return before ? { ...before, ended: false } : null;
}

export function zooProtocol(b: ZooBudget): string[] {
  return [
    `Every cell: Adam, learning rate ${num(b.lr)} (no pilots, no selection), ${b.steps.toLocaleString('en-US')} steps of batch ${b.batch}, seed ${b.seed}, ` +
      `${b.trainSize ? `the first ${b.trainSize.toLocaleString('en-US')}` : 'all 50,000'} training examples; the paper's model sizes; each estimator with its default options.`,
    'τ (read only by the relaxed estimators): the SBN keeps τ = 1 (the paper); the VAE anneals τ = max(0.5, exp(−10⁻⁴·1000·⌊t/1000⌋)) (the paper\'s default); ' +
      'an estimator with a smallest temperature (ReinMax: τ ≥ 1) has the floor raised to it, so ReinMax trains at τ = 1.',
    `Validation every ${b.evalEvery} steps on ${evalText(b.valid, 'validation')}; test after the last step on ${evalText(b.test, 'test')} ` +
      '(SBN: NLL of the lower half, log-mean-exp over m samples; VAE: the m-sample importance bound on −log p(x)).',
    'Equal steps: the test bound after the last step. Equal wall-clock: each estimator\'s validation bound at its last validation point within the training time ' +
      'Gumbel-Softmax took on the same model (training seconds only: validation, test and probes excluded; ‡ marks a run that ended sooner, its last point shown).',
    'With their default options two pairs coincide by construction (their files say why): decoupled_st (τ_f = 1) is st_gumbel_softmax, ' +
      'and ReinMax at τ = 1 is ZGR; their equal numbers are a check, not a finding.',
    'ms per step: training seconds ÷ steps on one worker; decoder evaluations per step: the descriptor\'s count (runs of the pass), checked against a counted one.',
    `Gradient variance before steps ${probeSteps(b).join(', ')}: on the first ${b.probe.examples} training examples, ${b.probe.repeats} draws of the estimator's gradient ` +
      'with respect to each example\'s first-layer (encoder) logits; reported is the per-example trace of its covariance, averaged over the examples.',
    `Budget ${b.name}: ${b.summary}.`,
  ];
}

export function buildZooReport(cells: ZooCellResult[], b: ZooBudget, meta: { command: string; sessionSeconds: number; jobs: number; threadsPerJob: number }): ZooReport {
  const byId = new Map(cells.map((c) => [c.id, c]));
  const all = zooCells();
  const reference = new Map(ROWS.map((r) => [rowId(r), byId.get(`${rowId(r)}-${REFERENCE}`)]));
  const rows: ZooRow[] = all.map((c) => {
    const got = byId.get(c.id), ref = reference.get(rowId(c));
    const refSeconds = ref?.curve.at(-1)?.seconds;
    return {
      id: c.id, model: c.model, latent: c.latent, estimator: c.estimator,
      status: !supports(c) ? 'n/a' : got ? got.status : 'pending',
      latents: [...estimatorDescriptor(c.estimator).latents],
      test: got?.test?.value ?? null, msPerStep: got?.msPerStep ?? null,
      relativeCost: got?.msPerStep && ref?.msPerStep ? got.msPerStep / ref.msPerStep : null,
      evaluations: declaredEvaluations(c),
      variance: got?.probes.map((p) => ({ step: p.step, value: p.variance })) ?? [],
      atReference: got && refSeconds !== undefined ? atTime(got.curve, refSeconds) : null,
    };
  });
  const ordered = all.map((c) => byId.get(c.id)).filter((c): c is ZooCellResult => !!c);
  const total = all.filter(supports).length;
  return {
    title: 'Every registered estimator on the four models of Jang, Gu & Poole (ICLR 2017), Table 1, under one protocol',
    command: meta.command, budget: b, protocol: zooProtocol(b), complete: ordered.length === total, finished: ordered.length, total,
    estimators: estimatorNames(),
    models: ROWS.map((r) => ({ model: r.model, latent: r.latent, label: r.label, architecture: r.architecture, referenceSeconds: reference.get(rowId(r))?.curve.at(-1)?.seconds ?? null, figure: zooSvgFile(r) })),
    rows, computeSeconds: ordered.reduce((a, c) => a + c.seconds, 0), sessionSeconds: meta.sessionSeconds,
    jobs: meta.jobs, threadsPerJob: meta.threadsPerJob, written: new Date().toISOString(), cells: ordered,
  };
}

const f2 = (x: number | null) => (x === null || !Number.isFinite(x) ? '—' : x.toFixed(2));
const sci = (x: number) => (x === 0 ? '0' : x.toExponential(1).replace('e+', 'e'));

/** The markdown report. */
export function zooMarkdown(r: ZooReport): string {
  const b = r.budget;
  const cell = (model: string, latent: string, e: string) => r.rows.find((x) => x.model === model && x.latent === latent && x.estimator === e)!;
  const table = (head: string, value: (row: ZooRow) => string) => {
    const out = [`| ${head} | ${r.models.map((m) => m.label).join(' | ')} |`, `|---|${r.models.map(() => '---:').join('|')}|`];
    for (const e of r.estimators) {
      out.push(`| ${e} | ${r.models.map((m) => {
        const row = cell(m.model, m.latent, e);
        return row.status === 'n/a' ? 'n/a' : row.status === 'pending' ? '…' : row.status === 'diverged' ? 'diverged' : value(row);
      }).join(' | ')} |`);
    }
    return [...out, ''];
  };
  const out: string[] = ['# Estimator zoo', '', `${r.title}. Budget **${b.name}**; lower bounds are better (nats).`, ''];
  if (!r.complete) out.push(`> **Incomplete: ${r.finished} of ${r.total} cells have finished.** Continue with the same command and \`--resume\`.`, '');
  if (b.name === 'quick') out.push('> **Budget quick: the numbers are meaningless.** It checks the pipeline end to end with tiny runs.', '');
  out.push('Regenerate with:', '', '```sh', r.command, '```', '');
  out.push(`## At equal steps: test bound after ${b.steps.toLocaleString('en-US')} steps`, '');
  out.push(...table('estimator', (x) => f2(x.test)));
  out.push('## At equal wall-clock: validation bound when Gumbel-Softmax\'s run ended', '');
  out.push(`Gumbel-Softmax's training time: ${r.models.map((m) => `${m.label} ${m.referenceSeconds === null ? '…' : duration(m.referenceSeconds)}`).join(', ')}. ` +
    'Each entry: the bound at the estimator\'s last validation point by then (its step in parentheses); ‡ its whole run took less time; — no validation point yet.', '');
  out.push(...table('estimator', (x) => (x.atReference ? `${f2(x.atReference.valid)} (${x.atReference.step})${x.atReference.ended ? ' ‡' : ''}` : '—')));
  out.push('## Cost: ms per step (× Gumbel-Softmax) · decoder evaluations per step', '');
  out.push(...table('estimator', (x) => `${x.msPerStep === null ? '—' : x.msPerStep.toFixed(1)}${x.relativeCost === null ? '' : ` (${x.relativeCost.toFixed(2)}×)`} · ${x.evaluations}`));
  out.push(`## Gradient variance of the encoder's logits, before steps ${probeSteps(b).join(' / ')}`, '');
  out.push(...table('estimator', (x) => x.variance.map((v) => sci(v.value)).join(' / ') || '—'));
  out.push('## Validation bound against wall-clock', '');
  for (const m of r.models) out.push(`![${m.label}](${m.figure})`);
  out.push('', '## Estimators', '', '| estimator | unbiased | latents | what |', '|---|---|---|---|');
  for (const e of r.estimators) {
    const d = estimatorDescriptor(e);
    out.push(`| ${e} | ${d.unbiased ? (d.boundSamples ? 'yes (its K-sample bound)' : 'yes') : 'no'} | ${d.latents.join(', ')} | ${d.summary.replace(/\|/g, '\\|')} |`);
  }
  out.push('', '## Protocol', '', ...r.protocol.map((p) => `- ${p}`));
  const first = r.cells.find((c) => c.backend);
  out.push(`- Machine: ${first?.backend ? `${first.backend.name} (${first.backend.variant}), ` : ''}${r.jobs} cell${r.jobs > 1 ? 's' : ''} in parallel × ${r.threadsPerJob} thread${r.threadsPerJob > 1 ? 's' : ''}; ` +
    `all finished cells ${duration(r.computeSeconds)} of compute; the session that wrote this file ran ${duration(r.sessionSeconds)}.`);
  out.push('- Each cell is a folder `<model>-<latent>-<estimator>/` next to this file: `run/` is its `gumbel train` run folder, `probe-<t>.json` its gradient variance, `zoo-cell.json` its result.', '');
  return out.join('\n');
}

const PALETTE = ['#1f77b4', '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#e377c2', '#f7b6d2', '#bcbd22', '#dbdb8d', '#9edae5', '#393b79', '#637939'];

/** Validation bound against training seconds (log axis), one line per estimator (Table 1's colours for its seven), a mark where Gumbel-Softmax's run ended. */
export function zooSvg(m: ZooReport['models'][number], r: ZooReport): string {
  let k = 0;
  const series = r.estimators.flatMap((e) => {
    const got = r.cells.find((c) => c.model === m.model && c.latent === m.latent && c.estimator === e);
    if (!supports({ estimator: e, latent: m.latent as ZooCell['latent'] })) return [];
    const color = TABLE1_COLUMNS.find((c) => c.estimator === e)?.color ?? PALETTE[k++ % PALETTE.length];
    return [{ name: e, color, points: (got?.curve ?? []).map((p) => [p.seconds, p.valid] as [number, number]) }];
  });
  return curvesSvg(series, {
    title: `${m.label} ${m.architecture}: validation (zoo, ${r.budget.name} budget)`, xLabel: 'training seconds (log scale)', width: 800, height: 480, xLog: true, legendRight: true,
    marks: m.referenceSeconds === null ? [] : [{ x: m.referenceSeconds, label: 'Gumbel-Softmax ends' }],
    yLabel: `${m.model === 'vae' ? '−log p̂(x)' : 'NLL'}, nats (${r.budget.valid.examples || 'all'} valid ex., m = ${r.budget.valid.samples})`,
  });
}

// ---- the command

export interface ZooOptions extends CellRunOptions {
  budget: ZooBudgetName;
  /** wasm threads per cell (default: the cores shared among the jobs). */
  threads?: number;
}

export interface ZooResult {
  report: ZooReport;
  outDir: string;
  failed: { id: string; message: string }[];
  interrupted: boolean;
}

export const ZOO_FILES = { md: 'zoo.md', json: 'zoo.json' } as const;

/** The markdown and JSON tables (ZOO_FILES) and one SVG per model into `dir`. */
export async function writeZoo(dir: string, report: ZooReport): Promise<void> {
  await writeAtomic(join(dir, ZOO_FILES.json), JSON.stringify(report, null, 2) + '\n');
  await writeAtomic(join(dir, ZOO_FILES.md), zooMarkdown(report));
  for (const m of report.models) await writeAtomic(join(dir, m.figure), zooSvg(m, report));
}

/** A finished cell in one line (after its id). */
export const zooCellLine = (c: ZooCellResult) =>
  `${c.status === 'ok' ? `${f2(c.test!.value)}, ${c.msPerStep!.toFixed(1)} ms/step` : `diverged (${c.diverged})`} · ${duration(c.seconds)}`;

export async function reproduceZoo(o: ZooOptions): Promise<ZooResult> {
  const t0 = performance.now();
  const outDir = resolve(o.outDir);
  const budget = ZOO_BUDGETS[o.budget];
  if (!budget) throw new ArgumentError(`--budget must be one of ${ZOO_BUDGET_NAMES.join(', ')} for the zoo, found '${o.budget}'`);
  const cores = availableParallelism(), jobs = o.jobs ?? cores;
  if (!Number.isInteger(jobs) || jobs < 1) throw new ArgumentError(`--jobs must be an integer >= 1, found ${jobs}`);
  const backend = o.backend ?? 'wasm';
  await openPlan(outDir, o.outDir, { table: 'zoo', budget: o.budget, protocol: budget, backend, created: new Date().toISOString() }, !!o.resume);

  const cells = zooCells().filter(supports);
  const finished = new Map<string, ZooCellResult>();
  for (const c of cells) {
    const f = join(outDir, c.id, ZOO_CELL_FILE);
    if (await exists(f)) finished.set(c.id, await readJson<ZooCellResult>(f, 'zoo cell'));
  }
  // The costliest cells first, so the last ones to finish are short (an estimator not measured: by its evaluations).
  const cost = (c: ZooCell) => MEASURED_MS_PER_STEP[c.estimator] ?? 20 * declaredEvaluations(c);
  const pending = cells.filter((c) => !finished.has(c.id)).sort((a, b) => cost(b) - cost(a));
  const nWorkers = Math.max(1, Math.min(jobs, pending.length));
  const threads = o.threads ?? threadsPerJob(nWorkers, cores);
  const command = o.command ?? `gumbel reproduce zoo --budget ${o.budget} --out ${o.outDir}`;
  const write = async () => {
    const report = buildZooReport([...finished.values()], budget, { command, sessionSeconds: (performance.now() - t0) / 1000, jobs: nWorkers, threadsPerJob: threads });
    await writeZoo(outDir, report);
    return report;
  };
  o.stderr.write(`estimator zoo, budget ${o.budget}: ${pending.length} of ${cells.length} cells to run` +
    `${pending.length ? `, ${nWorkers} in parallel × ${threads} thread${threads > 1 ? 's' : ''}` : ''}, in ${outDir}\n`);

  const failed: ZooResult['failed'] = [];
  let interrupted = false;
  if (pending.length) {
    const zooJobs = pending.map((c) => ({ kind: 'zoo' as const, id: c.id, budget: o.budget, dir: join(outDir, c.id), threads, backend }));
    const r = await runPool(zooJobs, nWorkers, async (job, msg) => {
      if (msg.type === 'done') {
        const c = msg.result as ZooCellResult;
        finished.set(c.id, c);
        o.stderr.write(`[${finished.size}/${cells.length}] ${c.id}: ${zooCellLine(c)}\n`);
        await write();
      } else if (msg.type === 'error') {
        failed.push({ id: job.id, message: msg.message });
        o.stderr.write(`[failed] ${job.id}: ${msg.message} (log: ${join(job.dir, 'log.txt')})\n`);
      }
    }, { signal: o.signal });
    interrupted = r.interrupted;
  }
  return { report: await write(), outDir, failed, interrupted };
}

// One cell of Table 1 (a model × latent × estimator), in its own folder: pilot runs of the budget's
// grid, selection on validation, the final run of the selected setting, its test number. Every run
// is an ordinary `gumbel train` run folder (src/train/run.ts), so an interrupted cell resumes each
// run from its checkpoint, and a finished run (result.json) or a diverged one (failed.json) is reused.
//
// <cell>/pilot-<setting>/   a run folder per pilot (settingKey: lr, τ schedule, steps)
// <cell>/final-<setting>/   the final run (another one only if the first diverged)
// <cell>/cell.json          written last: the cell is finished
// <cell>/log.txt            the runs' progress lines
import { join } from 'node:path';
import { type Dataset, slice } from '../data/index.js';
import type { EstimatorName } from '../estimators/estimator.js';
import type { LatentKind, ModelName } from '../models/index.js';
import { type BackendName, defaultConfig, type TrainConfig, validateConfig } from '../train/config.js';
import { loadData, type RunData } from '../train/data.js';
import { exists, readJson, writeAtomic } from '../train/files.js';
import { readMetrics } from '../train/folder.js';
import { FILES, metricName, type MetricLine, type Output, runTraining, type RunOptions, type RunResult } from '../train/run.js';
import { TrainingError } from '../train/trainer.js';
import { type Budget, type BudgetName, type Cell, describeSetting, type Setting, settingKey, stage1, stage2 } from './table1.js';

export const CELL_FILE = 'cell.json';
export const FAILED_FILE = 'failed.json';
export const LOG_FILE = 'log.txt';

export interface PilotRecord {
  stage: 1 | 2;
  setting: Setting;
  steps: number;
  /** The validation score at the pilot's last step; null when it diverged. */
  valid: number | null;
  diverged: string | null;
  /** Train + evaluation + load seconds, summed over the sessions that ran it. */
  seconds: number;
  dir: string;
}

export interface CellResult {
  id: string;
  model: ModelName;
  latent: LatentKind;
  estimator: EstimatorName;
  budget: BudgetName;
  metric: string;
  status: 'ok' | 'diverged';
  /** Our test number (nats); null when every candidate diverged. */
  ours: number | null;
  paper: number;
  /** ours − paper (negative: better than the paper). */
  delta: number | null;
  tolerance: number;
  withinTarget: boolean;
  selected: (Setting & { description: string }) | null;
  pilots: PilotRecord[];
  final: {
    dir: string;
    steps: number;
    seed: number;
    valid: { value: number; samples: number; examples: number; step: number } | null;
    test: { value: number; samples: number; examples: number };
    /** Validation points of the final run: [step, value]. */
    curve: [number, number][];
    trainSeconds: number;
    evalSeconds: number;
    stepsPerSec: number;
  } | null;
  /** Final runs that diverged before the one reported (the next-best pilot setting was tried). */
  failedFinals: { setting: Setting; message: string }[];
  seed: number;
  steps: { pilots: number; final: number; total: number };
  seconds: { pilots: number; final: number; total: number };
  backend: { name: string; variant: string } | null;
}

export interface CellOptions {
  threads: number;
  backend: BackendName;
  stop?: { stop: boolean };
  log: Output;
  /** The runs' data loader (default: sharedData, one load of MNIST per process). */
  loadData?: (config: TrainConfig) => Promise<RunData>;
}

let mnist: Promise<RunData> | null = null;
const firstN = (ds: Dataset, n: number) => (n > 0 && n < ds.n ? slice(ds, 0, n) : ds);

/** loadData with the bundled MNIST decoded once per process (a few hundred ms per run otherwise); subsets are views. */
export async function sharedData(config: TrainConfig): Promise<RunData> {
  if (config.dataDir !== null) return loadData(config);
  mnist ??= loadData({ dataDir: null, trainSize: 0, testSize: 0 });
  const d = await mnist.catch((e) => {
    mnist = null;
    throw e;
  });
  return { ...d, train: firstN(d.train, config.trainSize), test: firstN(d.test, config.testSize) };
}

/** The TrainConfig of one run of a cell: the budget's optimizer (the paper's SGD with momentum 0.9 unless it says Adam), the paper's model sizes, the budget's lengths. */
export function runConfig(c: Cell, b: Budget, s: Setting, kind: 'pilot' | 'final', steps: number, o: Pick<CellOptions, 'threads' | 'backend'>): TrainConfig {
  const base = defaultConfig(c.model);
  const final = kind === 'final';
  const evalEvery = final ? b.finalEvalEvery : steps > 5000 ? 5000 : 0;
  const valid = final ? b.finalValid : b.pilotValid;
  return validateConfig({
    ...base,
    latent: c.latent,
    estimator: c.estimator,
    steps,
    batch: b.batch,
    ...(b.optimizer === 'adam' ? { optimizer: 'adam' } : { optimizer: 'sgd', momentum: 0.9 }),
    lr: s.lr,
    tau: c.model === 'sbn' ? 1 : null,
    tauRate: s.tau?.rate ?? base.tauRate,
    tauEvery: s.tau?.every ?? base.tauEvery,
    evalEvery,
    validSize: valid.examples,
    validSamples: valid.samples,
    // A pilot is judged on validation only: its end-of-run test evaluation is cut to one example, one sample.
    evalSamples: final ? b.test.samples : 1,
    testSize: final ? b.test.examples : 1,
    trainSize: b.trainSize,
    logEvery: Math.max(1, Math.min(100, evalEvery || steps)),
    seed: b.seed,
    backend: o.backend,
    threads: o.threads,
  });
}


export type Outcome = { kind: 'done'; result: RunResult } | { kind: 'diverged'; message: string; seconds: number } | { kind: 'stopped' };

/** Runs (or resumes, or reads back) one run folder; a diverged run leaves failed.json. */
export async function runOne(config: TrainConfig, dir: string, o: CellOptions, probe?: RunOptions['probe']): Promise<Outcome> {
  if (await exists(join(dir, FILES.result))) return { kind: 'done', result: await readJson<RunResult>(join(dir, FILES.result), 'run result') };
  if (await exists(join(dir, FAILED_FILE))) {
    const f = await readJson<{ message: string; seconds?: number }>(join(dir, FAILED_FILE), 'failed run');
    return { kind: 'diverged', message: f.message, seconds: f.seconds ?? 0 };
  }
  const resume = await exists(join(dir, FILES.checkpoint));
  o.log.write(`${resume ? 'resuming' : 'starting'} ${dir}\n`);
  const t0 = performance.now();
  try {
    const { result } = await runTraining({
      config, outDir: dir, resume, stderr: o.log, stop: o.stop, notTTYSchedule: 10_000, loadData: o.loadData ?? sharedData, probe,
    });
    return result ? { kind: 'done', result } : { kind: 'stopped' };
  } catch (e) {
    if (!(e instanceof TrainingError)) throw e;
    const seconds = (performance.now() - t0) / 1000;
    o.log.write(`diverged: ${e.message}\n`);
    await writeAtomic(join(dir, FAILED_FILE), JSON.stringify({ message: e.message, seconds }, null, 2) + '\n');
    return { kind: 'diverged', message: e.message, seconds };
  }
}

export const runSeconds = (r: RunResult) => r.timings.trainSeconds + r.timings.evalSeconds + r.timings.loadSeconds;

/** The validation points of a run folder's metrics.jsonl. */
async function validCurve(dir: string): Promise<[number, number][]> {
  return (await readMetrics<MetricLine>(dir, Infinity)).filter((m) => m.valid !== undefined).map((m) => [m.step, m.valid!] as [number, number]);
}

const score = (p: PilotRecord) => (p.valid !== null && Number.isFinite(p.valid) ? p.valid : Infinity);
/** Pilots best first (a stable sort: ties keep the grid's order). */
const ranked = (ps: PilotRecord[]) => ps.map((p, i) => [p, i] as const).sort((a, b) => score(a[0]) - score(b[0]) || a[1] - b[1]).map(([p]) => p).filter((p) => score(p) < Infinity);

/** Runs a cell to the end (or until `stop`); null when stopped. */
export async function runCell(c: Cell, b: Budget, cellDir: string, o: CellOptions): Promise<CellResult | null> {
  const pilots: PilotRecord[] = [];
  const pilot = async (stage: 1 | 2, s: Setting, steps: number): Promise<boolean> => {
    const dir = join(cellDir, `pilot-${settingKey(s, steps)}`);
    const out = await runOne(runConfig(c, b, s, 'pilot', steps, o), dir, o);
    if (out.kind === 'stopped') return false;
    pilots.push(out.kind === 'done'
      ? { stage, setting: s, steps, valid: out.result.valid?.value ?? null, diverged: null, seconds: runSeconds(out.result), dir }
      : { stage, setting: s, steps, valid: null, diverged: out.message, seconds: out.seconds, dir });
    return true;
  };

  for (const s of stage1(c, b)) if (!(await pilot(1, s, b.pilotSteps))) return null;
  const best1 = ranked(pilots)[0];
  if (best1) for (const s of stage2(c, b, best1.setting.lr)) if (!(await pilot(2, s, b.tauPilotSteps))) return null;
  // Candidates best first: the last stage's pilots, then the rest, each setting once.
  const seen = new Set<string>();
  const candidates = [...ranked(pilots.filter((p) => p.stage === 2)), ...ranked(pilots.filter((p) => p.stage === 1))]
    .filter((p) => !seen.has(settingKey(p.setting, 0)) && !!seen.add(settingKey(p.setting, 0)));

  const failedFinals: CellResult['failedFinals'] = [];
  let finalSeconds = 0;
  let chosen: { setting: Setting; result: RunResult; dir: string } | null = null;
  for (const p of candidates) {
    const dir = join(cellDir, `final-${settingKey(p.setting, b.finalSteps)}`);
    const out = await runOne(runConfig(c, b, p.setting, 'final', b.finalSteps, o), dir, o);
    if (out.kind === 'stopped') return null;
    if (out.kind === 'done') {
      finalSeconds += runSeconds(out.result);
      chosen = { setting: p.setting, result: out.result, dir };
      break;
    }
    finalSeconds += out.seconds;
    failedFinals.push({ setting: p.setting, message: out.message });
  }

  const r = chosen?.result ?? null;
  const ours = r && Number.isFinite(r.test.value) ? r.test.value : null;
  const pilotSeconds = pilots.reduce((a, p) => a + p.seconds, 0);
  const pilotSteps = pilots.reduce((a, p) => a + p.steps, 0);
  const result: CellResult = {
    id: c.id,
    model: c.model,
    latent: c.latent,
    estimator: c.estimator,
    budget: b.name,
    metric: metricName(c.model),
    status: ours === null ? 'diverged' : 'ok',
    ours,
    paper: c.paper,
    delta: ours === null ? null : ours - c.paper,
    tolerance: c.tolerance,
    withinTarget: ours !== null && ours - c.paper <= c.tolerance,
    selected: chosen ? { ...chosen.setting, description: describeSetting(chosen.setting, c) } : null,
    pilots: pilots.map((p) => ({ ...p, dir: p.dir.slice(cellDir.length + 1) })),
    final: chosen && r ? {
      dir: chosen.dir.slice(cellDir.length + 1),
      steps: r.steps,
      seed: r.config.seed,
      valid: r.valid,
      test: r.test,
      curve: await validCurve(chosen.dir),
      trainSeconds: r.timings.trainSeconds,
      evalSeconds: r.timings.evalSeconds,
      stepsPerSec: r.timings.stepsPerSec,
    } : null,
    failedFinals,
    seed: b.seed,
    steps: { pilots: pilotSteps, final: r?.steps ?? 0, total: pilotSteps + (r?.steps ?? 0) },
    seconds: { pilots: pilotSeconds, final: finalSeconds, total: pilotSeconds + finalSeconds },
    backend: r?.backend ?? null,
  };
  await writeAtomic(join(cellDir, CELL_FILE), JSON.stringify(result, null, 2) + '\n');
  return result;
}

/** A finished cell's result, or null when the cell has not finished. */
export async function readCell(cellDir: string): Promise<CellResult | null> {
  if (!(await exists(join(cellDir, CELL_FILE)))) return null;
  return readJson<CellResult>(join(cellDir, CELL_FILE), 'cell');
}

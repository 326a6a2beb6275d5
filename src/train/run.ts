// An SBN or VAE run on disk (Node): the one run loop (loop.ts) on a run folder (folder.ts), then the
// final test evaluation and the artifacts:
// <out>/metrics.jsonl  one line per `logEvery` steps: {step, loss, tau, examplesPerSec[, valid]}
// <out>/result.json    final metrics, paper number, timings, versions, backend
// <out>/samples.png    VAE samples from the prior, or SBN completions of test upper halves
// <out>/curves.svg     training loss and validation metric against the step
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Backend } from '../backend.js';
import { openBackend } from '../backends/open.js';
import type { Dataset } from '../data/index.js';
import { ArgumentError } from '../errors.js';
import { setBackend } from '../engine.js';
import type { EvalResult, Model } from '../models/index.js';
import type { Key } from '../random/key.js';
import type { CheckpointState } from './checkpoint.js';
import { type BackendName, patchConfig, savedConfig, type TrainConfig, validateConfig } from './config.js';
import { curvesSvg } from './curves.js';
import { loadData, type RunData } from './data.js';
import { portablePath, writeAtomic } from './files.js';
import { resumeConfig } from './options.js';
import { checkRunDir, FILES, readCheckpoint } from './folder.js';
import { imageGridPng } from './images.js';
import { checkFiniteResult, evaluateSliced, type Output, runLoop, withRunFolder } from './loop.js';
import { paperTable1 } from '../reproduce/paper.js';
import { ABSURD_NATS, boundEvaluation, Trainer } from './trainer.js';

export { FILES, readCheckpoint } from './folder.js';
export { type Output, yieldToEventLoop } from './loop.js';

export interface MetricLine {
  step: number;
  loss: number;
  tau: number;
  examplesPerSec: number;
  valid?: number;
}

export interface RunResult {
  model: string;
  latent: string;
  estimator: string;
  metric: string;
  test: { value: number; samples: number; examples: number };
  valid: { value: number; samples: number; examples: number; step: number } | null;
  trainLoss: number | null;
  /** The paper's number for this cell; null where the paper has none (an estimator it did not run). */
  paper: { value: number | null; source: string };
  steps: number;
  config: TrainConfig;
  timings: { loadSeconds: number; trainSeconds: number; evalSeconds: number; totalSeconds: number; stepsPerSec: number; examplesPerSec: number };
  versions: { gumbel: string; node: string; v8: string; platform: string };
  backend: { name: string; variant: string };
  outDir: string;
}

export interface RunOptions {
  config: TrainConfig;
  outDir: string;
  resume?: boolean;
  /** On resume: the options given again (only those options.ts lets change on resume apply: steps, threads, cadence). */
  resumeWith?: Record<string, unknown>;
  /** Progress (a bar on a TTY, plain lines otherwise). */
  stderr: Output;
  /** Set `stop` to checkpoint after the current step and return (Ctrl-C). */
  stop?: { stop: boolean };
  /** Plain progress lines every this many ms when stderr is not a TTY (default 5000). */
  notTTYSchedule?: number;
  /** Loads the run's data (default loadData): a process that runs many runs (gumbel reproduce) loads MNIST once. */
  loadData?: (config: TrainConfig) => Promise<RunData>;
  /** Looks at the trainer before the listed steps (loop.ts Probe), e.g. the gradient variance of `gumbel reproduce zoo`. */
  probe?: { steps: readonly number[]; run(trainer: Trainer, step: number): void | Promise<void> };
  /** A checkpoint at least this often besides the validations' (loop.ts; default 600 s). */
  checkpointSeconds?: number;
}

/** The backend of a run's config. */
const runBackend = ({ runtime: r }: TrainConfig): Promise<Backend> => openBackend(r.backend, { threads: r.threads, tfjsBackend: r.tfjsBackend, nativeRng: r.tfjsNativeRng });

export async function versions(): Promise<RunResult['versions']> {
  let gumbel = 'unknown';
  try {
    gumbel = (JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    // not in a package layout
  }
  return { gumbel, node: process.versions.node, v8: process.versions.v8, platform: `${process.platform}-${process.arch}` };
}

export const metricName = (model: string) => (model === 'vae' ? 'test -log p(x), m-sample importance bound (nats)' : 'test NLL of the lower half, m-sample log-mean-exp (nats)');

/** Image height and width for rows of `dim` values (28×28 for MNIST). */
export function imageShape(dim: number): [number, number] {
  const s = Math.round(Math.sqrt(dim));
  return s * s === dim ? [s, s] : [1, dim];
}

/** The PNG of n samples (VAE) or completions of the first n test rows (SBN). */
export function samplesPng(model: Model, n: number, key: Key, test: Dataset): Uint8Array {
  const count = model.name === 'sbn' ? Math.min(n, test.n) : n;
  const imgs = model.sample(count, key, test.images);
  const [h, w] = imageShape(model.dim);
  return imageGridPng(imgs, count, h, w);
}

/** Warns when a finite bound is absurd (a diverged run). */
export function warnAbsurd(value: number, what: string, stderr: Output): void {
  if (Math.abs(value) > ABSURD_NATS) stderr.write(`warning: ${what} is ${value.toExponential(3)} nats, beyond ${ABSURD_NATS}: the run has probably diverged (try a smaller --lr)\n`);
}

/** The one evaluation path (boundEvaluation) with a progress bar; null when `stop` is set between slices. */
export function evaluateWithProgress(
  trainer: Trainer, ds: Dataset, samples: number, key: Key, stderr: Output, notTTYSchedule = 5000, size = 0, stop?: { stop: boolean },
): Promise<EvalResult | null> {
  return evaluateSliced(boundEvaluation(trainer.model, ds, samples, key, size), stderr, { notTTYSchedule, stop });
}

/** Trains (or resumes) a run in `outDir`; returns the result, or null when stopped by `stop`. */
export async function runTraining(opts: RunOptions): Promise<{ result: RunResult | null; step: number; outDir: string }> {
  const tStart = performance.now();
  const { outDir } = opts;
  return withRunFolder({ outDir, resume: !!opts.resume, stderr: opts.stderr }, async (ckpt) => {
    // On resume the run's own configuration wins; only its length may be extended.
    const config = validateConfig(ckpt ? resumeConfig(savedConfig(ckpt.config), opts.resumeWith ?? {}) : opts.config);
    const data = await (opts.loadData ?? loadData)(config);
    // Known only once the data is loaded, and checked before the run folder exists.
    if (config.optimizer.batch > data.train.n) throw new ArgumentError(`--batch must be at most the ${data.train.n} training examples, found ${config.optimizer.batch}`);
    const tLoaded = performance.now();
    const backend = await runBackend(config);
    return { config, data, backend, tLoaded };
  }, (p) => p.backend.dispose(), async ({ config, data, backend, tLoaded }, resumed) => {
    setBackend(backend);
    const trainer = new Trainer(config, data.train, backend, data.valid);
    if (resumed) trainer.restore(resumed.ckpt, join(outDir, FILES.checkpoint));
    await writeAtomic(join(outDir, FILES.config), JSON.stringify(config, null, 2) + '\n');
    const { model: m, estimator: e, optimizer: o, evaluation: ev } = config;
    const st = await runLoop({
      trainer, outDir, steps: o.steps, logEvery: ev.logEvery, evalEvery: ev.evalEvery,
      rate: { name: 'examplesPerSec', perStep: o.batch }, stderr: opts.stderr, notTTYSchedule: opts.notTTYSchedule, stop: opts.stop, resumed,
      probe: opts.probe && { steps: opts.probe.steps, run: (s) => opts.probe!.run(trainer, s) },
      checkpointSeconds: opts.checkpointSeconds,
      bar: {
        format: `${m.name}/${m.latent}/${e.name} {bar} {value}/{total} | loss {loss} | τ {tau} | {eps} ex/s | valid {valid}`,
        payload: (last, valid) => ({
          loss: last ? last.loss.toFixed(2) : '-', tau: trainer.tauAt(Math.max(0, trainer.step - 1)).toFixed(3),
          eps: last ? Math.round(last.examplesPerSec) : '-', valid: valid ? (valid.value as number).toFixed(2) : '-',
        }),
      },
    });
    if (st.stopped) return { result: null, step: trainer.step, outDir };
    const tEval = performance.now();
    opts.stderr.write(`evaluating ${data.test.n} test examples with m = ${ev.evalSamples} samples each\n`);
    const test = await evaluateWithProgress(trainer, data.test, ev.evalSamples, trainer.keys.test, opts.stderr, opts.notTTYSchedule, 0, opts.stop);
    if (!test) return { result: null, step: trainer.step, outDir };
    checkFiniteResult(test.mean, 'the test bound', trainer.step);
    warnAbsurd(test.mean, 'the test bound', opts.stderr);
    const result = await writeArtifacts(config, trainer, data, test, st as unknown as { metrics: MetricLine[]; lastValid: RunResult['valid']; trainSeconds: number }, {
      outDir, backend, tStart, tLoaded, evalSeconds: (performance.now() - tEval) / 1000,
    });
    return { result, step: trainer.step, outDir };
  });
}

/** samples.png, curves.svg and result.json of a finished run. */
async function writeArtifacts(
  config: TrainConfig, trainer: Trainer, data: RunData, test: EvalResult,
  st: { metrics: MetricLine[]; lastValid: RunResult['valid']; trainSeconds: number },
  t: { outDir: string; backend: Backend; tStart: number; tLoaded: number; evalSeconds: number },
): Promise<RunResult> {
  const { metrics, trainSeconds } = st, { outDir } = t, { model: m, estimator: e, evaluation: ev } = config;
  await writeAtomic(join(outDir, FILES.samples), samplesPng(trainer.model, 64, trainer.keys.sample, data.test));
  const lossPts = metrics.map((m) => [m.step, m.loss] as [number, number]);
  const validPts = metrics.filter((m) => m.valid !== undefined).map((m) => [m.step, m.valid!] as [number, number]);
  const yLabel = m.name === 'vae' ? 'nats (train −ELBO, valid −log p̂(x))' : 'nats (train NLL m=1, valid NLL)';
  await writeAtomic(join(outDir, FILES.curves), curvesSvg(
    [{ name: 'train loss', color: '#1f77b4', points: lossPts }, { name: `valid (m=${ev.validSamples})`, color: '#d62728', points: validPts }],
    { title: `${m.name} ${m.latent} ${e.name}: test ${test.mean.toFixed(2)} (m=${ev.evalSamples})`, yLabel },
  ));
  const steps = trainer.step;
  const paper = paperTable1(m.name, m.latent, e.name);
  const result: RunResult = {
    model: m.name, latent: m.latent, estimator: e.name, metric: metricName(m.name),
    test: { value: test.mean, samples: ev.evalSamples, examples: data.test.n },
    valid: st.lastValid,
    trainLoss: metrics.length ? metrics[metrics.length - 1].loss : null,
    paper: { value: paper ?? null, source: 'Jang, Gu & Poole (ICLR 2017), Table 1 (about 550k steps, SGD momentum)' },
    steps, config,
    timings: {
      loadSeconds: (t.tLoaded - t.tStart) / 1000, trainSeconds, evalSeconds: t.evalSeconds, totalSeconds: (performance.now() - t.tStart) / 1000,
      stepsPerSec: trainSeconds > 0 ? steps / trainSeconds : 0,
      examplesPerSec: trainSeconds > 0 ? (steps * config.optimizer.batch) / trainSeconds : 0,
    },
    versions: await versions(),
    backend: { name: t.backend.name, variant: t.backend.variant },
    outDir: portablePath(outDir),
  };
  await writeAtomic(join(outDir, FILES.result), JSON.stringify(result, null, 2) + '\n');
  return result;
}

/**
 * A finished or interrupted run folder: a model with the checkpoint's parameters and the config the
 * checkpoint carries (one atomically written file, so a run being written is never read half way).
 * Dispose the backend after use.
 */
export async function loadRun(dir: string, backendName?: BackendName): Promise<{ config: TrainConfig; ckpt: CheckpointState; trainer: Trainer; data: RunData; backend: Backend }> {
  await checkRunDir(dir, 'run-dir');
  const ckpt = await readCheckpoint(dir);
  const saved = savedConfig(ckpt.config);
  // Another backend than the run's drops the run's tfjs settings unless it is tfjs too.
  const config = validateConfig(backendName ? patchConfig(saved, { runtime: { backend: backendName, ...(backendName !== 'tfjs' ? { tfjsBackend: 'wasm' as const, tfjsNativeRng: false } : {}) } }) : saved);
  const data = await loadData(config);
  const backend = await runBackend(config);
  setBackend(backend);
  try {
    const trainer = new Trainer(config, data.train, backend, data.valid);
    trainer.restore(ckpt, join(dir, FILES.checkpoint));
    return { config, ckpt, trainer, data, backend };
  } catch (e) {
    backend.dispose();
    throw e;
  }
}

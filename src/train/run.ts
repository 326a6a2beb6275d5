// A training run on disk (Node): the run folder, periodic validation and checkpoints, Ctrl-C,
// --resume, the final test evaluation and the artifacts.
//
// <out>/config.json    the TrainConfig
// <out>/metrics.jsonl  one line per `logEvery` steps: {step, loss, tau, examplesPerSec[, valid]}
// <out>/checkpoint     model + optimizer + estimator state, step (the key is derived from seed and step)
// <out>/result.json    final metrics, paper number, timings, versions, backend
// <out>/samples.png    VAE samples from the prior, or SBN completions of test upper halves
// <out>/curves.svg     training loss and validation metric against the step
// Every file is written to a temporary name and renamed.
import { mkdir, readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import type { Backend } from '../backend.js';
import { createRefBackend } from '../backends/ref/index.js';
import { createTfjsBackend, type TfjsBackendName } from '../backends/tfjs/index.js';
import { createWasmBackend, loadModule } from '../backends/wasm/index.js';
import { bestBuild, detectFeatures } from '../backends/wasm/features.js';
import { KERNEL_IDS } from '../kernels.js';
import type { Dataset } from '../data/index.js';
import { setBackend } from '../engine.js';
import { ArgumentError, FormatError, NotImplementedError } from '../errors.js';
import type { EvalResult, Model, ModelName } from '../models/index.js';
import { foldIn, type Key } from '../random/key.js';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointState } from './checkpoint.js';
import { PAPER_TABLE1, type BackendName, type TrainConfig, defaultConfig, validateConfig } from './config.js';
import { curvesSvg } from './curves.js';
import { loadData, type RunData } from './data.js';
import { readJson, writeAtomic } from './files.js';
import { imageGridPng } from './images.js';
import { Trainer } from './trainer.js';

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
  paper: { value: number; source: string };
  steps: number;
  config: TrainConfig;
  timings: { loadSeconds: number; trainSeconds: number; evalSeconds: number; totalSeconds: number; stepsPerSec: number; examplesPerSec: number };
  versions: { gumbel: string; node: string; v8: string; platform: string };
  backend: { name: string; variant: string };
  outDir: string;
}

export interface Output {
  write(s: string): unknown;
  isTTY?: boolean;
}

export interface RunOptions {
  config: TrainConfig;
  outDir: string;
  resume?: boolean;
  /** On resume: a new total step count (default: the run's own). */
  resumeSteps?: number;
  /** Progress (a bar on a TTY, plain lines otherwise). */
  stderr: Output;
  /** Set `stop` to checkpoint after the current step and return (Ctrl-C). */
  stop?: { stop: boolean };
  /** Plain progress lines every this many ms when stderr is not a TTY (default 5000). */
  notTTYSchedule?: number;
  /** Loads the run's data (default loadData): a process that runs many runs (gumbel reproduce) loads MNIST once. */
  loadData?: (config: TrainConfig) => Promise<RunData>;
}

export const FILES = { config: 'config.json', metrics: 'metrics.jsonl', checkpoint: 'checkpoint', result: 'result.json', samples: 'samples.png', curves: 'curves.svg' } as const;

/** The kernels the default wasm build lacks (empty when it has them all). */
export async function missingWasmKernels(): Promise<string[]> {
  const module = await loadModule(bestBuild(await detectFeatures()));
  const names = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  return KERNEL_IDS.filter((id) => !names.has(`${id}_f32`));
}

/** `threads` 0: one per core, up to 4 (wasm only; the numbers do not depend on it). */
export async function makeBackend(name: BackendName, threads = 1, tfjs: { backend?: TfjsBackendName; nativeRng?: boolean } = {}): Promise<Backend> {
  if (name === 'ref') return createRefBackend();
  if (name === 'wasm') {
    const missing = await missingWasmKernels();
    if (missing.length) throw new NotImplementedError(`backend 'wasm' lacks the kernels ${missing.join(', ')} in this build: use --backend ref (slow) or rebuild with npm run build:wasm`);
    return createWasmBackend({ threads: threads > 0 ? threads : Math.min(4, availableParallelism()) });
  }
  if (name === 'tfjs') return createTfjsBackend({ tfjsBackend: tfjs.backend ?? 'wasm', nativeRng: tfjs.nativeRng ?? false });
  throw new ArgumentError(`--backend must be wasm, ref or tfjs, found '${String(name)}'`);
}

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

/** The metrics.jsonl lines up to step `upTo` (a resumed run drops the lines after its checkpoint). */
export function readMetrics<M extends { step: number } = MetricLine>(text: string, upTo: number): M[] {
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as M).filter((m) => m.step <= upTo);
}

export async function readCheckpoint(dir: string): Promise<CheckpointState> {
  const path = join(dir, FILES.checkpoint);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new FormatError(`checkpoint: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return decodeCheckpoint(bytes, path);
}

/** Lets the event loop run (progress bar, Ctrl-C) between steps of a long loop. */
export const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

/**
 * trainer.evaluate with a progress bar (plain lines when not a TTY). The work is synchronous per
 * chunk; the bar is redrawn between chunks of examples, yielding to the event loop every ~50 ms.
 */
export async function evaluateWithProgress(
  trainer: Trainer, ds: Dataset, samples: number, key: Key, stderr: Output, notTTYSchedule = 5000, size = 0,
): Promise<EvalResult> {
  const n = size > 0 ? Math.min(size, ds.n) : ds.n;
  const bar = new cliProgress.SingleBar({
    stream: stderr as NodeJS.WritableStream, noTTYOutput: stderr.isTTY !== true, notTTYSchedule, hideCursor: false, gracefulExit: false,
    format: `evaluating (m = ${samples}) {bar} {value}/{total} examples | {eta_formatted} left`,
  }, cliProgress.Presets.shades_classic);
  bar.start(n, 0);
  try {
    // Evaluate in slices of examples so the event loop (the bar, Ctrl-C) runs in between.
    const per = Math.max(1, Math.ceil(4000 / samples)) * 8;
    const parts: EvalResult[] = [];
    let tYield = performance.now();
    for (let start = 0; start < n; start += per) {
      const end = Math.min(n, start + per);
      parts.push(trainer.model.evaluate(ds.images.subarray(start * ds.dim, end * ds.dim), { samples, key: foldIn(key, start) }));
      bar.update(end);
      if (performance.now() - tYield > 50) {
        await yieldToEventLoop();
        tYield = performance.now();
      }
    }
    const perExample = new Float64Array(n);
    let o = 0;
    for (const p of parts) {
      perExample.set(p.perExample, o);
      o += p.perExample.length;
    }
    return { mean: perExample.reduce((a, v) => a + v, 0) / Math.max(1, n), perExample, samples };
  } finally {
    bar.stop();
  }
}

/** Trains (or resumes) a run in `outDir`; returns the result, or null when stopped by `stop`. */
export async function runTraining(opts: RunOptions): Promise<{ result: RunResult | null; step: number; outDir: string }> {
  const tStart = performance.now();
  const { outDir } = opts;
  let config = validateConfig(opts.config);
  await mkdir(outDir, { recursive: true });
  let ckpt: CheckpointState | null = null;
  if (!opts.resume && (await stat(join(outDir, FILES.checkpoint)).catch(() => null))) {
    throw new ArgumentError(`--out ${outDir} already holds a run (${FILES.checkpoint}): continue it with --resume, or choose another --out`);
  }
  if (opts.resume) {
    ckpt = await readCheckpoint(outDir);
    // The run's own configuration wins; only its length may be extended.
    // Fields added since the run was written take their defaults.
    const own = { ...defaultConfig((ckpt.config as { model?: ModelName }).model ?? 'vae'), ...(ckpt.config as Partial<TrainConfig>) };
    config = validateConfig({ ...own, steps: opts.resumeSteps ?? own.steps });
  }
  const data = await (opts.loadData ?? loadData)(config);
  const tLoaded = performance.now();
  const backend = await makeBackend(config.backend, config.threads, { backend: config.tfjsBackend, nativeRng: config.tfjsNativeRng });
  try {
    setBackend(backend);
    return await train(opts, config, ckpt, data, backend, tStart, tLoaded);
  } finally {
    backend.dispose();
  }
}

async function train(
  opts: RunOptions, config: TrainConfig, ckpt: CheckpointState | null, data: RunData, backend: Backend, tStart: number, tLoaded: number,
): Promise<{ result: RunResult | null; step: number; outDir: string }> {
  const { outDir } = opts;
  const trainer = new Trainer(config, data.train, backend);
  let metrics: MetricLine[] = [];
  let acc = { sum: 0, n: 0 };
  let trainSeconds = 0;
  let lastValid: RunResult['valid'] = null;
  if (ckpt) {
    trainer.restore(ckpt, join(outDir, FILES.checkpoint));
    const ex = ckpt.extra as { acc?: typeof acc; trainSeconds?: number; lastValid?: RunResult['valid'] };
    acc = ex.acc ?? acc;
    trainSeconds = ex.trainSeconds ?? 0;
    lastValid = ex.lastValid ?? null;
    try {
      metrics = readMetrics(await readFile(join(outDir, FILES.metrics), 'utf8'), ckpt.step);
    } catch {
      metrics = [];
    }
  }
  await writeAtomic(join(outDir, FILES.config), JSON.stringify(config, null, 2) + '\n');

  const flushMetrics = () => writeAtomic(join(outDir, FILES.metrics), metrics.map((m) => JSON.stringify(m)).join('\n') + (metrics.length ? '\n' : ''));
  // Metrics first: a process killed between the two writes then resumes from the previous
  // checkpoint, which drops the newer lines; the other order lost the lines since the last flush.
  const saveCheckpoint = async () => {
    await flushMetrics();
    await writeAtomic(join(outDir, FILES.checkpoint), encodeCheckpoint(trainer.checkpoint({ acc, trainSeconds, lastValid })));
  };

  const tty = opts.stderr.isTTY === true;
  const bar = new cliProgress.SingleBar({
    stream: opts.stderr as NodeJS.WritableStream,
    noTTYOutput: !tty,
    notTTYSchedule: opts.notTTYSchedule ?? 5000,
    format: `${config.model}/${config.latent}/${config.estimator} {bar} {value}/{total} | loss {loss} | τ {tau} | {eps} ex/s | valid {valid}`,
    hideCursor: false,
    gracefulExit: false,
  }, cliProgress.Presets.shades_classic);
  const payload = () => ({
    loss: metrics.length ? metrics[metrics.length - 1].loss.toFixed(2) : '-',
    tau: trainer.tauAt(Math.max(0, trainer.step - 1)).toFixed(3),
    eps: metrics.length ? Math.round(metrics[metrics.length - 1].examplesPerSec) : '-',
    valid: lastValid ? lastValid.value.toFixed(2) : '-',
  });

  const { steps, logEvery, evalEvery, batch } = config;
  let stopped = false;
  if (trainer.step < steps) {
    bar.start(steps, trainer.step, payload());
    let tInterval = performance.now(), tYield = tInterval, intervalSeconds = 0;
    try {
      while (trainer.step < steps) {
        if (opts.stop?.stop) {
          stopped = true;
          break;
        }
        const r = trainer.trainStep();
        acc.sum += r.loss;
        acc.n++;
        const s = trainer.step;
        const isEval = (evalEvery > 0 && s % evalEvery === 0) || s === steps;
        if (s % logEvery === 0 || isEval) {
          const now = performance.now();
          intervalSeconds = (now - tInterval) / 1000;
          trainSeconds += intervalSeconds;
          const line: MetricLine = { step: s, loss: acc.sum / acc.n, tau: r.tau, examplesPerSec: (acc.n * batch) / Math.max(intervalSeconds, 1e-9) };
          acc = { sum: 0, n: 0 };
          if (isEval) {
            line.valid = trainer.validate(data.valid);
            lastValid = { value: line.valid, samples: config.validSamples, examples: config.validSize ? Math.min(config.validSize, data.valid.n) : data.valid.n, step: s };
          }
          metrics.push(line);
          if (isEval) await saveCheckpoint();
          tInterval = performance.now();
        }
        bar.update(s, payload());
        if (performance.now() - tYield > 50) {
          await yieldToEventLoop();
          tYield = performance.now();
        }
      }
      if (stopped) {
        trainSeconds += (performance.now() - tInterval) / 1000;
        await saveCheckpoint();
      }
    } catch (e) {
      await flushMetrics().catch(() => undefined);
      throw e;
    } finally {
      bar.stop();
    }
  } else if (!ckpt) {
    await saveCheckpoint();
  }
  if (stopped) return { result: null, step: trainer.step, outDir };

  // Final evaluation on the test split with m = evalSamples, and the artifacts.
  const tEval = performance.now();
  const examples = data.test.n;
  opts.stderr.write(`evaluating ${examples} test examples with m = ${config.evalSamples} samples each\n`);
  const test = await evaluateWithProgress(trainer, data.test, config.evalSamples, trainer.keys.test, opts.stderr, opts.notTTYSchedule);
  const evalSeconds = (performance.now() - tEval) / 1000;
  await writeAtomic(join(outDir, FILES.samples), samplesPng(trainer.model, 64, trainer.keys.sample, data.test));
  const lossPts = metrics.map((m) => [m.step, m.loss] as [number, number]);
  const validPts = metrics.filter((m) => m.valid !== undefined).map((m) => [m.step, m.valid!] as [number, number]);
  const yLabel = config.model === 'vae' ? 'nats (train −ELBO, valid −log p̂(x))' : 'nats (train NLL m=1, valid NLL)';
  await writeAtomic(join(outDir, FILES.curves), curvesSvg(
    [{ name: 'train loss', color: '#1f77b4', points: lossPts }, { name: `valid (m=${config.validSamples})`, color: '#d62728', points: validPts }],
    { title: `${config.model} ${config.latent} ${config.estimator}: test ${test.mean.toFixed(2)} (m=${config.evalSamples})`, yLabel },
  ));
  const stepsThisRun = trainer.step;
  const result: RunResult = {
    model: config.model,
    latent: config.latent,
    estimator: config.estimator,
    metric: metricName(config.model),
    test: { value: test.mean, samples: config.evalSamples, examples },
    valid: lastValid,
    trainLoss: metrics.length ? metrics[metrics.length - 1].loss : null,
    paper: { value: PAPER_TABLE1[config.model][config.latent][config.estimator], source: 'Jang, Gu & Poole (ICLR 2017), Table 1 (about 550k steps, SGD momentum)' },
    steps: stepsThisRun,
    config,
    timings: {
      loadSeconds: (tLoaded - tStart) / 1000,
      trainSeconds,
      evalSeconds,
      totalSeconds: (performance.now() - tStart) / 1000,
      stepsPerSec: trainSeconds > 0 ? stepsThisRun / trainSeconds : 0,
      examplesPerSec: trainSeconds > 0 ? (stepsThisRun * batch) / trainSeconds : 0,
    },
    versions: await versions(),
    backend: { name: backend.name, variant: backend.variant },
    outDir,
  };
  await writeAtomic(join(outDir, FILES.result), JSON.stringify(result, null, 2) + '\n');
  return { result, step: trainer.step, outDir };
}

/** A finished or interrupted run folder: its configuration and a model with the checkpoint's parameters (dispose the backend after use). */
export async function loadRun(dir: string, backendName?: BackendName): Promise<{ config: TrainConfig; ckpt: CheckpointState; trainer: Trainer; data: RunData; backend: Backend }> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a directory');
  } catch (e) {
    throw new ArgumentError(`run-dir must be a run folder, found ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const read = await readJson<Partial<TrainConfig>>(join(dir, FILES.config), 'run');
  const saved = { ...defaultConfig(read.model ?? 'vae'), ...read };
  // Another backend than the run's drops the run's tfjs settings unless it is tfjs too.
  const config = validateConfig(backendName ? { ...saved, backend: backendName, ...(backendName !== 'tfjs' ? { tfjsBackend: 'wasm' as const, tfjsNativeRng: false } : {}) } : saved);
  const ckpt = await readCheckpoint(dir);
  const data = await loadData(config);
  const backend = await makeBackend(config.backend, config.threads, { backend: config.tfjsBackend, nativeRng: config.tfjsNativeRng });
  setBackend(backend);
  try {
    const trainer = new Trainer(config, data.train, backend);
    trainer.restore(ckpt, join(dir, FILES.checkpoint));
    return { config, ckpt, trainer, data, backend };
  } catch (e) {
    backend.dispose();
    throw e;
  }
}

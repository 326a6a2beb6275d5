// A semi-supervised run on disk (Node): loads grey MNIST with labels, trains the M2 model in the one
// run loop (loop.ts), evaluates on the test set and writes the artifacts:
// metrics.jsonl ({step, loss, labeled, unlabeled, classification, tau, stepsPerSec[, validAccuracy, validElbo]}),
// result.json, curves.svg (train J and validation −ELBO), accuracy.svg.
import { join } from 'node:path';
import type { Backend } from '../backend.js';
import { binarizationKey, binarizeDynamic, type Dataset, makeDataset, slice } from '../data/index.js';
import { loadMnist } from '../data/node.js';
import { setBackend } from '../engine.js';
import { foldIn, type Key } from '../random/key.js';
import { ArgumentError } from '../errors.js';
import type { SsvaeEvalResult } from '../models/ssvae.js';
import { PAPER_TABLE2, type Table2Estimator } from '../reproduce/paper.js';
import { curvesSvg } from './curves.js';
import { portablePath, writeAtomic } from './files.js';
import { checkRunDir, FILES, readCheckpoint } from './folder.js';
import { checkFiniteResult, evaluateSliced, type Output, runLoop, withRunFolder } from './loop.js';
import { versions, warnAbsurd } from './run.js';
import { openBackend } from '../backends/open.js';
import { resumeConfig } from './options.js';
import { type BackendName, patchConfig } from './config.js';
import { savedSsvaeConfig, type SsvaeConfig, type SsvaeData, SsvaeTrainer, validateSsvaeConfig } from './ssvae.js';

export interface SsvaeMetric {
  step: number;
  loss: number;
  labeled: number;
  unlabeled: number;
  classification: number;
  tau: number;
  stepsPerSec: number;
  validAccuracy?: number;
  validElbo?: number;
}

export interface SsvaeRunResult {
  model: 'ssvae';
  yEstimator: string;
  alpha: number;
  test: { accuracy: number; elbo: number; examples: number };
  valid: { accuracy: number; elbo: number; examples: number; step: number } | null;
  /** null where the paper has no number (an estimator it did not run). */
  paper: { accuracy: number | null; elbo: number | null; source: string };
  steps: number;
  config: SsvaeConfig;
  timings: { loadSeconds: number; trainSeconds: number; evalSeconds: number; stepsPerSec: number };
  versions: Awaited<ReturnType<typeof versions>>;
  backend: { name: string; variant: string };
  outDir: string;
}

/** Grey 50k training images with labels; validation and test binarized once with fixed keys. */
export async function loadSsvaeData(opts: { dataDir?: string | null } = {}): Promise<SsvaeData> {
  const d = await loadMnist({ binarize: 'none', ...(opts.dataDir ? { dataDir: opts.dataDir } : {}) });
  if (!d.train.labels || !d.test.labels) {
    throw new ArgumentError(`loadSsvaeData: dataDir must hold labeled images (IDX images with their labels files), found ${opts.dataDir} without labels (${d.format} files)`);
  }
  const once = (ds: Dataset, k: Key): Dataset => makeDataset(binarizeDynamic(ds.images, k), ds.dim, ds.labels, 'loadSsvaeData');
  return { train: d.train, valid: once(d.valid, foldIn(binarizationKey('train'), 2)), test: once(d.test, binarizationKey('test')) };
}

export async function runSsvae(opts: {
  config: SsvaeConfig;
  outDir: string;
  stderr: Output;
  /** Data loaded once by a caller that runs many runs (gumbel reproduce table2). */
  data?: SsvaeData;
  notTTYSchedule?: number;
  /** Continue the run in outDir from its checkpoint (its own config wins). */
  resume?: boolean;
  /** On resume: the options given again (only those options.ts lets change on resume apply: steps, threads, cadence). */
  resumeWith?: Record<string, unknown>;
  /** Set `stop` to checkpoint and return null (Ctrl-C, SIGTERM). */
  stop?: { stop: boolean };
}): Promise<SsvaeRunResult | null> {
  const { outDir } = opts;
  const t0 = performance.now();
  return withRunFolder({ outDir, resume: !!opts.resume, stderr: opts.stderr }, async (ckpt) => {
    // A checkpoint's config wins (a flat one nested; fields it predates, like dataDir, at their defaults).
    const config = validateSsvaeConfig(ckpt ? resumeConfig(savedSsvaeConfig(ckpt.config), opts.resumeWith ?? {}) : opts.config);
    const data = opts.data ?? (await loadSsvaeData({ dataDir: config.runtime.dataDir }));
    const tLoaded = performance.now();
    const backend = await openBackend(config.runtime.backend, { threads: config.runtime.threads });
    return { config, data, backend, tLoaded };
  }, (p) => p.backend.dispose(), async ({ config, data, backend, tLoaded }, resumed) => {
    setBackend(backend);
    const trainer = new SsvaeTrainer(config, data, backend);
    if (resumed) trainer.restore(resumed.ckpt, join(outDir, FILES.checkpoint));
    await writeAtomic(join(outDir, FILES.config), JSON.stringify(config, null, 2) + '\n');
    const { model: m, evaluation: ev } = config;
    const st = await runLoop({
      trainer, outDir, steps: config.optimizer.steps, logEvery: Math.max(1, Math.min(100, ev.evalEvery || 100)), evalEvery: ev.evalEvery,
      rate: { name: 'stepsPerSec', perStep: 1 }, stderr: opts.stderr, notTTYSchedule: opts.notTTYSchedule, stop: opts.stop, resumed,
      bar: {
        format: `ssvae/${config.estimator.name} α=${m.alpha} {bar} {value}/{total} | J {loss} | τ {tau} | {sps} steps/s | valid acc {acc}`,
        payload: (last, valid) => ({
          loss: last ? last.loss.toFixed(2) : '-', tau: trainer.tauAt(Math.max(0, trainer.step - 1)).toFixed(3),
          sps: last ? last.stepsPerSec.toFixed(2) : '-', acc: valid ? `${(100 * (valid.accuracy as number)).toFixed(1)}%` : '-',
        }),
      },
    });
    if (st.stopped) return null;
    const tEval = performance.now();
    const test = ev.testSize > 0 && ev.testSize < data.test.n ? slice(data.test, 0, ev.testSize) : data.test;
    opts.stderr.write(`evaluating ${test.n} test examples (accuracy; ELBO marginalized over ${m.classes} classes)\n`);
    const t = await evaluateSliced(trainer.evaluation(test, 'test'), opts.stderr, { stop: opts.stop, notTTYSchedule: opts.notTTYSchedule });
    if (!t) return null;
    checkFiniteResult(t.elbo, 'the test ELBO', trainer.step);
    warnAbsurd(t.elbo, 'the test ELBO', opts.stderr);
    return writeSsvaeArtifacts(config, trainer, t, st as unknown as { metrics: SsvaeMetric[]; lastValid: SsvaeRunResult['valid']; trainSeconds: number }, {
      outDir, backend, loadSeconds: (tLoaded - t0) / 1000, evalSeconds: (performance.now() - tEval) / 1000, validExamples: ev.validSize || data.valid.n,
    });
  });
}

/** An M2 run folder's checkpoint restored for evaluation (`gumbel eval`), on its backend or `backendName`. */
export async function loadSsvaeRun(dir: string, backendName?: BackendName) {
  await checkRunDir(dir, 'run-dir');
  const ckpt = await readCheckpoint(dir);
  const saved = savedSsvaeConfig(ckpt.config);
  const config = validateSsvaeConfig(backendName ? patchConfig(saved, { runtime: { backend: backendName } }) : saved);
  const data = await loadSsvaeData({ dataDir: config.runtime.dataDir });
  const backend = await openBackend(config.runtime.backend, { threads: config.runtime.threads });
  setBackend(backend);
  try {
    const trainer = new SsvaeTrainer(config, data, backend);
    trainer.restore(ckpt, join(dir, FILES.checkpoint));
    return { config, ckpt, trainer, data, backend };
  } catch (e) {
    backend.dispose();
    throw e;
  }
}

/** curves.svg, accuracy.svg and result.json of a finished M2 run. */
async function writeSsvaeArtifacts(
  config: SsvaeConfig, trainer: SsvaeTrainer, t: SsvaeEvalResult,
  st: { metrics: SsvaeMetric[]; lastValid: SsvaeRunResult['valid']; trainSeconds: number },
  o: { outDir: string; backend: Backend; loadSeconds: number; evalSeconds: number; validExamples: number },
): Promise<SsvaeRunResult> {
  const { metrics, trainSeconds } = st, { outDir } = o;
  const y = config.estimator.name, alpha = config.model.alpha;
  const title = `ssvae ${y} α=${alpha}: test accuracy ${(100 * t.accuracy).toFixed(2)}%, ELBO ${t.elbo.toFixed(2)}`;
  const validPts = metrics.filter((m) => m.validElbo !== undefined);
  await writeAtomic(join(outDir, FILES.curves), curvesSvg([
    { name: 'train J (Eq. 11)', color: '#1f77b4', points: metrics.map((m) => [m.step, m.loss]) },
    { name: 'valid −ELBO (marginalized)', color: '#d62728', points: validPts.map((m) => [m.step, -m.validElbo!]) },
  ], { title, yLabel: 'nats' }));
  await writeAtomic(join(outDir, FILES.accuracy), curvesSvg([
    { name: `valid accuracy (${o.validExamples} examples)`, color: '#2ca02c', points: validPts.map((m) => [m.step, 100 * m.validAccuracy!]) },
  ], { title, yLabel: 'accuracy (%)', everyY: true }));
  const result: SsvaeRunResult = {
    model: 'ssvae', yEstimator: y, alpha,
    test: { accuracy: t.accuracy, elbo: t.elbo, examples: t.examples }, valid: st.lastValid,
    paper: { ...(PAPER_TABLE2[y as Table2Estimator] ?? { accuracy: null, elbo: null }), source: 'Jang, Gu & Poole (ICLR 2017), Table 2 (100 labels)' },
    steps: trainer.step, config,
    timings: { loadSeconds: o.loadSeconds, trainSeconds, evalSeconds: o.evalSeconds, stepsPerSec: trainSeconds > 0 ? trainer.step / trainSeconds : 0 },
    versions: await versions(), backend: { name: o.backend.name, variant: o.backend.variant }, outDir: portablePath(outDir),
  };
  await writeAtomic(join(outDir, FILES.result), JSON.stringify(result, null, 2) + '\n');
  return result;
}

// A semi-supervised run on disk (Node): loads grey MNIST with labels, trains the M2 model, validates
// every evalEvery steps, evaluates on the test set and writes the run folder:
// <out>/config.json, metrics.jsonl ({step, loss, labeled, unlabeled, classification, tau, stepsPerSec[, validAccuracy, validElbo]}),
// checkpoint (at every validation and on stop; --resume continues bit for bit), result.json,
// curves.svg (train J and validation −ELBO), accuracy.svg. Files are written atomically.
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { binarizationKey, binarizeDynamic, type Dataset, makeDataset, slice } from '../data/index.js';
import { loadMnist } from '../data/node.js';
import { setBackend } from '../engine.js';
import { foldIn, type Key } from '../random/key.js';
import { ArgumentError } from '../errors.js';
import { encodeCheckpoint } from './checkpoint.js';
import { curvesSvg } from './curves.js';
import { writeAtomic } from './files.js';
import { type Output, makeBackend, readCheckpoint, readMetrics, versions, yieldToEventLoop } from './run.js';
import type { BackendName } from './config.js';
import { PAPER_TABLE2, SSVAE_DEFAULTS, type SsvaeConfig, type SsvaeData, SsvaeTrainer, validateSsvaeConfig } from './ssvae.js';

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
  paper: { accuracy: number; elbo: number; source: string };
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
  backend?: BackendName;
  threads?: number;
  /** Data loaded once by a caller that runs many runs (gumbel reproduce table2). */
  data?: SsvaeData;
  notTTYSchedule?: number;
  /** Continue the run in outDir from its checkpoint (its own config wins). */
  resume?: boolean;
  /** On resume: a new total step count (default: the run's own). */
  resumeSteps?: number;
  /** Set `stop` to checkpoint after the current step and return null (Ctrl-C). */
  stop?: { stop: boolean };
}): Promise<SsvaeRunResult | null> {
  const { outDir } = opts;
  const t0 = performance.now();
  await mkdir(outDir, { recursive: true });
  const ckptPath = join(outDir, 'checkpoint');
  const ckpt = opts.resume ? await readCheckpoint(outDir) : null;
  if (!opts.resume && (await stat(ckptPath).catch(() => null))) {
    throw new ArgumentError(`--out ${outDir} already holds a run (checkpoint): continue it with --resume, or choose another --out`);
  }
  // A checkpoint's config wins; fields it predates (dataDir) take their defaults.
  const config = validateSsvaeConfig(ckpt ? { ...SSVAE_DEFAULTS, ...(ckpt.config as unknown as SsvaeConfig), ...(opts.resumeSteps !== undefined ? { steps: opts.resumeSteps } : {}) } : opts.config);
  const data = opts.data ?? (await loadSsvaeData({ dataDir: config.dataDir }));
  const test = config.testSize > 0 && config.testSize < data.test.n ? slice(data.test, 0, config.testSize) : data.test;
  const tLoaded = performance.now();
  const backend = await makeBackend(opts.backend ?? 'wasm', opts.threads ?? 1);
  try {
    setBackend(backend);
    const trainer = new SsvaeTrainer(config, data, backend);
    let metrics: SsvaeMetric[] = [];
    let valid: SsvaeRunResult['valid'] = null;
    let trainSeconds = 0;
    if (ckpt) {
      trainer.restore(ckpt, ckptPath);
      ({ valid = null, trainSeconds = 0 } = ckpt.extra as { valid?: SsvaeRunResult['valid']; trainSeconds?: number });
      const text = await readFile(join(outDir, 'metrics.jsonl'), 'utf8').catch(() => '');
      metrics = readMetrics<SsvaeMetric>(text, ckpt.step);
    }
    await writeAtomic(join(outDir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
    const flush = () => writeAtomic(join(outDir, 'metrics.jsonl'), metrics.map((m) => JSON.stringify(m)).join('\n') + (metrics.length ? '\n' : ''));
    const save = async () => {
      await writeAtomic(ckptPath, encodeCheckpoint(trainer.checkpoint({ valid, trainSeconds })));
      await flush();
    };
    const bar = new cliProgress.SingleBar({
      stream: opts.stderr as NodeJS.WritableStream, noTTYOutput: opts.stderr.isTTY !== true, notTTYSchedule: opts.notTTYSchedule ?? 5000,
      hideCursor: false, gracefulExit: false,
      format: `ssvae/${config.yEstimator} α=${config.alpha} {bar} {value}/{total} | J {loss} | τ {tau} | {sps} steps/s | valid acc {acc}`,
    }, cliProgress.Presets.shades_classic);
    const last = () => metrics[metrics.length - 1];
    const payload = () => ({
      loss: metrics.length ? last().loss.toFixed(2) : '-', tau: trainer.tauAt(Math.max(0, trainer.step - 1)).toFixed(3),
      sps: metrics.length ? last().stepsPerSec.toFixed(2) : '-', acc: valid ? `${(100 * valid.accuracy).toFixed(1)}%` : '-',
    });
    const logEvery = Math.max(1, Math.min(100, config.evalEvery || 100));
    let tInterval = performance.now(), tYield = tInterval;
    let acc = { loss: 0, labeled: 0, unlabeled: 0, classification: 0, n: 0 };
    let stopped = false;
    bar.start(config.steps, trainer.step, payload());
    try {
      while (trainer.step < config.steps) {
        if (opts.stop?.stop) {
          stopped = true;
          trainSeconds += (performance.now() - tInterval) / 1000;
          await save();
          break;
        }
        const r = trainer.trainStep();
        acc = { loss: acc.loss + r.loss, labeled: acc.labeled + r.labeled, unlabeled: acc.unlabeled + r.unlabeled, classification: acc.classification + r.classification, n: acc.n + 1 };
        const s = trainer.step;
        const isEval = (config.evalEvery > 0 && s % config.evalEvery === 0) || s === config.steps;
        if (s % logEvery === 0 || isEval) {
          const seconds = (performance.now() - tInterval) / 1000;
          trainSeconds += seconds;
          const line: SsvaeMetric = {
            step: s, loss: acc.loss / acc.n, labeled: acc.labeled / acc.n, unlabeled: acc.unlabeled / acc.n, classification: acc.classification / acc.n,
            tau: r.tau, stepsPerSec: acc.n / Math.max(seconds, 1e-9),
          };
          acc = { loss: 0, labeled: 0, unlabeled: 0, classification: 0, n: 0 };
          if (isEval) {
            const v = trainer.evaluate(data.valid, 'valid', config.validSize);
            line.validAccuracy = v.accuracy;
            line.validElbo = v.elbo;
            valid = { accuracy: v.accuracy, elbo: v.elbo, examples: v.examples, step: s };
          }
          metrics.push(line);
          if (isEval) await save();
          tInterval = performance.now();
        }
        bar.update(s, payload());
        if (performance.now() - tYield > 50) {
          await yieldToEventLoop();
          tYield = performance.now();
        }
      }
    } finally {
      bar.stop();
      await flush().catch(() => undefined);
    }
    if (stopped) return null;
    const tEval = performance.now();
    opts.stderr.write(`evaluating ${test.n} test examples (accuracy; ELBO marginalized over ${config.classes} classes)\n`);
    const t = trainer.evaluate(test, 'test');
    const evalSeconds = (performance.now() - tEval) / 1000;
    const title = `ssvae ${config.yEstimator} α=${config.alpha}: test accuracy ${(100 * t.accuracy).toFixed(2)}%, ELBO ${t.elbo.toFixed(2)}`;
    const validPts = metrics.filter((m) => m.validElbo !== undefined);
    await writeAtomic(join(outDir, 'curves.svg'), curvesSvg([
      { name: 'train J (Eq. 11)', color: '#1f77b4', points: metrics.map((m) => [m.step, m.loss]) },
      { name: 'valid −ELBO (marginalized)', color: '#d62728', points: validPts.map((m) => [m.step, -m.validElbo!]) },
    ], { title, yLabel: 'nats' }));
    await writeAtomic(join(outDir, 'accuracy.svg'), curvesSvg([
      { name: `valid accuracy (${config.validSize || data.valid.n} examples)`, color: '#2ca02c', points: validPts.map((m) => [m.step, 100 * m.validAccuracy!]) },
    ], { title, yLabel: 'accuracy (%)' }));
    const paper = PAPER_TABLE2[config.yEstimator];
    const result: SsvaeRunResult = {
      model: 'ssvae', yEstimator: config.yEstimator, alpha: config.alpha,
      test: { accuracy: t.accuracy, elbo: t.elbo, examples: t.examples }, valid,
      paper: { ...paper, source: 'Jang, Gu & Poole (ICLR 2017), Table 2 (100 labels)' },
      steps: trainer.step, config,
      timings: { loadSeconds: (tLoaded - t0) / 1000, trainSeconds, evalSeconds, stepsPerSec: trainSeconds > 0 ? trainer.step / trainSeconds : 0 },
      versions: await versions(), backend: { name: backend.name, variant: backend.variant }, outDir,
    };
    await writeAtomic(join(outDir, 'result.json'), JSON.stringify(result, null, 2) + '\n');
    return result;
  } finally {
    backend.dispose();
  }
}

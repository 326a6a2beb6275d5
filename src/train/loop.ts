// The one run loop (Node) for every trainer: steps, metrics lines, periodic validation, checkpoints,
// stop requests (Ctrl-C, SIGTERM) and --resume, on a locked run folder (folder.ts). Artifacts
// (result.json, PNG, SVG) are the caller's, written after the loop returns.
//
// Order of writes at a checkpoint: the parameters are checked finite, then metrics.jsonl, then the
// checkpoint; a resumed run drops the metrics lines after its checkpoint's step. Checkpoints are written
// at every validation, on a stop request, and at the first metrics line `checkpointSeconds` after the last.
// Evaluations go through in slices (evaluateSliced) so the event loop runs at least every ~100 ms:
// a stop request during a validation checkpoints the step with the validation still to do.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { ArgumentError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { encodeCheckpoint, type CheckpointState } from './checkpoint.js';
import { exists, writeAtomic } from './files.js';
import { checkFreshRunDir, checkRunDir, FILES, lockRun, readCheckpoint, readMetrics, removeOrphans, writeMetrics } from './folder.js';
import { TrainingError } from './trainer.js';

export interface Output {
  write(s: string): unknown;
  isTTY?: boolean;
}

/** An evaluation cut into slices of examples; slice [start, end) uses the key foldIn(key, start). */
export interface Evaluation<R> {
  /** Examples to evaluate. */
  readonly n: number;
  /** Examples per slice: fixed for a given m, so the first n' examples give the same numbers at any n. */
  readonly per: number;
  readonly label: string;
  slice(start: number, end: number): void;
  /** The result over all slices. */
  result(): R;
}

/** What the loop needs of a trainer (the SBN/VAE Trainer and the M2 SsvaeTrainer). */
export interface RunTrainer<V> {
  /** Steps completed. */
  step: number;
  /** One optimizer step: τ and the numbers averaged into the metrics line (loss first). */
  trainStep(): { tau: number; values: Record<string, number> };
  /** The periodic validation. */
  validation(): Evaluation<V>;
  /** The validation result as metrics-line fields, and as the run's `valid` summary. */
  validFields(v: V): Record<string, number>;
  validSummary(v: V, step: number): Record<string, unknown>;
  params(): Tensor[];
  checkpoint(extra?: Record<string, unknown>): CheckpointState;
}

export interface LoopOptions<V> {
  trainer: RunTrainer<V>;
  outDir: string;
  steps: number;
  logEvery: number;
  evalEvery: number;
  /** The rate field of a metrics line: examples per step (examplesPerSec) or 1 (stepsPerSec). */
  rate: { name: 'examplesPerSec' | 'stepsPerSec'; perStep: number };
  /** The progress bar's format (cli-progress), with the payload from `payload`. */
  bar: { format: string; payload: (last: Record<string, number> | undefined, valid: Record<string, unknown> | null) => object };
  stderr: Output;
  notTTYSchedule?: number;
  stop?: { stop: boolean };
  /** The checkpoint this run continues from (already restored into the trainer), and its metrics lines. */
  resumed?: { ckpt: CheckpointState; metrics: Record<string, number>[] };
  /** Runs before training step t for each t in `steps` (and after the last step if it is listed); its time is not training time. */
  probe?: Probe;
  /** Also checkpoint at the first metrics line this many seconds after the last checkpoint (default 600), so that a
   * run killed outright (kill -9, a lost machine) between far-apart validations loses minutes, not hours. */
  checkpointSeconds?: number;
}

export interface Probe {
  steps: readonly number[];
  run(step: number): void | Promise<void>;
}

export interface LoopState {
  metrics: Record<string, number>[];
  lastValid: Record<string, unknown> | null;
  trainSeconds: number;
  stopped: boolean;
}

/** Lets the event loop run (progress bar, signals) in a long synchronous loop. */
export const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

/** Throws a TrainingError naming the step unless every parameter is finite. */
export function checkFinite(params: Tensor[], step: number): void {
  params.forEach((p, j) => {
    const d = p.data();
    for (let i = 0; i < d.length; i++) {
      if (!Number.isFinite(d[i])) {
        throw new TrainingError(`training diverged at step ${step}: parameter tensor ${j} holds ${d[i]}; try a smaller --lr; the last good checkpoint is kept`);
      }
    }
  });
}

/** A TrainingError unless an evaluation's number is finite: a diverged run reports no number. */
export function checkFiniteResult(value: number, what: string, step: number): void {
  if (!Number.isFinite(value)) throw new TrainingError(`training diverged by step ${step}: ${what} is ${value}; the last good checkpoint is kept`);
}

/**
 * Runs an evaluation slice by slice with a progress bar, yielding to the event loop every ~100 ms;
 * returns null (at a slice boundary) when `stop.stop` is set.
 */
export async function evaluateSliced<R>(ev: Evaluation<R>, stderr: Output, opts: { stop?: { stop: boolean }; notTTYSchedule?: number; bar?: boolean } = {}): Promise<R | null> {
  const bar = opts.bar === false ? null : new cliProgress.SingleBar({
    stream: stderr as NodeJS.WritableStream, noTTYOutput: stderr.isTTY !== true, notTTYSchedule: opts.notTTYSchedule ?? 5000, hideCursor: false, gracefulExit: false,
    format: `evaluating (${ev.label}) {bar} {value}/{total} examples | {eta_formatted} left`,
  }, cliProgress.Presets.shades_classic);
  bar?.start(ev.n, 0);
  try {
    let tYield = performance.now();
    for (let start = 0; start < ev.n; start += ev.per) {
      if (start > 0) {
        if (performance.now() - tYield > 100) {
          await yieldToEventLoop();
          tYield = performance.now();
        }
        if (opts.stop?.stop) return null;
      }
      const end = Math.min(ev.n, start + ev.per);
      ev.slice(start, end);
      bar?.update(end);
    }
    return ev.result();
  } finally {
    bar?.stop();
  }
}

/** Trains `trainer` to `steps` in outDir (locked by the caller). */
export async function runLoop<V>(o: LoopOptions<V>): Promise<LoopState> {
  const { trainer, outDir, steps, logEvery, evalEvery } = o;
  type Acc = { n: number; sums: Record<string, number>; tau: number };
  const ex = (o.resumed?.ckpt.extra ?? {}) as { acc?: Acc | { sum: number; n: number }; trainSeconds?: number; lastValid?: Record<string, unknown>; valid?: Record<string, unknown>; pending?: boolean };
  // Checkpoints before the one loop kept {sum, n} (SBN/VAE) or no accumulator (M2).
  let acc: Acc = ex.acc && 'sums' in ex.acc ? ex.acc : { n: ex.acc?.n ?? 0, sums: ex.acc ? { loss: ex.acc.sum } : {}, tau: 0 };
  const st: LoopState = { metrics: o.resumed?.metrics ?? [], lastValid: ex.lastValid ?? ex.valid ?? null, trainSeconds: ex.trainSeconds ?? 0, stopped: false };
  let pending = ex.pending === true;

  let lastSave = performance.now();
  const save = async () => {
    lastSave = performance.now();
    checkFinite(trainer.params(), trainer.step);
    await writeMetrics(outDir, st.metrics);
    await writeAtomic(join(outDir, FILES.checkpoint), encodeCheckpoint(trainer.checkpoint({ acc, trainSeconds: st.trainSeconds, lastValid: st.lastValid, pending })));
  };

  const bar = new cliProgress.SingleBar({
    stream: o.stderr as NodeJS.WritableStream, noTTYOutput: o.stderr.isTTY !== true, notTTYSchedule: o.notTTYSchedule ?? 5000,
    format: o.bar.format, hideCursor: false, gracefulExit: false,
  }, cliProgress.Presets.shades_classic);
  const payload = () => o.bar.payload(st.metrics[st.metrics.length - 1], st.lastValid);
  let tInterval = performance.now(), tYield = tInterval;

  /** The metrics line of step s (with its validation at eval steps); false when stopped during the validation. */
  const log = async (s: number, isEval: boolean): Promise<boolean> => {
    if (!pending) {
      st.trainSeconds += (performance.now() - tInterval) / 1000;
      pending = true;
    }
    const seconds = Math.max((performance.now() - tInterval) / 1000, 1e-9);
    let valid: V | null = null;
    if (isEval) {
      valid = await evaluateSliced(trainer.validation(), o.stderr, { stop: o.stop, bar: false });
      if (!valid) return false;
      for (const [k, v] of Object.entries(trainer.validFields(valid))) checkFiniteResult(v, `the validation's ${k}`, s);
    }
    const line: Record<string, number> = { step: s };
    for (const [k, v] of Object.entries(acc.sums)) line[k] = v / Math.max(1, acc.n);
    line.tau = acc.tau;
    line[o.rate.name] = (acc.n * o.rate.perStep) / seconds;
    if (valid) {
      Object.assign(line, trainer.validFields(valid));
      st.lastValid = trainer.validSummary(valid, s);
    }
    st.metrics.push(line);
    acc = { n: 0, sums: {}, tau: 0 };
    pending = false;
    if (isEval || performance.now() - lastSave >= (o.checkpointSeconds ?? 600) * 1000) await save();
    tInterval = performance.now();
    return true;
  };
  const isEvalStep = (s: number) => (evalEvery > 0 && s % evalEvery === 0) || s === steps;
  const probe = async (s: number) => {
    if (!o.probe?.steps.includes(s)) return;
    const t = performance.now();
    await o.probe.run(s);
    tInterval += performance.now() - t;
  };

  bar.start(steps, trainer.step, payload());
  try {
    // A run stopped during a validation does that step's line first.
    if (pending && !(await log(trainer.step, isEvalStep(trainer.step)))) st.stopped = true;
    while (!st.stopped && trainer.step < steps) {
      if (o.stop?.stop) {
        st.stopped = true;
        break;
      }
      await probe(trainer.step);
      const r = trainer.trainStep();
      acc.n++;
      acc.tau = r.tau;
      for (const [k, v] of Object.entries(r.values)) acc.sums[k] = (acc.sums[k] ?? 0) + v;
      const s = trainer.step;
      if ((s % logEvery === 0 || isEvalStep(s)) && !(await log(s, isEvalStep(s)))) st.stopped = true;
      bar.update(s, payload());
      if (performance.now() - tYield > 50) {
        await yieldToEventLoop();
        tYield = performance.now();
      }
    }
    if (!st.stopped) await probe(trainer.step);
    if (st.stopped) {
      if (!pending) st.trainSeconds += (performance.now() - tInterval) / 1000;
      await save();
    } else if (!o.resumed && trainer.step === 0) {
      await save();
    }
  } catch (e) {
    // Keep the lines so far (a resume drops those after the last checkpoint).
    if (e instanceof TrainingError) await writeMetrics(outDir, st.metrics).catch(() => undefined);
    throw e;
  } finally {
    bar.stop();
  }
  return st;
}

export interface Resumed {
  ckpt: CheckpointState;
  metrics: Record<string, number>[];
}

/**
 * The run folder's life around `run`: nothing is created before `prepare` (config, data, backend:
 * every check) has passed; the folder is created and locked when training starts. On resume the
 * folder is locked first, orphan temporary files are removed and the checkpoint and metrics read.
 */
export async function withRunFolder<P, T>(
  o: { outDir: string; resume: boolean; stderr: Output },
  prepare: (ckpt: CheckpointState | null) => Promise<P>,
  dispose: (p: P) => void,
  run: (p: P, resumed: Resumed | undefined) => Promise<T>,
): Promise<T> {
  const { outDir } = o;
  const ckptPath = join(outDir, FILES.checkpoint);
  const taken = () => new ArgumentError(`--out ${outDir} already holds a run (${FILES.checkpoint}): continue it with --resume, or choose another --out`);
  let release: (() => void) | null = null;
  try {
    let resumed: Resumed | undefined;
    if (o.resume) {
      await checkRunDir(outDir, '--out with --resume');
      release = lockRun(outDir);
      await removeOrphans(outDir);
      const ckpt = await readCheckpoint(outDir);
      resumed = { ckpt, metrics: await readMetrics(outDir, ckpt.step, (m) => o.stderr.write(`warning: ${m}\n`)) };
    } else if (await exists(ckptPath)) {
      throw taken();
    } else {
      await checkFreshRunDir(outDir);
    }
    const p = await prepare(resumed?.ckpt ?? null);
    try {
      if (!o.resume) {
        await mkdir(outDir, { recursive: true });
        release = lockRun(outDir);
        if (await exists(ckptPath)) throw taken();
      }
      return await run(p, resumed);
    } finally {
      dispose(p);
    }
  } finally {
    release?.();
  }
}

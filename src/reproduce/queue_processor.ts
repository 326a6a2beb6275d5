// The BullMQ processor of `gumbel reproduce … --queue`: one job = one cell of a table (queue_tables.ts), run in a worker thread
// (BullMQ's sandbox with useWorkerThreads), never on the event loop that renews the job's lock — a
// busy loop there loses the lock and the cell runs twice at once. BullMQ loads this file compiled
// (dist/reproduce/queue_processor.js): a worker thread cannot load TypeScript on Node 20.
//
// The cell runs into <store>/<cell id> exactly as without a queue, so a cell taken over from a dead
// worker reuses its finished runs and resumes the unfinished one from its checkpoint. Checkpoints
// stay in the store; Redis gets only the job's progress and the cell's result.
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { workerData } from 'node:worker_threads';
import { type SandboxedJob, UnrecoverableError, WaitingError } from 'bullmq';
import { describeError } from '../cli/util.js';
import type { BackendName } from '../train/config.js';
import type { Output } from '../train/run.js';
import { LOG_FILE } from './cell.js';
import { type QueueBudget, type QueueTable, queueTable } from './queue_tables.js';

/** A job's data (< 2 KB): everything a worker on any machine needs to run the cell. */
export interface CellJob {
  v: 1;
  /** A key of QUEUE_TABLES. */
  table: string;
  cell: string;
  /** The protocol itself (it is part of the queue's name, so every worker of a queue agrees on it). */
  budget: QueueBudget;
  backend: BackendName;
  /** Absolute path of the store, the same on every machine. */
  store: string;
  /** The command line recorded in the tables. */
  command: string;
}

/** What the worker thread is told by its process (BullMQ's workerThreadsOptions.workerData). */
export interface ProcessorData {
  threads: number;
  /** `<host>-<pid>`: where the cell ran. */
  worker: string;
  /** The --jobs of that process. */
  jobs: number;
}

export interface CellJobResult<R = unknown> extends ProcessorData {
  /** The table's result of the cell (Table 1: a CellResult). */
  cell: R;
}

/** A job's progress: the run in training, its step, speed and when this was measured. */
export interface CellProgress {
  run: string;
  step: number;
  of: number;
  stepsPerSec: number | null;
  at: string;
}

// The plain progress lines of run.ts and ssvae_run.ts:
// "vae/categorical/gumbel_softmax ░░░ 1200/3000 | loss 110.2 | τ 0.9 | 5000 ex/s | valid -"
// "ssvae/gumbel_softmax α=0.1 ░░░ 1200/3000 | J 110.2 | τ 0.900 | 1.05 steps/s | valid acc -"
const PROGRESS_LINE = /\s(\d+)\/(\d+) \| (?:loss|J) .*\| ([\d.]+|-) (ex|steps)\/s/;
const RUN_LINE = /^(?:starting|resuming) (.*)$/m;

/** The log file, with every progress line of a run also sent to the job (a line every 10 s at most: run.ts's plain-line schedule). */
function progressLog(file: Output, job: SandboxedJob<CellJob>, batch: number): Output {
  let run = '';
  return {
    write(s: string) {
      file.write(s);
      const r = RUN_LINE.exec(s);
      if (r) run = r[1].split(/[\\/]/).pop()!;
      const p = PROGRESS_LINE.exec(s);
      if (p) {
        const rate = p[3] === '-' ? null : p[4] === 'ex' ? +p[3] / batch : +p[3];
        const progress: CellProgress = { run, step: +p[1], of: +p[2], stepsPerSec: rate, at: new Date().toISOString() };
        // Progress is informative: a Redis hiccup must not fail the cell.
        job.updateProgress(progress as unknown as object).catch(() => undefined);
      }
      return true;
    },
  };
}

export default async function processCell(job: SandboxedJob<CellJob>, token?: string, signal?: AbortSignal): Promise<CellJobResult> {
  const d = job.data;
  const table = queueTable(d.table);
  if (d.v !== 1 || !table?.cells(d.budget).includes(d.cell)) throw new UnrecoverableError(`${job.id}: not a cell job of a known table (table '${d.table}', cell '${d.cell}', version ${d.v})`);
  try {
    return { ...(workerData as ProcessorData), cell: await run(job, table, token, signal) };
  } catch (e) {
    if (e instanceof WaitingError) throw e;
    throw new Error(`${d.cell}: ${describeError(e, 'reproduce').message.split('\n')[0]}`);
  }
}

async function run(job: SandboxedJob<CellJob>, table: QueueTable, token?: string, signal?: AbortSignal): Promise<unknown> {
  const d = job.data;
  const dir = join(d.store, d.cell);
  await mkdir(dir, { recursive: true });
  const file = createWriteStream(join(dir, LOG_FILE), { flags: 'a' });
  const stop = { stop: signal?.aborted ?? false };
  signal?.addEventListener('abort', () => { stop.stop = true; });
  const { threads, worker } = workerData as ProcessorData;
  try {
    file.write(`--- ${new Date().toISOString()} pid ${process.pid} (queue worker ${worker}, start ${job.attemptsStarted ?? '?'}): ${d.cell}, budget ${d.budget.name}\n`);
    const result = await table.run(d.cell, d.budget, dir, { threads, backend: d.backend, stop, log: progressLog(file, job, d.budget.batch) });
    if (result) return result;
    // Stopped (Ctrl-C or a lost lock): the checkpoint is written; give the cell back at once, no attempt used.
    file.write(`stopped: ${d.cell} given back to the queue\n`);
    await job.moveToWait(token).catch(() => undefined);
    throw new WaitingError();
  } catch (e) {
    if (!(e instanceof WaitingError)) file.write(describeError(e, 'reproduce').message + '\n');
    throw e;
  } finally {
    await new Promise<void>((res) => file.end(() => res()));
  }
}

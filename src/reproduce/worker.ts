// A child process of `gumbel reproduce`: runs the jobs its parent sends over IPC, one at a time, each
// into its own folder — a Table 1 cell (cell.ts), a zoo cell (zoo.ts) or a Table 2 M2 run (runSsvae,
// its whole config travels) — and answers with the result. The parent coordinates
// Ctrl-C: a {type: 'stop'} message (or SIGINT/SIGTERM) lets the running training step finish, checkpoints
// and answers 'stopped'. The worker exits when the parent disconnects.
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError } from '../cli/util.js';
import { type BackendName } from '../train/config.js';
import type { SsvaeConfig } from '../train/ssvae.js';
import { runSsvae, type SsvaeRunResult } from '../train/ssvae_run.js';
import { LOG_FILE, runCell, type CellResult } from './cell.js';
import { BUDGETS, type BudgetName, CELLS } from './table1.js';
import { runZooCell, ZOO_BUDGETS, type ZooBudgetName, type ZooCellResult, zooCells } from './zoo.js';

export type Job =
  | { kind: 'cell'; id: string; budget: BudgetName; dir: string; threads: number; backend: BackendName }
  | { kind: 'ssvae'; id: string; config: SsvaeConfig; dir: string; resume: boolean }
  | { kind: 'zoo'; id: string; budget: ZooBudgetName; dir: string; threads: number; backend: BackendName };

export type ToWorker = { type: 'run'; job: Job } | { type: 'stop' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; id: string; result: CellResult | SsvaeRunResult | ZooCellResult }
  | { type: 'stopped'; id: string }
  | { type: 'error'; id: string; message: string }
  /** The running job's latest progress line. */
  | { type: 'progress'; id: string; line: string };

const stop = { stop: false };
const send = (m: FromWorker) => new Promise<void>((res) => process.send!(m, undefined, undefined, () => res()));

/** A Table 2 run; its progress lines go to the parent as well as to the log. */
async function runM2(m: Extract<Job, { kind: 'ssvae' }>, log: WriteStream): Promise<SsvaeRunResult | null> {
  const stderr = {
    write: (s: string) => {
      log.write(s);
      const last = s.trimEnd().split(/[\r\n]+/).pop() ?? '';
      if (last.startsWith('ssvae/')) void send({ type: 'progress', id: m.id, line: last.replace(/\s*[░█]+\s*/, ' ') });
      return true;
    },
  };
  return runSsvae({ config: m.config, outDir: m.dir, stderr, stop, resume: m.resume, resumeWith: { steps: m.config.optimizer.steps } });
}

async function run(m: Job): Promise<FromWorker> {
  const cell = m.kind === 'cell' ? CELLS.find((c) => c.id === m.id) : null;
  if (m.kind === 'cell' && !cell) return { type: 'error', id: m.id, message: `no Table 1 cell is called '${m.id}'` };
  const zoo = m.kind === 'zoo' ? zooCells().find((c) => c.id === m.id) : null;
  if (m.kind === 'zoo' && !zoo) return { type: 'error', id: m.id, message: `no zoo cell is called '${m.id}'` };
  await mkdir(m.dir, { recursive: true });
  const log: WriteStream = createWriteStream(join(m.dir, LOG_FILE), { flags: 'a' });
  try {
    log.write(`--- ${new Date().toISOString()} pid ${process.pid}: ${m.id}${m.kind !== 'ssvae' ? `, budget ${m.budget}` : ''}\n`);
    // An M2 run's backend and threads are in its config (runtime); a cell's come with the job.
    const result = m.kind === 'ssvae' ? await runM2(m, log)
      : m.kind === 'cell' ? await runCell(cell!, BUDGETS[m.budget], m.dir, { threads: m.threads, backend: m.backend, stop, log })
      : await runZooCell(zoo!, ZOO_BUDGETS[m.budget], m.dir, { threads: m.threads, backend: m.backend, stop, log });
    return result ? { type: 'done', id: m.id, result } : { type: 'stopped', id: m.id };
  } catch (e) {
    const { message } = describeError(e, 'reproduce');
    log.write(message + '\n');
    return { type: 'error', id: m.id, message: message.split('\n')[0] };
  } finally {
    await new Promise<void>((res) => log.end(() => res()));
  }
}

if (process.send) {
  // Ctrl-C or a group SIGTERM (`timeout`, a job scheduler) reaches us as well as the parent: checkpoint, don't die.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => { stop.stop = true; });
  process.on('disconnect', () => process.exit(0));
  let queue = Promise.resolve();
  process.on('message', (m: ToWorker) => {
    if (m.type === 'stop') {
      stop.stop = true;
      return;
    }
    queue = queue.then(async () => send(stop.stop ? { type: 'stopped', id: m.job.id } : await run(m.job)));
  });
  void send({ type: 'ready' });
}

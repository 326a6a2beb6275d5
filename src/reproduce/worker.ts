// A child process of `gumbel reproduce`: runs the cells its parent sends over IPC, one at a time,
// each into its own folder (cell.ts), and answers with the cell's result. The parent coordinates
// Ctrl-C: a {type: 'stop'} message (or SIGINT) lets the running training step finish, checkpoints
// and answers 'stopped'. The worker exits when the parent disconnects.
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError } from '../cli/util.js';
import { type BackendName } from '../train/config.js';
import { LOG_FILE, runCell, type CellResult } from './cell.js';
import { BUDGETS, type BudgetName, CELLS } from './table1.js';

export type ToWorker =
  | { type: 'run'; id: string; budget: BudgetName; dir: string; threads: number; backend: BackendName }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; id: string; result: CellResult }
  | { type: 'stopped'; id: string }
  | { type: 'error'; id: string; message: string };

const stop = { stop: false };
const send = (m: FromWorker) => new Promise<void>((res) => process.send!(m, undefined, undefined, () => res()));

async function run(m: Extract<ToWorker, { type: 'run' }>): Promise<FromWorker> {
  const cell = CELLS.find((c) => c.id === m.id);
  if (!cell) return { type: 'error', id: m.id, message: `no Table 1 cell is called '${m.id}'` };
  await mkdir(m.dir, { recursive: true });
  const log: WriteStream = createWriteStream(join(m.dir, LOG_FILE), { flags: 'a' });
  try {
    log.write(`--- ${new Date().toISOString()} pid ${process.pid}: ${m.id}, budget ${m.budget}\n`);
    const result = await runCell(cell, BUDGETS[m.budget], m.dir, { threads: m.threads, backend: m.backend, stop, log });
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
  process.on('SIGINT', () => { stop.stop = true; });
  process.on('disconnect', () => process.exit(0));
  let queue = Promise.resolve();
  process.on('message', (m: ToWorker) => {
    if (m.type === 'stop') {
      stop.stop = true;
      return;
    }
    queue = queue.then(async () => send(stop.stop ? { type: 'stopped', id: m.id } : await run(m)));
  });
  void send({ type: 'ready' });
}

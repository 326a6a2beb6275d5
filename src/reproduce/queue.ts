// `gumbel reproduce table1|table2 --queue redis://host:port [--store DIR]`: a table's cells
// (queue_tables.ts) spread over any number of processes and machines through BullMQ on Redis. Every
// process runs the same command: it adds the cells as jobs (job id = cell id, so adding them again
// does nothing), works --jobs of them in worker threads (queue_processor.ts), stays up while any cell
// is waiting or running (a spare if a machine dies), and when every cell is done writes the table
// into the store; every process that sees the end writes the same bytes (built from the jobs'
// results in Redis, not from its clock).
//
// Failure model: a process that dies stops renewing its jobs' locks; after lockDuration the stalled
// check of any live worker puts the cell back to waiting, and the next worker resumes it from its
// checkpoint in the store (at most one checkpoint interval redone). Stalls do not use attempts
// (maxStalledCount, capped by maxStartedAttempts); errors and crashed threads do (attempts, with
// exponential backoff). Redis holds the queue only: checkpoints stay in the store, which must be one
// folder every machine sees at the same path. At-least-once delivery becomes exactly-once effect
// because a cell's folder is idempotent: training is deterministic, every file is written atomically.
//
// `gumbel reproduce status` reads the set QUEUES_KEY, where every run of the command adds its queue
// (SADD): one read, where KEYS blocks a big Redis while it walks every key and SCAN still walks them
// all in many round trips (and sees one node of a cluster only).
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { ArgumentError } from '../errors.js';
import type { BackendName } from '../train/config.js';
import { exists, readJson, writeAtomic } from '../train/files.js';
import type { Output } from '../train/run.js';
import { PLAN_FILE, threadsPerJob } from './index.js';
import type { CellJob, CellJobResult, CellProgress, ProcessorData } from './queue_processor.js';
import { QUEUE_TABLES, type QueueBudget, type QueueTable, queueTable } from './queue_tables.js';
import { duration } from './report.js';

/** Lock, stall and retry settings for hours-long CPU-bound cells (BullMQ's defaults: 30 s, 30 s, 1, no cap, 1 attempt). */
export const QUEUE_SETTINGS = {
  /** A dead process's cell goes back to waiting after lockDuration to lockDuration + stalledInterval. */
  lockDuration: 60_000,
  stalledInterval: 30_000,
  /** Machine losses a cell survives (stalls use no attempt)… */
  maxStalledCount: 10,
  /** …and the cap on its starts of any kind. */
  maxStartedAttempts: 12,
  /** Tries of a cell that throws or whose thread crashes (an OOM kill), retried after 1 and 2 min. */
  attempts: 3,
  backoff: 60_000,
  /** How often a process looks whether every cell is done. */
  poll: 5_000,
};
export type QueueSettings = typeof QUEUE_SETTINGS;

/** The Redis set of every gumbel queue's name (see the header). */
export const QUEUES_KEY = 'gumbel:queues';

export interface QueueOptions {
  /** redis://[user:password@]host:port[/db] */
  url: string;
  /** A key of QUEUE_TABLES: table1, table2. */
  table: string;
  /** One of the table's budgets (or a variant: the definition travels with the jobs). */
  budget: QueueBudget;
  /** The folder every machine sees at the same path: one folder per cell, the tables. */
  store: string;
  /** Cells this process runs at once, each in a worker thread. */
  jobs: number;
  /** Wasm threads per cell (default: this machine's cores shared among the jobs, up to 4). */
  threads?: number;
  backend: BackendName;
  /** Cell ids to reproduce (default: every cell of the table). */
  cells?: readonly string[];
  stderr: Output;
  /** Abort (Ctrl-C): running cells checkpoint and go back to the queue. */
  signal?: AbortSignal;
  command: string;
  settings?: Partial<QueueSettings>;
}

export interface QueueResult<Report = object> {
  /** The table's report (Table 1: a Table1Report); null when interrupted or nothing completed. */
  report: Report | null;
  /** Cells completed. */
  done: number;
  failed: { id: string; message: string }[];
  interrupted: boolean;
  queue: string;
}

const connect = (url: string) => new Redis(url, { maxRetriesPerRequest: null });

/** One try to reach the server before anything starts: a wrong URL is a one-line error, not endless retries. */
async function checkReachable(url: string): Promise<void> {
  const c = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 5000 });
  let cause: Error | null = null; // the socket's own error (ECONNREFUSED …); connect() only says the connection closed
  c.on('error', (e: Error) => (cause ??= e));
  try {
    await c.connect();
    await c.ping();
  } catch (e) {
    throw new ArgumentError(`--queue must reach a Redis server, found none at ${url} (${(cause ?? (e as Error)).message})`);
  } finally {
    c.disconnect();
  }
}

/** The queue of one reproduction: machines with another protocol, version, backend or store land in another queue instead of mixing. */
export function queueName(table: string, budget: QueueBudget, backend: BackendName, store: string, cells: readonly string[], version: string): string {
  const hash = createHash('sha256').update(JSON.stringify({ table, budget, backend, store, cells, version })).digest('hex');
  return `gumbel-${table}-${budget.name}-${hash.slice(0, 12)}`;
}

async function gumbelVersion(): Promise<string> {
  return (await readJson<{ version: string }>(fileURLToPath(new URL('../../package.json', import.meta.url)), 'package.json')).version;
}

/** The compiled processor: BullMQ's worker threads load JavaScript only. */
async function processorFile(): Promise<string> {
  const here = fileURLToPath(import.meta.url);
  const file = here.endsWith('.js') ? join(here, '..', 'queue_processor.js') : join(here, '..', '..', '..', 'dist', 'reproduce', 'queue_processor.js');
  if (!(await exists(file))) throw new ArgumentError(`--queue: the compiled processor ${file} is missing: build it with npm run build:ts`);
  return file;
}

/** reproduce.json in the store: written by the first process, checked by the others. */
async function checkPlan(store: string, table: string, budget: QueueBudget, backend: BackendName): Promise<void> {
  const path = join(store, PLAN_FILE);
  if (await exists(path)) {
    const plan = await readJson<{ table: string; budget: string; protocol?: QueueBudget }>(path, 'reproduction');
    if (plan.table !== table || plan.budget !== budget.name || (plan.protocol && JSON.stringify(plan.protocol) !== JSON.stringify(budget))) {
      throw new ArgumentError(`--store ${store} holds another reproduction (${PLAN_FILE}: ${plan.table}, budget ${plan.budget}); expected ${table}, budget ${budget.name} as defined now: choose another --store`);
    }
    return;
  }
  await mkdir(store, { recursive: true });
  await writeAtomic(path, JSON.stringify({ table, budget: budget.name, protocol: budget, backend, created: new Date().toISOString() }, null, 2) + '\n');
}

/** The table from the completed jobs: the same bytes in every process (timings and dates from Redis, not from this process). */
async function writeTable(table: QueueTable, store: string, budget: QueueBudget, jobs: Job<CellJob, CellJobResult>[]): Promise<object> {
  const started = Math.min(...jobs.map((j) => j.processedOn ?? j.timestamp));
  const ended = Math.max(...jobs.map((j) => j.finishedOn ?? 0));
  const workers = new Map(jobs.map((j) => [j.returnvalue.worker, j.returnvalue]));
  return table.write(store, budget, new Map(jobs.map((j) => [j.id!, j.returnvalue.cell])), {
    command: jobs[0].data.command,
    sessionSeconds: (ended - started) / 1000,
    jobs: [...workers.values()].reduce((a, w) => a + w.jobs, 0),
    threadsPerJob: Math.max(...jobs.map((j) => j.returnvalue.threads)),
    written: new Date(ended).toISOString(),
  });
}

/** Waits `ms`, or less when `signal` aborts. */
const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((res) => {
  const done = () => {
    clearTimeout(t);
    signal?.removeEventListener('abort', done);
    res();
  };
  const t = setTimeout(done, ms);
  signal?.addEventListener('abort', done);
});

export async function reproduceQueue(o: QueueOptions): Promise<QueueResult> {
  const s = { ...QUEUE_SETTINGS, ...o.settings };
  if (!Number.isInteger(o.jobs) || o.jobs < 1) throw new ArgumentError(`--jobs must be an integer >= 1, found ${o.jobs}`);
  if (!/^rediss?:\/\//.test(o.url)) throw new ArgumentError(`--queue must be a Redis URL like redis://host:6379, found '${o.url}'`);
  const table = queueTable(o.table);
  if (!table) throw new ArgumentError(`--queue runs the tables ${Object.keys(QUEUE_TABLES).join(', ')}, found '${o.table}'`);
  const all = table.cells(o.budget);
  const ids = o.cells ?? all;
  const unknown = ids.filter((id) => !all.includes(id));
  if (unknown.length) throw new ArgumentError(`cells must be ${table.title} cell ids like ${all[0]}, found ${unknown.join(', ')}`);
  await checkReachable(o.url);
  const store = resolve(o.store);
  await checkPlan(store, table.id, o.budget, o.backend);
  const processor = await processorFile();
  const name = queueName(table.id, o.budget, o.backend, store, ids, await gumbelVersion());
  const me: ProcessorData = { threads: o.threads ?? threadsPerJob(o.jobs), worker: `${hostname()}-${process.pid}`, jobs: o.jobs };

  const conn = connect(o.url);
  const workerConn = connect(o.url);
  // ioredis reconnects by itself (Redis restarted); say so once per outage, not per retry.
  let down = false;
  const onError = (e: Error) => {
    if (!down) o.stderr.write(`queue: Redis at ${o.url} unreachable (${e.message}); retrying\n`);
    down = true;
  };
  const onReady = () => {
    if (down) o.stderr.write(`queue: Redis at ${o.url} reachable again\n`);
    down = false;
  };
  for (const c of [conn, workerConn]) c.on('error', onError).on('ready', onReady);
  const queue = new Queue<CellJob, CellJobResult>(name, { connection: conn });
  let worker: Worker<CellJob, CellJobResult> | null = null;
  try {
    const data = (cell: string): CellJob => ({ v: 1, table: table.id, cell, budget: o.budget, backend: o.backend, store, command: o.command });
    const add = async () => {
      await queue.addBulk(ids.map((cell) => ({
        name: cell,
        data: data(cell),
        // Completed and failed jobs are kept: they are what makes adding a cell again a no-op.
        opts: { jobId: cell, attempts: s.attempts, backoff: { type: 'exponential' as const, delay: s.backoff }, removeOnComplete: false, removeOnFail: false },
      })));
      // After the jobs: status drops a name whose queue has no keys yet.
      await conn.sadd(QUEUES_KEY, name);
    };
    await add();
    // A rerun (after fixing what made a cell fail) gives the failed cells a fresh set of attempts.
    for (const j of await queue.getFailed()) await j.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true }).catch(() => undefined);
    o.stderr.write(`reproducing ${table.title}, budget ${o.budget.name}, through queue ${name} at ${o.url}: ${ids.length} cells, ` +
      `${o.jobs} here × ${me.threads} thread${me.threads > 1 ? 's' : ''} (worker ${me.worker}), store ${store}\n`);

    worker = new Worker<CellJob, CellJobResult>(name, processor, {
      connection: workerConn,
      concurrency: o.jobs,
      useWorkerThreads: true,
      workerThreadsOptions: { workerData: me },
      name: me.worker,
      lockDuration: s.lockDuration,
      stalledInterval: s.stalledInterval,
      maxStalledCount: s.maxStalledCount,
      maxStartedAttempts: s.maxStartedAttempts,
    });
    const w = worker;
    w.on('error', onError);
    // Lock lost while alive (partition, overload): stop the cell at its next step; another worker has it.
    w.on('lockRenewalFailed', (jobIds) => jobIds.forEach((id) => w.cancelJob(id, 'lock lost')));
    let done = 0;
    w.on('completed', (job) => o.stderr.write(`[done here ${++done}] ${job.id}: ${table.line(job.returnvalue.cell)}\n`));
    w.on('failed', (job, err) => {
      if (job && err.name !== 'WaitingError') o.stderr.write(`[failed here] ${job.id} (start ${job.attemptsStarted}): ${err.message}\n`);
    });
    const onAbort = () => w.cancelAllJobs('interrupted');
    o.signal?.addEventListener('abort', onAbort);

    // Up while any cell is waiting, delayed (retry backoff) or running anywhere. Cells missing from
    // the queue (Redis lost its data) are added again: finished ones return their cell.json at once.
    while (!o.signal?.aborted) {
      const n = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized').catch(() => null);
      if (n && Object.values(n).every((x) => x === 0)) {
        const missing = await Promise.all(ids.map((id) => queue.getJob(id))).then((js) => js.some((j) => !j), () => true);
        if (!missing) break;
        await add().catch(() => undefined);
      }
      await sleep(s.poll, o.signal);
    }
    o.signal?.removeEventListener('abort', onAbort);
    if (o.signal?.aborted) {
      w.cancelAllJobs('interrupted');
      await w.close();
      return { report: null, done: 0, failed: [], interrupted: true, queue: name };
    }
    await w.close();
    const jobs = (await Promise.all(ids.map((id) => queue.getJob(id)))).filter((j): j is Job<CellJob, CellJobResult> => !!j);
    const completed: Job<CellJob, CellJobResult>[] = [];
    const failed: QueueResult['failed'] = [];
    for (const j of jobs) {
      // Not failedReason: a cell that failed once and then completed keeps it.
      if ((await j.getState()) === 'completed') completed.push(j);
      else failed.push({ id: j.id!, message: j.failedReason ?? 'not finished' });
    }
    const report = completed.length ? await writeTable(table, store, o.budget, completed) : null;
    return { report, done: completed.length, failed, interrupted: false, queue: name };
  } finally {
    await worker?.close();
    await queue.close();
    conn.disconnect();
    workerConn.disconnect();
  }
}

/** The gumbel queues in this Redis (QUEUES_KEY), sorted; names whose queue is gone (deleted by hand) are dropped from the set. */
export async function knownQueues(conn: Redis): Promise<string[]> {
  const names: string[] = [];
  for (const name of (await conn.smembers(QUEUES_KEY)).sort()) {
    if (await conn.exists(`bull:${name}:meta`)) names.push(name);
    else await conn.srem(QUEUES_KEY, name);
  }
  return names;
}

const ago = (iso: string) => duration(Math.max(0, (Date.now() - Date.parse(iso)) / 1000));

/** `gumbel reproduce status --queue URL`: every gumbel queue in that Redis, its cells waiting, running (where, step, ETA), done, failed. */
export async function queueStatus(url: string, out: Output): Promise<void> {
  if (!/^rediss?:\/\//.test(url)) throw new ArgumentError(`--queue must be a Redis URL like redis://host:6379, found '${url}'`);
  await checkReachable(url);
  const conn = connect(url);
  try {
    const names = await knownQueues(conn);
    if (!names.length) out.write(`no gumbel reproduction in the queue at ${url}\n`);
    for (const name of names) {
      const queue = new Queue<CellJob, CellJobResult>(name, { connection: conn });
      try {
        const n = await queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed');
        const any = (await queue.getJobs(['active', 'waiting', 'completed', 'failed', 'delayed'], 0, 0))[0];
        out.write(`${name}${any ? `: ${any.data.table}, budget ${any.data.budget.name}, store ${any.data.store}` : ''}\n`);
        out.write(`  waiting ${n.waiting + n.prioritized + n.delayed} · running ${n.active} · done ${n.completed} · failed ${n.failed}\n`);
        for (const j of await queue.getActive()) {
          const p = j.progress as unknown as CellProgress | number;
          const where = j.processedBy ?? '?';
          if (typeof p !== 'object' || p === null) {
            out.write(`  running ${j.id} on ${where}: starting\n`);
            continue;
          }
          const eta = p.stepsPerSec ? `, ETA of this run ${duration((p.of - p.step) / p.stepsPerSec)}` : '';
          out.write(`  running ${j.id} on ${where}: ${p.run} step ${p.step}/${p.of}${eta} (as of ${ago(p.at)} ago)\n`);
        }
        for (const j of await queue.getFailed()) out.write(`  failed ${j.id}: ${j.failedReason}\n`);
      } finally {
        await queue.close();
      }
    }
  } finally {
    conn.disconnect();
  }
}

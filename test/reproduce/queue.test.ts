// `gumbel reproduce table1 --queue`: worker processes (test/harness/queue_worker.ts) on a private
// redis-server, four cells of a quick budget whose final run is long enough to be killed in the
// middle. One worker's whole process group is SIGKILLed mid-final while a third joins late: every
// cell completes exactly once, the killed cell resumes from its checkpoint, nothing fails, and the
// table equals the one from the cells run without a queue (timing fields aside). The same command
// run again adds no work; Redis killed and restarted mid-run; Ctrl-C gives a cell back; kill -9 of a
// worker's main process alone leaves no orphan (a child-process sandbox would); a failing cell fails
// with its id after its attempts and is retried by the next run of the command.
// The processor runs compiled code: dist/ must be built (npm run build:ts; CI's npm ci does).
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { runCell, type CellResult } from '../../src/reproduce/cell.js';
import { threadsPerJob } from '../../src/reproduce/index.js';
import { knownQueues, type QueueResult } from '../../src/reproduce/queue.js';
import { TABLE_FILES } from '../../src/reproduce/report.js';
import { BUDGETS, type Budget, CELLS } from '../../src/reproduce/table1.js';
import { exists } from '../../src/train/files.js';
import { doneHere, hasRedis, type Proc, queueRedis, result, sleep, status, untimed, until, worker } from '../harness/queue.js';
import { tempDirs, trainingBackend } from '../train/helpers.js';

// Final runs of 300 steps, checkpointed every 50: a few seconds each on one core.
const budget: Budget = { ...BUDGETS.quick, finalSteps: 300, finalEvalEvery: 50 };
const CELL_IDS = ['vae-categorical-gumbel_softmax', 'sbn-bernoulli-st', 'vae-bernoulli-sf', 'sbn-categorical-gumbel_softmax'];
// Short locks so a dead worker's cell comes back within seconds; long enough for a loaded CI machine.
const FAST = { lockDuration: 8000, stalledInterval: 3000, poll: 300, backoff: 1000 };
const redis = queueRedis({ persist: true });
const tempDir = tempDirs('gumbel-queue-');
let backend: 'wasm' | 'ref';
beforeAll(async () => {
  backend = (await trainingBackend()).name;
});
const options = (store: string, cells: string[]) => ({ url: redis.url, table: 'table1', budget, store, jobs: 1, backend, cells, command: 'gumbel reproduce table1 (test)', settings: FAST });

/** The queue of a store, through BullMQ's own API. */
async function openQueue(r: QueueResult) {
  const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue(r.queue, { connection: conn });
  return { queue, close: async () => { await queue.close(); conn.disconnect(); } };
}

/** A store where the cell cannot start until unblock(): a file where its folder goes, so every start throws. */
async function blockedCell(cell: string) {
  const o = options(join(await tempDir(), 'store'), [cell]);
  await mkdir(o.store, { recursive: true });
  await writeFile(join(o.store, cell), '');
  return { o, unblock: () => rm(join(o.store, cell)) };
}

async function statusText(): Promise<string> {
  const { code, out } = await status(redis.url);
  expect(code).toBe(0);
  return out;
}

describe.skipIf(!hasRedis)('bad arguments: exit 2, one line', () => {
  for (const [args, msg] of [
    [['reproduce', 'status'], /reproduce status needs --queue redis:\/\/host:port/],
    [['reproduce', 'status', '--queue', 'localhost:6379'], /--queue must be a Redis URL like redis:\/\/host:6379, found 'localhost:6379'/],
    [['reproduce', 'table1', '--budget', 'quick', '--queue', 'http://x'], /--queue must be a Redis URL/],
    // No server there: one line at once (it used to retry forever, a stack trace per retry, deaf to SIGTERM).
    [['reproduce', 'table1', '--budget', 'quick', '--queue', 'redis://127.0.0.1:1', '--out', join(tmpdir(), `gumbel-no-redis-${process.pid}`)], /--queue must reach a Redis server, found none at redis:\/\/127\.0\.0\.1:1 \(connect ECONNREFUSED/],
    [['reproduce', 'status', '--queue', 'redis://127.0.0.1:1'], /--queue must reach a Redis server/],
  ] as [string[], RegExp][]) {
    it(args.join(' '), async () => {
      let err = '';
      expect(await main(['node', 'gumbel', ...args], { stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) } })).toBe(2);
      expect(err.trim().split('\n')).toHaveLength(1);
      expect(err).toMatch(msg);
    });
  }
});

describe.skipIf(!hasRedis)('three worker processes, one killed mid-cell, one joining late', () => {
  let store = '';
  let ps: Proc[] = [];
  let victim: { proc: Proc; cell: string } | null = null;
  let baseline: CellResult[] = [];

  beforeAll(async () => {
    store = join(await tempDir(), 'store');
    const o = options(store, CELL_IDS);
    const [w1, w2] = [worker(o), worker(o)];
    ps = [w1, w2];
    // Kill the process running a cell whose final run has written a checkpoint.
    const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
    victim = await until('a final run with a checkpoint', 240_000, async () => {
      for (const name of await knownQueues(conn)) {
        const q = new Queue(name, { connection: conn });
        const active = await q.getActive();
        await q.close();
        for (const j of active) {
          const finals = (await readdir(join(store, j.id!)).catch(() => [])).filter((d) => d.startsWith('final-'));
          if (!finals.length || !(await exists(join(store, j.id!, finals[0], 'checkpoint')))) continue;
          const pid = Number(j.processedBy!.split('-').pop());
          const proc = ps.find((p) => p.child.pid === pid);
          if (proc) return { proc, cell: j.id! };
        }
      }
      return null;
    });
    conn.disconnect();
    process.kill(-victim.proc.child.pid!, 'SIGKILL');
    const late = worker(o);
    ps.push(late);
    // Meanwhile (the CPU is shared anyway): the same cells as `--jobs 1` without a queue runs them.
    const base = await tempDir();
    for (const id of CELL_IDS) baseline.push((await runCell(CELLS.find((c) => c.id === id)!, budget, join(base, id), { threads: threadsPerJob(1), backend, log: { write: () => true } }))!);
    for (const p of ps) await p.exit;
  }, 600_000);

  it('the survivors finish every cell and exit 0; the killed process group is gone', async () => {
    const survivors = ps.filter((p) => p !== victim!.proc);
    for (const p of survivors) expect(p.child.exitCode, p.err).toBe(0);
    expect(() => process.kill(-victim!.proc.child.pid!, 0)).toThrow();
    for (const p of survivors) expect(result(p).failed).toEqual([]);
  });

  it('every cell completed exactly once; the killed one stalled once and resumed from its checkpoint', async () => {
    for (const id of CELL_IDS) expect(doneHere(ps, id), id).toBe(1);
    expect(doneHere([victim!.proc], victim!.cell)).toBe(0);
    // ps[2] joined after the kill: never the victim.
    const { queue, close } = await openQueue(result(ps[2]));
    try {
      expect(await queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed')).toEqual({ completed: 4, failed: 0, waiting: 0, active: 0, delayed: 0 });
      for (const id of CELL_IDS) {
        const j = (await queue.getJob(id))!;
        expect(j.stalledCounter, id).toBe(id === victim!.cell ? 1 : 0);
        expect(j.attemptsMade, id).toBe(1);
      }
    } finally {
      await close();
    }
    const dir = join(store, victim!.cell);
    const log = await readFile(join(dir, 'log.txt'), 'utf8');
    expect(log).toMatch(/resuming .*final-/);
    const final = (await readdir(dir)).find((d) => d.startsWith('final-'))!;
    const steps = (await readFile(join(dir, final, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l).step as number);
    expect(steps.every((s, i) => i === 0 || s > steps[i - 1])).toBe(true);
    expect(steps.at(-1)).toBe(300);
  });

  it('the worker that joined late took a cell', () => {
    expect(ps[2].err).toMatch(/^\[done here 1\]/m);
  });

  it('the table equals the one from the cells run without a queue (timings aside), the same bytes from every process', async () => {
    const survivors = ps.filter((p) => p !== victim!.proc);
    const [a, b] = survivors.map((p) => result(p).report!);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.parse(await readFile(join(store, TABLE_FILES.json), 'utf8'))).toEqual(a);
    expect(a).toMatchObject({ complete: false, finished: 4 });
    expect(untimed(a.cells)).toEqual(untimed(CELLS.map((c) => baseline.find((r) => r.id === c.id)).filter((r) => r)));
  });

  it('the same command run again adds no work and writes the same table', async () => {
    const before = await readFile(join(store, TABLE_FILES.json), 'utf8');
    const again = worker(options(store, CELL_IDS));
    expect(await again.exit, again.err).toBe(0);
    expect(again.err).not.toMatch(/done here/);
    expect(await readFile(join(store, TABLE_FILES.json), 'utf8')).toBe(before);
    const { queue, close } = await openQueue(result(again));
    try {
      expect(await queue.getJobCounts('completed', 'waiting', 'active')).toEqual({ completed: 4, waiting: 0, active: 0 });
      for (const id of CELL_IDS) expect((await queue.getJob(id))!.attemptsStarted, id).toBe(id === victim!.cell ? 2 : 1);
    } finally {
      await close();
    }
  }, 60_000);
});

describe.skipIf(!hasRedis)('Redis restarted, Ctrl-C, a failing cell', () => {
  it('Redis killed and restarted mid-run: the workers reconnect and finish', async () => {
    const o = options(join(await tempDir(), 'store'), CELL_IDS.slice(1, 3));
    const ws = [worker(o), worker(o)];
    await until('both cells running', 60_000, async () => ws.every((w) => w.err.includes('reproducing')) && (await readdir(o.store).catch(() => [])).length >= 3);
    await sleep(1000);
    await redis.restart();
    for (const w of ws) expect(await w.exit, w.err).toBe(0);
    for (const id of o.cells) expect(doneHere(ws, id), id).toBe(1);
    expect(result(ws[0]).report!.finished).toBe(2);
  }, 120_000);

  it('Ctrl-C on a worker checkpoints, gives the cell back at once, and the next worker resumes it', async () => {
    const cell = CELL_IDS[1];
    const o = options(join(await tempDir(), 'store'), [cell]);
    const first = worker(o);
    await until('a final checkpoint', 60_000, async () => {
      const finals = (await readdir(join(o.store, cell)).catch(() => [])).filter((d) => d.startsWith('final-'));
      return finals.length > 0 && exists(join(o.store, cell, finals[0], 'checkpoint'));
    });
    const running = await statusText();
    expect(running).toMatch(new RegExp(`running ${cell} on [^:]+-${first.child.pid}: final-\\S+ step \\d+/300`));
    process.kill(first.child.pid!, 'SIGINT');
    expect(await first.exit, first.err).toBe(130);
    const { queue, close } = await openQueue(result(first));
    try {
      expect(await queue.getJobCounts('waiting', 'active', 'failed')).toEqual({ waiting: 1, active: 0, failed: 0 });
    } finally {
      await close();
    }
    expect(await statusText()).toMatch(/waiting 1 · running 0 · done 0 · failed 0/);
    const second = worker(o);
    expect(await second.exit, second.err).toBe(0);
    expect(await readFile(join(o.store, cell, 'log.txt'), 'utf8')).toMatch(/given back to the queue[\s\S]*resuming .*final-/);
  }, 120_000);

  it('kill -9 of a worker\'s main process alone leaves no process behind; the next worker takes the cell over', async () => {
    const cell = CELL_IDS[2];
    const o = options(join(await tempDir(), 'store'), [cell]);
    const first = worker(o);
    await until('the cell running', 60_000, async () => (await statusText()).includes(`running ${cell} on`));
    process.kill(first.child.pid!, 'SIGKILL');
    await first.exit;
    // The training ran in a thread of that process, not in a child process that would outlive it.
    await sleep(500);
    expect(() => process.kill(-first.child.pid!, 0)).toThrow();
    const second = worker(o);
    expect(await second.exit, second.err).toBe(0);
    expect(doneHere([second], cell)).toBe(1);
  }, 120_000);

  it('a cell that throws once and then succeeds on its next attempt counts as done', async () => {
    const { o, unblock } = await blockedCell('vae-bernoulli-sf');
    const w = worker(o);
    // Fixed during the 1 s backoff after the first failure.
    await until('the first failure', 60_000, async () => w.err.includes('(start 1)'));
    await unblock();
    expect(await w.exit, w.err).toBe(0);
    expect(result(w).report!.finished).toBe(1);
  }, 120_000);

  it('a cell that throws fails after its attempts with its id in the error; the same command retries it', async () => {
    const cell = 'vae-bernoulli-sf';
    const { o, unblock } = await blockedCell(cell);
    const first = worker(o);
    expect(await first.exit, first.err).toBe(1);
    expect(first.err.match(/^\[failed here\] vae-bernoulli-sf \(start \d\): vae-bernoulli-sf: /gm)).toHaveLength(3);
    expect(result(first).failed).toEqual([{ id: cell, message: expect.stringMatching(/^vae-bernoulli-sf: .*EEXIST/) }]);
    expect(await statusText()).toMatch(/failed vae-bernoulli-sf: vae-bernoulli-sf: .*EEXIST/);
    await unblock();
    const second = worker(o);
    expect(await second.exit, second.err).toBe(0);
    expect(doneHere([second], cell)).toBe(1);
  }, 120_000);
});

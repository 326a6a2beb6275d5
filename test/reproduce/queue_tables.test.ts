// `gumbel reproduce table2|zoo --queue`. Table 2: the M2 runs of Table 2's quick budget at --lr 1e-3 (two α of the
// grid, every y estimator) through a private redis-server with two worker processes give the table of
// `reproduce table2 --lr 1e-3 --jobs 1` without a queue (timing fields and the command aside), written once
// by both workers with the same bytes; a store holding Table 1 is refused for Table 2; `reproduce
// status` lists the Table 2 queue from the set of known queues, without KEYS or SCAN. A longer run
// given back by Ctrl-C, then its next worker's whole process group killed (kill -9), resumes from
// its checkpoint each time and ends with the numbers of the same run uninterrupted. The zoo: its
// cells through the queue are those run without it (timings aside), and its tables are written.
// The processor runs compiled code: dist/ must be built (npm run build:ts).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { PLAN_FILE, threadsPerJob } from '../../src/reproduce/index.js';
import { QUEUES_KEY } from '../../src/reproduce/queue.js';
import { QUEUE_TABLES, type Table2QueueBudget } from '../../src/reproduce/queue_tables.js';
import { runZooCell, type ZooBudget, ZOO_CELL_FILE, ZOO_FILES, zooCells } from '../../src/reproduce/zoo.js';
import { reproduceTable2, TABLE2_FILES, type Table2Report, table2Runs } from '../../src/reproduce/table2.js';
import { patchConfig } from '../../src/train/config.js';
import { readCheckpoint } from '../../src/train/folder.js';
import { runSsvae } from '../../src/train/ssvae_run.js';
import { doneHere, hasRedis, type Proc, queueRedis, result, status, untimed, until, worker } from '../harness/queue.js';
import { tempDirs } from '../train/helpers.js';

const ALPHAS = [0.1, 1];
const budget = { ...QUEUE_TABLES.table2.budgets.quick, lr: 1e-3 } as Table2QueueBudget;
const CELL_IDS = QUEUE_TABLES.table2.cells(budget).filter((id) => ALPHAS.some((a) => id.endsWith(`-alpha${a}`)));
const FAST = { lockDuration: 8000, stalledInterval: 3000, poll: 300, backoff: 1000 };

const redis = queueRedis();
const tempDir = tempDirs('gumbel-queue2-');

describe.skipIf(!hasRedis)('Table 2 through the queue', () => {
  let store = '';
  let ps: Proc[] = [];
  let baseline: Table2Report;

  beforeAll(async () => {
    expect(CELL_IDS).toHaveLength(6);
    store = join(await tempDir(), 'store');
    const o = { url: redis.url, table: 'table2', budget, store, jobs: 1, backend: 'wasm' as const, cells: CELL_IDS, command: 'gumbel reproduce table2 (test)', settings: FAST };
    ps = [worker({ ...o, threads: 1 }), worker(o)]; // --threads 1 on one: the same numbers at any thread count
    // Meanwhile: the same runs without a queue, in this process, as `--jobs 1` runs them.
    baseline = await reproduceTable2({ budget: 'quick', lr: 1e-3, alphas: ALPHAS, outDir: await tempDir(), jobs: 1, threads: threadsPerJob(1), backend: 'wasm', stderr: { write: () => true }, command: 'test' });
    for (const p of ps) await p.exit;
  }, 600_000);

  it('both workers exit 0 and every run completed exactly once, shared between them', () => {
    for (const p of ps) expect(p.child.exitCode, p.err).toBe(0);
    for (const id of CELL_IDS) expect(doneHere(ps, id), id).toBe(1);
    for (const p of ps) expect(p.err, 'each worker took a run').toMatch(/^\[done here 1\] \S+-alpha\S+: test accuracy/m);
    expect(ps[0].err).toMatch(/: 6 cells, 1 here × 1 thread \(worker /);
  });

  it('the table equals the one without a queue (timings and command aside), the same bytes from both workers', async () => {
    const [a, b] = ps.map((p) => result<Table2Report>(p));
    expect(a.failed).toEqual([]);
    expect(a.done).toBe(6);
    expect(JSON.stringify(a.report)).toBe(JSON.stringify(b.report));
    expect(JSON.parse(await readFile(join(store, TABLE2_FILES.json), 'utf8'))).toEqual(a.report);
    expect(await readFile(join(store, TABLE2_FILES.md), 'utf8')).toMatch(/^# Table 2 /);
    const report = a.report!;
    expect(report).toMatchObject({ table: 'table2', budget: 'quick', protocol: { ...baseline.protocol, lr: 1e-3 }, lr: 1e-3, command: 'gumbel reproduce table2 (test)', complete: false });
    for (const id of CELL_IDS) expect(JSON.parse(await readFile(join(store, id, 'config.json'), 'utf8')).optimizer.lr, id).toBe(1e-3);
    expect(report.rows).toHaveLength(3);
    expect(untimed(report.rows)).toEqual(untimed(baseline.rows));
  });

  it('status lists the Table 2 queue, reading the set of known queues: no KEYS, no SCAN', async () => {
    const conn = new Redis(redis.url);
    try {
      // A name whose queue is gone (deleted by hand) is dropped from the set.
      await conn.sadd(QUEUES_KEY, 'gumbel-table2-quick-gone');
      await conn.config('RESETSTAT');
      const { code, out } = await status(redis.url);
      expect(code).toBe(0);
      expect(out).toContain(`${result(ps[0]).queue}: table2, budget quick, store ${store}\n  waiting 0 · running 0 · done 6 · failed 0\n`);
      expect(out).not.toContain('gone');
      const stats = (await conn.info('commandstats')) as string;
      expect(stats).toMatch(/^cmdstat_smembers:calls=1,/m);
      expect(stats).not.toMatch(/^cmdstat_(keys|scan):/m);
      expect(await conn.smembers(QUEUES_KEY)).toEqual([result(ps[0]).queue]);
    } finally {
      conn.disconnect();
    }
  });

  it('the same store is refused for Table 1 and for Table 2 at another learning rate, and a store holding Table 1 for Table 2', async () => {
    const t1store = join(await tempDir(), 'store');
    await mkdir(t1store, { recursive: true });
    await writeFile(join(t1store, PLAN_FILE), JSON.stringify({ table: 'table1', budget: 'quick' }));
    for (const [table, dir, held] of [['table1', store, 'table2'], ['table2', t1store, 'table1']]) {
      let err = '';
      const code = await main(['node', 'gumbel', 'reproduce', table, '--budget', 'quick', '--queue', redis.url, '--store', dir], { stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) } });
      expect(code, err).toBe(2);
      expect(err).toContain(`--store ${dir} holds another reproduction (${PLAN_FILE}: ${held}, budget quick); expected ${table}, budget quick as defined now: choose another --store`);
    }
    // Table 2 at the budget's own learning rate is another protocol than the store's (lr 1e-3).
    let err = '';
    const code = await main(['node', 'gumbel', 'reproduce', 'table2', '--budget', 'quick', '--queue', redis.url, '--store', store], { stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) } });
    expect([code, err]).toEqual([2, expect.stringContaining(`--store ${store} holds another reproduction (${PLAN_FILE}: table2, budget quick); expected table2, budget quick as defined now`)]);
  });
});

describe.skipIf(!hasRedis)('a Table 2 run interrupted twice', () => {
  it('Ctrl-C gives it back, kill -9 of the next worker loses it for a lock\'s time: it resumes from its checkpoint each time and ends as the run uninterrupted', async () => {
    // 80 steps checkpointed at every validation (20 steps): room for a checkpoint after the resumed one.
    const long = { ...budget, steps: 80, evalEvery: 20 };
    const cell = 'gumbel_softmax-alpha0.1';
    const store = join(await tempDir(), 'store');
    const dir = join(store, cell);
    const o = { url: redis.url, table: 'table2', budget: long, store, jobs: 1, backend: 'wasm' as const, cells: [cell], command: 'test', settings: FAST };
    const step = () => readCheckpoint(dir).then((c) => c.step, () => 0);

    const first = worker(o);
    await until('a checkpoint', 120_000, async () => (await step()) > 0);
    process.kill(first.child.pid!, 'SIGINT');
    expect(await first.exit, first.err).toBe(130);
    const given = await step();
    const second = worker(o);
    await until('the next checkpoint', 120_000, async () => (await step()) > given);
    process.kill(-second.child.pid!, 'SIGKILL');
    await second.exit;
    const third = worker(o);
    // Meanwhile: the run uninterrupted.
    const { config } = table2Runs(long).find((r) => r.id === cell)!;
    const alone = await runSsvae({ config: patchConfig(config, { runtime: { backend: 'wasm', threads: threadsPerJob(1) } }), outDir: join(await tempDir(), cell), stderr: { write: () => true } });
    expect(await third.exit, third.err).toBe(0);

    expect(doneHere([first, second, third], cell)).toBe(1);
    expect(doneHere([third], cell)).toBe(1);
    const log = await readFile(join(dir, 'log.txt'), 'utf8');
    expect(log).toMatch(/^starting .*\n[\s\S]*given back to the queue\n[\s\S]*^resuming [\s\S]*^resuming /m);
    const steps = (await readFile(join(dir, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l).step as number);
    expect(steps.every((s, i) => i === 0 || s > steps[i - 1])).toBe(true);
    expect(steps.at(-1)).toBe(80);
    const r = result<Table2Report>(third);
    expect(r.done).toBe(1);
    expect(untimed(r.report!.rows[0].runs[0])).toEqual(untimed({ alpha: 0.1, valid: { accuracy: alone!.valid!.accuracy, elbo: alone!.valid!.elbo }, test: alone!.test, steps: 80 }));
  }, 400_000);
});

describe.skipIf(!hasRedis)('the estimator zoo through the queue', () => {
  it('its cells complete as without a queue (timings aside) and the zoo\'s tables are written', async () => {
    const zooBudget = QUEUE_TABLES.zoo.budgets.quick as ZooBudget;
    const all = QUEUE_TABLES.zoo.cells(zooBudget);
    const ids = ['vae-categorical-gumbel_softmax', all.find((id) => id.startsWith('sbn-bernoulli-'))!];
    const store = join(await tempDir(), 'store');
    const w = worker({ url: redis.url, table: 'zoo', budget: zooBudget, store, jobs: 1, backend: 'wasm', cells: ids, command: 'test', settings: FAST });
    const base = await tempDir();
    for (const id of ids) await runZooCell(zooCells().find((c) => c.id === id)!, zooBudget, join(base, id), { threads: threadsPerJob(1), backend: 'wasm', log: { write: () => true } });
    expect(await w.exit, w.err).toBe(0);
    expect(result(w).done).toBe(2);
    for (const id of ids) {
      expect(doneHere([w], id), id).toBe(1);
      const [queued, alone] = await Promise.all([store, base].map(async (d) => JSON.parse(await readFile(join(d, id, ZOO_CELL_FILE), 'utf8'))));
      expect(untimed(queued), id).toEqual(untimed(alone));
    }
    expect(JSON.parse(await readFile(join(store, ZOO_FILES.json), 'utf8'))).toEqual(result(w).report);
    expect(await readFile(join(store, ZOO_FILES.md), 'utf8')).toMatch(/^# Estimator zoo\n/);
  }, 300_000);
});

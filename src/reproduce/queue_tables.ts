// The tables `gumbel reproduce … --queue` can spread over machines, each as a QueueTable: its cells
// for a budget, how one cell runs (or resumes, or is read back) in its folder of the store, and how
// the table is written from the finished cells' results. queue.ts adds and watches the jobs,
// queue_processor.ts runs a cell in a worker thread; a new table plugs in with one entry in
// QUEUE_TABLES. A cell's run must be idempotent (deterministic, files written atomically, a finished
// cell read back): a cell taken over from a dead machine runs again from its checkpoint.
import { join } from 'node:path';
import { patchConfig } from '../train/config.js';
import { exists, readJson } from '../train/files.js';
import { FILES } from '../train/folder.js';
import type { SsvaeData } from '../train/ssvae.js';
import { loadSsvaeData, runSsvae, type SsvaeRunResult } from '../train/ssvae_run.js';
import { type CellOptions, type CellResult, readCell, runCell } from './cell.js';
import { writeTable1 } from './index.js';
import { buildReport, duration, TABLE_FILES } from './report.js';
import { type Budget, BUDGETS, CELLS } from './table1.js';
import { type Table2Budget, type Table2BudgetName, TABLE2_BUDGETS, TABLE2_FILES, table2Curves, table2Report, table2RunLine, table2Runs, writeTable2 } from './table2.js';
import { buildZooReport, runZooCell, supports, type ZooBudget, type ZooCellResult, zooCellLine, zooCells, ZOO_BUDGETS, ZOO_FILES, writeZoo } from './zoo.js';

/** What every budget has: its name (in the queue's name and the store's plan) and its batch (progress in examples/s → steps/s). */
export type QueueBudget = { name: string; batch: number };

/** What the tables record about the session (written: the last cell's end), the same in every process (from the jobs in Redis). */
export type TableMeta = Parameters<typeof buildReport>[2] & { written: string };

export interface QueueTable<B extends QueueBudget = QueueBudget, R = unknown> {
  /** 'table1': the argument of `gumbel reproduce`, part of the queue's name and of the store's plan. */
  id: string;
  /** 'Table 1', for messages. */
  title: string;
  budgets: Readonly<Record<string, B>>;
  /** The file users open, in the store. */
  file: string;
  /** Cell ids of a budget in the table's order: job ids and folder names in the store. */
  cells(budget: B): string[];
  /** Runs, resumes or reads back one cell in `dir`; null when stopped (o.stop: Ctrl-C or a lost lock). A run starts
   * with a line `starting <dir>` or `resuming <dir>` in o.log: the job's progress names the run by it. */
  run(cell: string, budget: B, dir: string, o: CellOptions): Promise<R | null>;
  /** A finished cell in one line (after its id). */
  line(result: R): string;
  /** Writes the table into `store` from the finished cells (by id): the same bytes for the same arguments. */
  write(store: string, budget: B, results: ReadonlyMap<string, R>, meta: TableMeta): Promise<object>;
}

const table1: QueueTable<Budget, CellResult> = {
  id: 'table1',
  title: 'Table 1',
  budgets: BUDGETS,
  file: TABLE_FILES.md,
  cells: () => CELLS.map((c) => c.id),
  // Finished earlier (Redis lost its data and the cells were added again): the store is the truth.
  run: async (id, budget, dir, o) => (await readCell(dir)) ?? runCell(CELLS.find((c) => c.id === id)!, budget, dir, o),
  line: (c) => `${c.ours === null ? 'diverged' : c.ours.toFixed(2)} (paper ${c.paper.toFixed(1)}) · ${duration(c.seconds.total)}`,
  async write(store, budget, results, meta) {
    const report = { ...buildReport([...results.values()], budget, meta), written: meta.written };
    await writeTable1(store, report);
    return report;
  },
};

/** A Table 2 budget with its name, as the queue carries it. */
export type Table2QueueBudget = Table2Budget & { name: Table2BudgetName };
const withoutName = ({ name: _, ...b }: Table2QueueBudget): Table2Budget => b;

/** MNIST with labels, loaded once per worker thread (a retry after a failed load loads again). */
let ssvaeData: Promise<SsvaeData> | null = null;
const sharedSsvaeData = () => (ssvaeData ??= loadSsvaeData().catch((e) => { ssvaeData = null; throw e; }));

const table2: QueueTable<Table2QueueBudget, SsvaeRunResult> = {
  id: 'table2',
  title: 'Table 2',
  budgets: Object.fromEntries(Object.entries(TABLE2_BUDGETS).map(([name, b]) => [name, { name: name as Table2BudgetName, ...b }])),
  file: TABLE2_FILES.md,
  cells: (b) => table2Runs(withoutName(b)).map((r) => r.id),
  async run(id, b, dir, o) {
    if (await exists(join(dir, FILES.result))) return readJson<SsvaeRunResult>(join(dir, FILES.result), 'table2 run');
    const { config } = table2Runs(withoutName(b)).find((r) => r.id === id)!;
    const resume = await exists(join(dir, FILES.checkpoint));
    o.log.write(`${resume ? 'resuming' : 'starting'} ${dir}\n`);
    const here = patchConfig(config, { runtime: { backend: o.backend, threads: o.threads } });
    return runSsvae({ config: here, outDir: dir, stderr: o.log, data: await sharedSsvaeData(), resume, resumeWith: { threads: o.threads }, stop: o.stop });
  },
  line: table2RunLine,
  async write(store, b, results, meta) {
    const plan = table2Runs(withoutName(b));
    const report = table2Report(b.name, withoutName(b), plan, results, meta.command, await table2Curves(plan.map((p) => ({ ...p, dir: join(store, p.id) })), results));
    await writeTable2(store, report);
    return report;
  },
};

const zoo: QueueTable<ZooBudget, ZooCellResult> = {
  id: 'zoo',
  title: 'Estimator zoo',
  budgets: ZOO_BUDGETS,
  file: ZOO_FILES.md,
  cells: () => zooCells().filter(supports).map((c) => c.id),
  // A finished cell's run is read back (its result.json) and its zoo-cell.json written again, the same.
  run: (id, budget, dir, o) => runZooCell(zooCells().find((c) => c.id === id)!, budget, dir, o),
  line: zooCellLine,
  async write(store, budget, results, meta) {
    const report = buildZooReport([...results.values()], budget, meta);
    await writeZoo(store, report);
    return report;
  },
};

/** A table with its types erased: the queue checks a job's table and budget by their names. */
const entry = <B extends QueueBudget, R>(t: QueueTable<B, R>) => t as unknown as QueueTable;

/** Every table the queue runs, by its id. */
export const QUEUE_TABLES: Readonly<Record<string, QueueTable>> = { table1: entry(table1), table2: entry(table2), zoo: entry(zoo) };

/** The table called `id`, or undefined (not an Object.prototype key such as 'constructor'). */
export const queueTable = (id: string): QueueTable | undefined => (Object.hasOwn(QUEUE_TABLES, id) ? QUEUE_TABLES[id] : undefined);

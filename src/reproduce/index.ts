// `gumbel reproduce table1`: the 28 cells of Table 1 in parallel child processes (worker.ts), each
// in its own folder under --out (cell.ts), then table1.md, table1.json and one SVG per row
// (report.ts). The tables are rewritten after every finished cell, so an interrupted reproduction
// shows what it has; --resume skips finished cells and resumes the others from their checkpoints.
//
// <out>/reproduce.json          what this folder reproduces (table, budget): --resume checks it
// <out>/<model>-<latent>-<est>/ one folder per cell
// <out>/table1.md, table1.json, table1-<model>-<latent>.svg
import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { ArgumentError } from '../errors.js';
import type { BackendName } from '../train/config.js';
import { exists, readJson, writeAtomic } from '../train/files.js';
import type { Output } from '../train/run.js';
import { type CellResult, readCell } from './cell.js';
import { buildReport, duration, markdownReport, rowSvg, svgFile, TABLE_FILES, type Table1Report } from './report.js';
import { type Budget, BUDGETS, type BudgetName, CELLS, cellSteps, describeSetting, ROWS } from './table1.js';
import { runPool } from './pool.js';

export { BUDGETS, BUDGET_NAMES, CELLS, type BudgetName } from './table1.js';
export type { Table1Report } from './report.js';

export const PLAN_FILE = 'reproduce.json';

/** How a reproduction runs its cells (Table 1, the zoo). */
export interface CellRunOptions {
  /** Cells in parallel (child processes); default one per core. */
  jobs?: number;
  outDir: string;
  resume?: boolean;
  backend?: BackendName;
  /** Progress: one line per finished cell. */
  stderr: Output;
  /** Abort to stop: every running cell checkpoints after its current step. */
  signal?: AbortSignal;
  /** The command line recorded in the tables. */
  command?: string;
}

export interface ReproduceOptions extends CellRunOptions {
  budget: BudgetName;
}

export interface ReproduceResult {
  report: Table1Report;
  outDir: string;
  /** Cells that failed with an error in this session (ids and one-line messages). */
  failed: { id: string; message: string }[];
  interrupted: boolean;
}

interface Plan {
  table: 'table1' | 'zoo';
  budget: string;
  /** The budget's definition when the reproduction started: a resume under a changed definition would mix protocols. */
  protocol?: unknown;
  backend: BackendName;
  created: string;
}

/** A new reproduction writes its plan into outDir; --resume checks that the folder holds the same one (table, budget, protocol). */
export async function openPlan(outDir: string, given: string, plan: Plan, resume: boolean): Promise<void> {
  const planPath = join(outDir, PLAN_FILE);
  if (await exists(planPath)) {
    if (!resume) throw new ArgumentError(`--out ${given} already holds a reproduction (${PLAN_FILE}): continue it with --resume, or choose another --out`);
    const old = await readJson<Plan>(planPath, 'reproduction');
    if ((old.table ?? 'table1') !== plan.table) throw new ArgumentError(`--out ${given} holds a reproduction of ${old.table}, not of ${plan.table}: choose another --out`);
    if (old.budget !== plan.budget) throw new ArgumentError(`--budget ${plan.budget} does not match the reproduction in ${given}, which has budget ${old.budget}`);
    if (old.protocol && JSON.stringify(old.protocol) !== JSON.stringify(plan.protocol)) {
      throw new ArgumentError(`budget ${plan.budget} has changed since the reproduction in ${given} started (see its ${PLAN_FILE}): start a new one in another --out`);
    }
  } else {
    if (resume) throw new ArgumentError(`--resume: --out ${given} holds no reproduction (${PLAN_FILE}); start one without --resume`);
    await mkdir(outDir, { recursive: true });
    await writeAtomic(planPath, JSON.stringify(plan, null, 2) + '\n');
  }
}

/** Threads per worker: the cores shared among the jobs, 1 to 4. */
export const threadsPerJob = (jobs: number, cores = availableParallelism()) => Math.max(1, Math.min(4, Math.floor(cores / jobs)));

function cellLine(done: number, total: number, c: CellResult): string {
  const w = String(total).length;
  const head = `[${String(done).padStart(w)}/${total}] ${c.id}:`;
  if (c.status !== 'ok') return `${head} diverged with every setting (${c.pilots.length} pilots) · ${duration(c.seconds.total)}`;
  return `${head} ${c.ours!.toFixed(2)} (paper ${c.paper.toFixed(1)}, ${c.delta! > 0 ? '+' : ''}${c.delta!.toFixed(2)}) · ` +
    `${describeSetting(c.selected!, c)} · ${c.steps.pilots} + ${c.steps.final} steps · ${duration(c.seconds.total)}`;
}

/** table1.md, table1.json and one SVG per row into `dir`. */
export async function writeTable1(dir: string, report: Table1Report): Promise<void> {
  await writeAtomic(join(dir, TABLE_FILES.json), JSON.stringify(report, null, 2) + '\n');
  await writeAtomic(join(dir, TABLE_FILES.md), markdownReport(report));
  for (const row of ROWS) await writeAtomic(join(dir, svgFile(row)), rowSvg(row, report));
}

export async function reproduceTable1(o: ReproduceOptions): Promise<ReproduceResult> {
  const t0 = performance.now();
  const outDir = resolve(o.outDir);
  const cores = availableParallelism();
  const jobs = o.jobs ?? cores;
  if (!Number.isInteger(jobs) || jobs < 1) throw new ArgumentError(`--jobs must be an integer >= 1, found ${jobs}`);
  const budget = BUDGETS[o.budget];
  if (!budget) throw new ArgumentError(`--budget must be one of ${Object.keys(BUDGETS).join(', ')}, found '${o.budget}'`);
  const backend = o.backend ?? 'wasm';
  await openPlan(outDir, o.outDir, { table: 'table1', budget: o.budget, protocol: budget, backend, created: new Date().toISOString() }, !!o.resume);

  const finished = new Map<string, CellResult>();
  for (const c of CELLS) {
    const r = await readCell(join(outDir, c.id));
    if (r) finished.set(c.id, r);
  }
  // Longest cells first, so the last ones to finish are short.
  const pending = CELLS.filter((c) => !finished.has(c.id)).sort((a, b) => cellSteps(b, budget) - cellSteps(a, budget));
  const nWorkers = Math.min(jobs, pending.length);
  const threads = threadsPerJob(Math.max(1, nWorkers), cores);
  const command = o.command ?? `gumbel reproduce table1 --budget ${o.budget} --out ${o.outDir}`;

  const writeReports = async () => {
    const report = buildReport([...finished.values()], budget, { command, sessionSeconds: (performance.now() - t0) / 1000, jobs: nWorkers || jobs, threadsPerJob: threads });
    await writeTable1(outDir, report);
    return report;
  };

  o.stderr.write(
    `reproducing Table 1, budget ${o.budget}: ${pending.length} cell${pending.length === 1 ? '' : 's'} to run` +
      `${finished.size ? ` (${finished.size} finished earlier)` : ''}` +
      `${pending.length ? `, ${nWorkers} in parallel × ${threads} thread${threads > 1 ? 's' : ''}` : ''}, in ${outDir}\n`,
  );

  const failed: ReproduceResult['failed'] = [];
  let interrupted = false;
  if (pending.length) {
    const cellJobs = pending.map((c) => ({ kind: 'cell' as const, id: c.id, budget: o.budget, dir: join(outDir, c.id), threads, backend }));
    const r = await runPool(cellJobs, nWorkers, async (job, msg) => {
      const c = CELLS.find((x) => x.id === job.id)!;
      if (msg.type === 'done') {
        finished.set(c.id, msg.result as CellResult);
        o.stderr.write(cellLine(finished.size, CELLS.length, msg.result as CellResult) + '\n');
        await writeReports();
      } else if (msg.type === 'error') {
        failed.push({ id: c.id, message: msg.message });
        o.stderr.write(`[failed] ${c.id}: ${msg.message} (log: ${join(outDir, c.id, 'log.txt')})\n`);
      }
    }, { signal: o.signal });
    interrupted = r.interrupted;
  }
  const report = await writeReports();
  return { report, outDir, failed, interrupted };
}

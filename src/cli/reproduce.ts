// `gumbel reproduce table1|table2|speed`: Table 1 (every estimator on the structured-output SBN and
// the VAE, Bernoulli and categorical), Table 2 (the semi-supervised M2 model) and the speed test of
// Fig. 5a, beside the paper (src/reproduce).
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { BUDGET_NAMES, BUDGETS, type BudgetName, PLAN_FILE, reproduceTable1 } from '../reproduce/index.js';
import { readJson } from '../train/files.js';
import { queueStatus, reproduceQueue } from '../reproduce/queue.js';
import { QUEUE_TABLES, type QueueBudget } from '../reproduce/queue_tables.js';
import { reproduceSpeed } from '../reproduce/speed.js';
import { TABLE2_ROWS, type Table2Estimator } from '../reproduce/paper.js';
import { TABLE2_BUDGET_NAMES, TABLE2_BUDGETS, type Table2BudgetName, reproduceTable2 } from '../reproduce/table2.js';
import { reproduceZoo, ZOO_BUDGET_NAMES, ZOO_BUDGETS, type ZooBudgetName } from '../reproduce/zoo.js';
import { optionSpec } from '../train/options.js';
import { SSVAE_DEFAULTS } from '../train/ssvae.js';
import { CliError, EXIT, type IO, checkOutDir, cliOption, numberSpec, onInterrupt, signalExit } from './util.js';

interface ReproduceOpts {
  queue?: string;
  store?: string;
  budget: BudgetName | Table2BudgetName;
  classes: number[];
  rows?: Table2Estimator[];
  seconds: number;
  batch: number;
  threads: number;
  jobs?: number;
  lr?: number;
  out?: string;
  resume?: boolean;
  json?: boolean;
  backend: 'wasm' | 'ref';
}

/** Words wrapped to lines of at most `width` characters, each after `indent`. */
function wrap(text: string, indent: string, width = 100): string {
  const lines: string[] = [];
  let line = '';
  for (const w of text.split(' ')) {
    if (line && indent.length + line.length + 1 + w.length > width) {
      lines.push(indent + line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

const budgetHelp = [
  'table1:', ...BUDGET_NAMES.map((b) => `  ${b}:\n${wrap(`${BUDGETS[b].summary}.`, '    ')}`),
  'table2:', ...TABLE2_BUDGET_NAMES.map((b) => `  ${b}:\n${wrap(`${TABLE2_BUDGETS[b].summary}.`, '    ')}`),
  'zoo:', ...ZOO_BUDGET_NAMES.map((b) => `  ${b}:\n${wrap(`${ZOO_BUDGETS[b].summary}.`, '    ')}`),
].join('\n');

function parseRows(v: string): Table2Estimator[] {
  const rows = v.split(',').map((s) => s.trim());
  const bad = rows.filter((r) => !(TABLE2_ROWS as readonly string[]).includes(r));
  if (bad.length) throw new InvalidArgumentError(`must be Table 2 rows (${TABLE2_ROWS.join(', ')}), found ${bad.join(', ')}.`);
  return rows as Table2Estimator[];
}

function parseClasses(v: string): number[] {
  const ks = v.split(',').map((s) => Number(s.trim()));
  if (!ks.length || ks.some((k) => !Number.isInteger(k) || k < 2 || k > 256)) throw new InvalidArgumentError('must be class counts between 2 and 256, like 5,10,100.');
  return ks;
}

/** `reproduce <table> --queue URL`: this process's share of the table's cells; the table when every cell is done. */
async function reproduceThroughQueue(io: IO, setCode: (code: number) => void, o: ReproduceOpts, table: string, budget: string, store: string, threads?: number): Promise<void> {
  const t = QUEUE_TABLES[table];
  const ctl = new AbortController();
  // --lr (table2 only): a variant of the budget, so another rate is another queue and another store's plan.
  const b = o.lr === undefined ? t.budgets[budget] : ({ ...t.budgets[budget], lr: o.lr } as QueueBudget);
  await onInterrupt(io, async (stop) => {
    const q = await reproduceQueue({
      url: o.queue!, table, budget: b, store, jobs: o.jobs ?? availableParallelism(), threads, backend: o.backend, stderr: io.stderr, signal: ctl.signal,
      command: ['gumbel', 'reproduce', table, '--budget', budget, ...(o.lr !== undefined ? ['--lr', o.lr] : []), '--store', store, '--queue', o.queue, ...(o.backend !== 'wasm' ? ['--backend', o.backend] : [])].join(' '),
    });
    if (q.interrupted) {
      io.stderr.write('interrupted: the running cells went back to the queue; the other workers go on (rerun the same command to rejoin)\n');
      setCode(signalExit(stop.signal ?? 'SIGINT'));
      return;
    }
    if (q.failed.length) throw new CliError(`${q.failed.length} cell${q.failed.length > 1 ? 's' : ''} failed: ${q.failed.map((f) => `${f.id} (${f.message})`).join('; ')}`, EXIT.failure);
    io.stderr.write(`${t.title} (${budget}) through the queue: ${q.done} cells; ${join(store, t.file)}\n`);
    if (o.json) io.stdout.write(JSON.stringify(q.report) + '\n');
  }, { what: 'every running cell writes a checkpoint after its current step', onStop: () => ctl.abort() });
}

export function reproduceCommand(io: IO, setCode: (code: number) => void): Command {
  return new Command('reproduce')
    .description('reproduce a result of the paper: table1 trains all 28 cells (SBN and VAE, Bernoulli and categorical, × 7 estimators), ' +
      'selects hyper-parameters on validation, and writes table1.md, table1.json and one SVG of validation curves per row; ' +
      'table2 trains the semi-supervised M2 model with marginalization, Gumbel-Softmax and ST Gumbel-Softmax over the α grid (table2.md, table2.json); ' +
      'speed measures training steps/s of marginalization against Gumbel-Softmax for k classes (Fig. 5a: speed.json, speed.svg); ' +
      'zoo trains every registered estimator on the four Table 1 models under one protocol (zoo.md, zoo.json, one SVG per model)')
    .addArgument(new Argument('<table>', 'which result (speed: Fig. 5a; zoo: every estimator)').choices(['table1', 'table2', 'speed', 'zoo', 'status']))
    .addOption(new Option('--budget <name>', 'how much training: quick (minutes; numbers meaningless), short (table2), standard (hours), long (table1: days, Adam, 100k steps per cell; table2: 20k steps, one α per row), paper (table1: about 550k steps per cell)')
      .choices([...new Set([...BUDGET_NAMES, ...TABLE2_BUDGET_NAMES])]).default('standard'))
    .option('--classes <list>', 'speed: class counts k', parseClasses, [5, 10, 100])
    .option('--rows <list>', `table2: train only these rows' runs (${TABLE2_ROWS.join(', ')}); the table shows every finished run`, parseRows)
    .addOption(cliOption(numberSpec('--seconds <s>', 'speed: seconds of timed steps per cell (after one warm-up step; at least 2 steps)', 'number', 0, 86_400), 20, false))
    .addOption(cliOption({ ...optionSpec('batch'), help: 'speed: unlabeled rows per step' }, 100, false))
    .addOption(cliOption({ ...optionSpec('threads'), help: 'table2, speed, zoo, and every table with --queue: wasm threads (0: one per core, up to 4; zoo and --queue default: the cores shared among the jobs)' }, 1, false))
    .addOption(cliOption(numberSpec('--jobs <n>', `table1, zoo: cells in parallel, each in its own process (default: one per core, here ${availableParallelism()}); table2: runs in parallel processes (default 1: in this process; with --queue one per core)`, 'int', 1, 64), null, false))
    .addOption(cliOption({ ...optionSpec('lr'), help: `table2: Adam's learning rate of every run (default ${SSVAE_DEFAULTS.optimizer.lr}, as Kingma et al.; the paper does not say)` }, null, false))
    .option('--out <dir>', 'output folder, one run folder per cell (default runs/table1-<budget>)')
    .option('--resume', 'continue the reproduction in --out: skip finished cells, resume running ones from their checkpoints')
    .option('--queue <url>', 'table1, table2, zoo: share the cells with every process started with the same command and this Redis (redis://host:6379); status: show that queue')
    .option('--store <dir>', '--queue: the folder every machine sees at the same path (default: --out)')
    .option('--json', 'print table1.json on stdout when done')
    .addOption(new Option('--backend <name>', 'compute backend').choices(['wasm', 'ref']).default('wasm'))
    .addHelpText('after', `\nBudgets:\n${budgetHelp}\n`)
    .action(async (table: string, o: ReproduceOpts, cmd: Command) => {
      if (table === 'status') {
        if (!o.queue) throw new CliError('reproduce status needs --queue redis://host:port', EXIT.usage);
        return queueStatus(o.queue, io.stdout);
      }
      if (o.lr !== undefined && table !== 'table2') throw new CliError(`--lr is for table2 only (${table} has its own learning-rate grids), found --lr ${o.lr}`, EXIT.usage);
      // Output folders at the door: '' would write into the current folder, a file fails cells later.
      if (o.out !== undefined) await checkOutDir('--out', o.out);
      if (o.store !== undefined) await checkOutDir('--store', o.store);
      if (table === 'speed') {
        const outDir = o.out ?? 'runs/speed';
        const command = ['gumbel', 'reproduce', 'speed', '--classes', o.classes.join(','), '--seconds', o.seconds, '--batch', o.batch, '--threads', o.threads, '--out', outDir].join(' ');
        const r = await reproduceSpeed({ classes: o.classes, batch: o.batch, seconds: o.seconds, outDir, stderr: io.stderr, backend: o.backend, threads: o.threads, command });
        io.stderr.write(`speed-up of Gumbel-Softmax over marginalization: ${r.speedup.map((s) => `k = ${s.classes}: ${s.ours.toFixed(2)}×${s.paper ? ` (paper ${s.paper}×)` : ''}`).join(', ')}; ${outDir}/speed.svg\n`);
        if (o.json) io.stdout.write(JSON.stringify(r) + '\n');
        return;
      }
      if (table === 'table2') {
        const budget = o.budget as Table2BudgetName;
        if (!(TABLE2_BUDGET_NAMES as string[]).includes(budget)) throw new CliError(`table2 budgets are ${TABLE2_BUDGET_NAMES.join(', ')}, found --budget ${budget}`, EXIT.usage);
        const outDir = o.out ?? `runs/table2-${budget}`;
        if (o.queue && o.rows) throw new CliError('--rows and --queue do not go together: the queue hands out every run', EXIT.usage);
        if (o.queue) return reproduceThroughQueue(io, setCode, o, table, budget, o.store ?? outDir, cmd.getOptionValueSource('threads') === 'cli' ? o.threads : undefined);
        const jobs = o.jobs ?? 1;
        const command = ['gumbel', 'reproduce', 'table2', '--budget', budget, ...(o.lr !== undefined ? ['--lr', o.lr] : []), '--out', outDir,
          ...(jobs !== 1 ? ['--jobs', jobs] : []), ...(o.threads !== 1 ? ['--threads', o.threads] : [])].join(' ');
        const ctl = new AbortController();
        await onInterrupt(io, async (stop) => {
          const r = await reproduceTable2({ budget, outDir, resume: !!o.resume, backend: o.backend, threads: o.threads, jobs, rows: o.rows,
            lr: o.lr, stderr: io.stderr, command, signal: ctl.signal });
          if (ctl.signal.aborted && !r.complete) {
            io.stderr.write(`interrupted (${outDir}/table2.md holds the finished runs); continue with: ${command}${o.rows ? ` --rows ${o.rows.join(',')}` : ''} --resume\n`);
            setCode(signalExit(stop.signal ?? 'SIGINT'));
            return;
          }
          if (!r.complete && o.rows) io.stderr.write(`--rows ${o.rows.join(',')} finished; the other rows: ${command} --resume\n`);
          io.stderr.write(`Table 2 (${budget}): ${r.rows.map((row) => `${row.yEstimator} ${(100 * row.test.accuracy).toFixed(1)}% / ${row.test.elbo.toFixed(1)}`).join(', ')}; ${outDir}/table2.md\n`);
          if (o.json) io.stdout.write(JSON.stringify(r) + '\n');
        }, { what: 'every running run writes a checkpoint after its current step', onStop: () => ctl.abort() });
        return;
      }
      // On --resume without --budget, the reproduction's own budget.
      const ownBudget = async (outDir: string) => (o.resume && cmd.getOptionValueSource('budget') !== 'cli' && (await stat(join(outDir, PLAN_FILE)).catch(() => null))
        ? (await readJson<{ budget: string }>(join(outDir, PLAN_FILE), 'reproduction')).budget : o.budget);
      if (table === 'zoo') {
        const outDir = o.out ?? `runs/zoo-${o.budget}`;
        const budget = (await ownBudget(outDir)) as ZooBudgetName;
        if (!(ZOO_BUDGET_NAMES as readonly string[]).includes(budget)) throw new CliError(`zoo budgets are ${ZOO_BUDGET_NAMES.join(', ')}, found --budget ${budget}`, EXIT.usage);
        if (o.queue) return reproduceThroughQueue(io, setCode, o, table, budget, o.store ?? outDir, cmd.getOptionValueSource('threads') === 'cli' ? o.threads : undefined);
        const threads = cmd.getOptionValueSource('threads') === 'cli' ? o.threads : undefined;
        const command = ['gumbel', 'reproduce', 'zoo', '--budget', budget, '--out', outDir, ...(o.jobs ? ['--jobs', o.jobs] : []), ...(threads !== undefined ? ['--threads', threads] : []),
          ...(o.backend !== 'wasm' ? ['--backend', o.backend] : [])].join(' ');
        const ctl = new AbortController();
        await onInterrupt(io, async (stop) => {
          const r = await reproduceZoo({ budget, jobs: o.jobs ?? availableParallelism(), threads, outDir, resume: !!o.resume, backend: o.backend, stderr: io.stderr, signal: ctl.signal, command });
          const rep = r.report;
          if (r.interrupted && !rep.complete) {
            io.stderr.write(`interrupted with ${rep.finished} of ${rep.total} cells finished (${r.outDir}/zoo.md); continue with: ${command} --resume\n`);
            setCode(signalExit(stop.signal ?? 'SIGINT'));
            return;
          }
          if (r.failed.length) throw new CliError(`${r.failed.length} zoo cell${r.failed.length > 1 ? 's' : ''} failed (${r.failed.map((f) => f.id).join(', ')}); rerun with --resume after fixing the cause`, EXIT.failure);
          io.stderr.write(`estimator zoo (${budget}): ${rep.finished} of ${rep.total} cells; ${r.outDir}/zoo.md\n`);
          if (o.json) io.stdout.write(JSON.stringify(rep) + '\n');
        }, { what: 'every running cell writes a checkpoint after its current step', onStop: () => ctl.abort() });
        return;
      }
      if (!(BUDGET_NAMES as readonly string[]).includes(o.budget)) throw new CliError(`table1 budgets are ${BUDGET_NAMES.join(', ')}, found --budget ${o.budget}`, EXIT.usage);
      const outDir = o.out ?? `runs/table1-${o.budget}`;
      const budget = (await ownBudget(outDir)) as BudgetName;
      if (o.queue) return reproduceThroughQueue(io, setCode, o, table, budget, o.store ?? outDir, cmd.getOptionValueSource('threads') === 'cli' ? o.threads : undefined);
      const command = ['gumbel', 'reproduce', table, '--budget', budget, '--out', outDir, ...(o.backend !== 'wasm' ? ['--backend', o.backend] : [])].join(' ');
      const ctl = new AbortController();
      await onInterrupt(io, async (stop) => {
        const r = await reproduceTable1({
          budget, jobs: o.jobs ?? availableParallelism(), outDir, resume: !!o.resume, backend: o.backend, stderr: io.stderr, signal: ctl.signal, command,
        });
        const rep = r.report;
        const files = `${r.outDir}/table1.md`;
        if (r.interrupted && !rep.complete) {
          io.stderr.write(`interrupted with ${rep.finished} of ${rep.total} cells finished (${files}); continue with: ${command} --resume\n`);
          setCode(signalExit(stop.signal ?? 'SIGINT'));
          return;
        }
        if (r.failed.length) {
          throw new CliError(`${r.failed.length} cell${r.failed.length > 1 ? 's' : ''} failed (${r.failed.map((f) => f.id).join(', ')}); ` +
            `${rep.finished} of ${rep.total} finished (${files}); rerun with --resume after fixing the cause`, EXIT.failure);
        }
        const ok = rep.cells.filter((c) => c.status === 'ok');
        io.stderr.write(`Table 1 (${budget}): ${rep.finished} cells, ${ok.filter((c) => c.withinTarget).length} within target of the paper; ${files}\n`);
        if (o.json) io.stdout.write(JSON.stringify(rep) + '\n');
      }, { what: 'every running cell writes a checkpoint after its current step', onStop: () => ctl.abort() });
    });
}

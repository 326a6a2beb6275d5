// `gumbel reproduce table1`: every estimator on the structured-output SBN and the VAE, Bernoulli and
// categorical, beside the paper's Table 1 (src/reproduce).
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Argument, Command, Option } from 'commander';
import { BUDGET_NAMES, BUDGETS, type BudgetName, PLAN_FILE, reproduceTable1 } from '../reproduce/index.js';
import { readJson } from '../train/files.js';
import { CliError, EXIT, type IO, parseInteger } from './util.js';

interface ReproduceOpts {
  budget: BudgetName;
  jobs?: number;
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

const budgetHelp = BUDGET_NAMES.map((b) => `  ${b}:\n${wrap(`${BUDGETS[b].summary}.`, '    ')}`).join('\n');

export function reproduceCommand(io: IO, setCode: (code: number) => void): Command {
  return new Command('reproduce')
    .description('reproduce a table of the paper: table1 trains all 28 cells (SBN and VAE, Bernoulli and categorical, × 7 estimators), ' +
      'selects hyper-parameters on validation, and writes table1.md, table1.json and one SVG of validation curves per row')
    .addArgument(new Argument('<table>', 'which table').choices(['table1']))
    .addOption(new Option('--budget <name>', 'how much training: quick (minutes; numbers meaningless), standard (hours), paper (about 550k steps per cell)')
      .choices(BUDGET_NAMES).default('standard'))
    .option('--jobs <n>', `cells in parallel, each in its own process (default: one per core, here ${availableParallelism()})`, parseInteger(1))
    .option('--out <dir>', 'output folder, one run folder per cell (default runs/table1-<budget>)')
    .option('--resume', 'continue the reproduction in --out: skip finished cells, resume running ones from their checkpoints')
    .option('--json', 'print table1.json on stdout when done')
    .addOption(new Option('--backend <name>', 'compute backend').choices(['wasm', 'ref']).default('wasm'))
    .addHelpText('after', `\nBudgets:\n${budgetHelp}\n`)
    .action(async (table: string, o: ReproduceOpts, cmd: Command) => {
      const outDir = o.out ?? `runs/table1-${o.budget}`;
      let budget = o.budget;
      // On --resume without --budget, the reproduction's own budget.
      if (o.resume && cmd.getOptionValueSource('budget') !== 'cli' && (await stat(join(outDir, PLAN_FILE)).catch(() => null))) {
        budget = (await readJson<{ budget: BudgetName }>(join(outDir, PLAN_FILE), 'reproduction')).budget;
      }
      const command = ['gumbel', 'reproduce', table, '--budget', budget, '--out', outDir, ...(o.backend !== 'wasm' ? ['--backend', o.backend] : [])].join(' ');
      const ctl = new AbortController();
      const onSigint = () => {
        if (ctl.signal.aborted) process.exit(EXIT.interrupted);
        ctl.abort();
        io.stderr.write('\ninterrupt: every running cell writes a checkpoint after its current step (Ctrl-C again to quit at once)\n');
      };
      process.on('SIGINT', onSigint);
      try {
        const r = await reproduceTable1({
          budget, jobs: o.jobs ?? availableParallelism(), outDir, resume: !!o.resume, backend: o.backend, stderr: io.stderr, signal: ctl.signal, command,
        });
        const rep = r.report;
        const files = `${r.outDir}/table1.md`;
        if (r.interrupted && !rep.complete) {
          io.stderr.write(`interrupted with ${rep.finished} of ${rep.total} cells finished (${files}); continue with: ${command} --resume\n`);
          setCode(EXIT.interrupted);
          return;
        }
        if (r.failed.length) {
          throw new CliError(`${r.failed.length} cell${r.failed.length > 1 ? 's' : ''} failed (${r.failed.map((f) => f.id).join(', ')}); ` +
            `${rep.finished} of ${rep.total} finished (${files}); rerun with --resume after fixing the cause`, EXIT.failure);
        }
        const ok = rep.cells.filter((c) => c.status === 'ok');
        io.stderr.write(`Table 1 (${budget}): ${rep.finished} cells, ${ok.filter((c) => c.withinTarget).length} within target of the paper; ${files}\n`);
        if (o.json) io.stdout.write(JSON.stringify(rep) + '\n');
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });
}

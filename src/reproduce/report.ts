// The reproduction's artifacts: table1.json (every cell's result and the protocol), table1.md (our
// number beside the paper's, the chosen hyper-parameters, steps, seeds, wall time) and one SVG per
// row with the validation curves of its seven estimators (the paper's Figures 3 and 4).
import { curvesSvg } from '../train/curves.js';
import type { CellResult } from './cell.js';
import { TABLE1_COLUMNS } from './paper.js';
import { type Budget, CELLS, DEFAULT_TAU, describeSetting, ESTIMATOR_LABELS, num, type Row, ROWS, rowId } from './table1.js';

export const TABLE_FILES = { md: 'table1.md', json: 'table1.json' } as const;
export const svgFile = (r: Pick<Row, 'model' | 'latent'>) => `table1-${rowId(r)}.svg`;

export interface Table1Report {
  table: string;
  command: string;
  budget: Budget;
  /** true when all 28 cells have finished. */
  complete: boolean;
  finished: number;
  total: number;
  /** Compute seconds of every finished cell (train + evaluation + loading, every pilot and final run, summed over sessions). */
  computeSeconds: number;
  /** Wall time of the session that wrote this file. */
  sessionSeconds: number;
  jobs: number;
  threadsPerJob: number;
  written: string;
  /** In table order; unfinished cells are absent. */
  cells: CellResult[];
  figures: { row: string; file: string }[];
}

export function buildReport(
  cells: CellResult[], budget: Budget, meta: { command: string; sessionSeconds: number; jobs: number; threadsPerJob: number },
): Table1Report {
  const byId = new Map(cells.map((c) => [c.id, c]));
  const ordered = CELLS.map((c) => byId.get(c.id)).filter((c): c is CellResult => !!c);
  return {
    table: 'Jang, Gu & Poole, Categorical Reparameterization with Gumbel-Softmax (ICLR 2017), Table 1: test negative log-likelihood (nats)',
    command: meta.command,
    budget,
    complete: ordered.length === CELLS.length,
    finished: ordered.length,
    total: CELLS.length,
    computeSeconds: ordered.reduce((a, c) => a + c.seconds.total, 0),
    sessionSeconds: meta.sessionSeconds,
    jobs: meta.jobs,
    threadsPerJob: meta.threadsPerJob,
    written: new Date().toISOString(),
    cells: ordered,
    figures: ROWS.map((r) => ({ row: r.label, file: svgFile(r) })),
  };
}

const f2 = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(2));
const f1 = (x: number) => x.toFixed(1);
const sign = (x: number) => (x > 0 ? `+${x.toFixed(2)}` : x.toFixed(2));

export function duration(s: number): string {
  if (s < 90) return `${s.toFixed(1)} s`;
  if (s < 5400) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(2)} h`;
}

export const evalText = (e: { examples: number; samples: number }, split: string) =>
  `${e.examples ? `the first ${e.examples.toLocaleString('en-US')}` : 'all'} ${split} examples, m = ${e.samples}`;

/** The protocol of a budget, as sentences. */
export function protocolText(b: Budget): string[] {
  const lrs = b.lrGrid.map(num).join(', ');
  const taus = b.tauGrid.map((t) => `(r ${num(t.rate)}, N ${t.every})`).join(', ');
  return [
    `Every cell: ${b.optimizer === 'adam' ? 'Adam (β 0.9, 0.999; the paper: SGD with momentum 0.9)' : 'SGD with momentum 0.9'}, batch ${b.batch}, seed ${b.seed}, ${b.trainSize ? `the first ${b.trainSize.toLocaleString('en-US')}` : 'all 50,000'} training examples ` +
      '(fixed binarization, 50k/10k/10k split); the paper\'s model sizes (200 Bernoulli units or 20×10 categorical per stochastic layer, learned prior for the VAE).',
    b.jointGrid
      ? `Pilots: ${b.pilotSteps.toLocaleString('en-US')} steps for every learning rate in {${lrs}}; for the VAE Gumbel-Softmax and ST Gumbel-Softmax cells, for every pair of that and the τ schedules ${taus}, τ = max(0.5, exp(−r·N·⌊t/N⌋)).`
      : `Pilots: ${b.pilotSteps.toLocaleString('en-US')} steps for every learning rate in {${lrs}} (VAE: τ schedule r ${num(DEFAULT_TAU.rate)}, N ${DEFAULT_TAU.every}); ` +
        `then, for the VAE Gumbel-Softmax and ST Gumbel-Softmax cells, ${b.tauPilotSteps.toLocaleString('en-US')} steps for each τ schedule in ${taus} at the chosen learning rate, τ = max(0.5, exp(−r·N·⌊t/N⌋)).`,
    'Only the relaxed estimators use τ: the SBN keeps τ = 1 (the paper), and the other VAE estimators sample discretely, so their τ is not selected.',
    `A pilot is scored by its validation metric at its last step (${evalText(b.pilotValid, 'validation')}); the lowest wins. A pilot whose loss became non-finite is out; if the final run diverges, the next-best setting is trained instead.`,
    `Final run: ${b.finalSteps.toLocaleString('en-US')} steps of the selected setting, validated every ${b.finalEvalEvery.toLocaleString('en-US')} steps (${evalText(b.finalValid, 'validation')}); ` +
      `test: ${evalText(b.test, 'test')} (SBN: NLL of the lower half, log-mean-exp over m samples; VAE: the m-sample importance bound on −log p(x); discrete samples).`,
  ];
}

/** table1.md */
export function markdownReport(r: Table1Report): string {
  const b = r.budget;
  const byKey = new Map(r.cells.map((c) => [c.id, c]));
  const out: string[] = [];
  out.push('# Table 1 of Jang, Gu & Poole (ICLR 2017), reproduced', '');
  out.push(`Test negative log-likelihood in nats (lower is better): ours beside the paper's. Budget **${b.name}**.`, '');
  if (!r.complete) out.push(`> **Incomplete: ${r.finished} of ${r.total} cells have finished.** Continue with the same command and \`--resume\`.`, '');
  if (b.name === 'quick') {
    out.push(`> **Budget quick: the numbers are meaningless.** It checks the pipeline end to end with tiny runs; the test numbers use ${evalText(b.test, 'test')}, not the paper's m = 1000 on all 10,000.`, '');
  } else if (b.name === 'long') {
    out.push(`> Budget long deviates from the paper to fit a few days of a small machine: Adam instead of SGD with momentum, and ${b.finalSteps.toLocaleString('en-US')} steps per final run instead of about 550,000 (see Protocol).`, '');
  } else if (b.name === 'standard') {
    out.push(`> Budget standard trains ${b.finalSteps.toLocaleString('en-US')} steps per cell, the paper about 550,000: expect our numbers above the paper's, most of all for the slowly converging estimators.`, '');
  }
  out.push('Regenerate with:', '', '```sh', r.command, '```', '');

  out.push('## Side by side', '');
  out.push(`| ours / paper | ${TABLE1_COLUMNS.map((c) => c.label).join(' | ')} |`);
  out.push(`|---|${TABLE1_COLUMNS.map(() => '---:').join('|')}|`);
  for (const row of ROWS) {
    const cells = CELLS.filter((c) => c.model === row.model && c.latent === row.latent);
    out.push(`| ${row.label} | ${cells.map((c) => {
      const got = byKey.get(c.id);
      const ours = got ? (got.status === 'ok' ? f2(got.ours) : 'diverged') : '…';
      return `${ours} / ${c.paper.toFixed(1)}`;
    }).join(' | ')} |`);
  }
  out.push('');
  const done = r.cells.filter((c) => c.status === 'ok');
  const within = done.filter((c) => c.withinTarget).length;
  out.push(
    `Targets (within 2 nats of the paper or better for Gumbel-Softmax and ST Gumbel-Softmax, within 4 for the others): ${within} of ${r.finished} finished cells meet theirs.`,
    '',
  );

  out.push('## Every cell', '');
  out.push('| row | estimator | ours | paper | Δ | target | selected (on validation) | pilots | steps: pilots + final | seed | final valid | test (m, examples) | wall time |');
  out.push('|---|---|---:|---:|---:|:---:|---|---:|---:|---:|---:|---|---:|');
  for (const c of CELLS) {
    const got = byKey.get(c.id);
    if (!got) {
      out.push(`| ${c.label} | ${ESTIMATOR_LABELS[c.estimator]} | … | ${c.paper.toFixed(1)} | | | not finished | | | | | | |`);
      continue;
    }
    const pilots = `${got.pilots.length}${got.pilots.some((p) => p.diverged) ? ` (${got.pilots.filter((p) => p.diverged).length} diverged)` : ''}`;
    const sel = got.selected ? got.selected.description + (got.failedFinals.length ? ` (after ${got.failedFinals.length} diverged)` : '') : 'all diverged';
    const test = got.final ? `${got.final.test.samples}, ${got.final.test.examples.toLocaleString('en-US')}` : '—';
    out.push(
      `| ${c.label} | ${ESTIMATOR_LABELS[c.estimator]} | ${got.status === 'ok' ? f2(got.ours) : 'diverged'} | ${c.paper.toFixed(1)} | ${got.delta === null ? '—' : sign(got.delta)} | ` +
        `${got.withinTarget ? '✓' : '✗'} ±${c.tolerance} | ${sel} | ${pilots} | ${got.steps.pilots.toLocaleString('en-US')} + ${got.steps.final.toLocaleString('en-US')} | ${got.seed} | ` +
        `${f2(got.final?.valid?.value)} | ${test} | ${duration(got.seconds.total)} |`,
    );
  }
  out.push('');
  const first = r.cells.find((c) => c.backend);
  out.push(
    `Wall time per cell: training, evaluation and data loading of all its runs on one ${first?.backend ? `${first.backend.name} (${first.backend.variant})` : ''} worker ` +
      `(${r.threadsPerJob} thread${r.threadsPerJob > 1 ? 's' : ''}; ${r.jobs} cell${r.jobs > 1 ? 's' : ''} in parallel). ` +
      `All finished cells: ${duration(r.computeSeconds)} of compute; the session that wrote this file ran ${duration(r.sessionSeconds)}.`,
    '',
  );

  out.push('## Validation curves (the paper\'s Figures 3 and 4)', '');
  for (const row of ROWS) out.push(`![${row.label}](${svgFile(row)})`);
  out.push('');

  out.push('## Protocol', '');
  for (const p of protocolText(b)) out.push(`- ${p}`);
  out.push(`- Budget ${b.name}: ${b.summary}.`);
  out.push('- Each cell is a folder `<model>-<latent>-<estimator>/` next to this file: `pilot-*/` and `final-*/` are `gumbel train` run folders (config.json, metrics.jsonl, checkpoint, result.json, curves.svg), `cell.json` is the cell\'s result.');
  out.push('');

  out.push('## Pilots', '');
  out.push('Validation score at each pilot\'s last step (lower is better; the selected setting in bold).', '');
  for (const c of r.cells) {
    const parts = c.pilots.map((p) => {
      const s = `${describeSetting(p.setting, c)} (${p.steps.toLocaleString('en-US')} steps): ${p.diverged ? 'diverged' : f2(p.valid)}`;
      const chosen = c.selected && p.setting.lr === c.selected.lr && JSON.stringify(p.setting.tau) === JSON.stringify(c.selected.tau);
      return chosen ? `**${s}**` : s;
    });
    out.push(`- ${c.id}: ${parts.join('; ')}`);
  }
  out.push('');
  return out.join('\n');
}

/** One row's validation curves, one line per estimator. */
export function rowSvg(row: Row, r: Table1Report): string {
  const cells = r.cells.filter((c) => c.model === row.model && c.latent === row.latent);
  const v = r.budget.finalValid;
  return curvesSvg(
    TABLE1_COLUMNS.map(({ estimator: e, label, color }) => ({
      name: label,
      color,
      points: cells.find((c) => c.estimator === e)?.final?.curve ?? [],
    })),
    {
      title: `${row.label} ${row.architecture}: validation (${r.budget.name} budget)`,
      yLabel: `${row.model === 'vae' ? '−log p̂(x)' : 'NLL'}, nats (${v.examples || 'all'} valid ex., m = ${v.samples})`,
    },
  );
}

// Table 1 of Jang, Gu & Poole (ICLR 2017) as a plan: its 28 cells (4 rows × 7 estimators), the
// paper's numbers and our targets, the hyper-parameter grids of §4, and the three budgets of
// `gumbel reproduce table1` — each a complete, written-down protocol (pilot runs, selection, final
// run, test evaluation), so a table says exactly what produced it.
import type { EstimatorName } from '../estimators/estimator.js';
import type { LatentKind, ModelName } from '../models/index.js';
import { PAPER_TABLE1, TABLE1_COLUMNS } from './paper.js';

export interface Row {
  model: ModelName;
  latent: LatentKind;
  /** As the paper writes it. */
  label: string;
  architecture: string;
}

/** The paper's four rows, in its order. */
export const ROWS: readonly Row[] = [
  { model: 'sbn', latent: 'bernoulli', label: 'SBN (Bernoulli)', architecture: '392-200-200-392, τ = 1' },
  { model: 'sbn', latent: 'categorical', label: 'SBN (Categorical)', architecture: '392-(20×10)-(20×10)-392, τ = 1' },
  { model: 'vae', latent: 'bernoulli', label: 'VAE (Bernoulli)', architecture: '784-200-784, learned prior' },
  { model: 'vae', latent: 'categorical', label: 'VAE (Categorical)', architecture: '784-(20×10)-784, learned prior' },
];

/** Column headers as the paper writes them. */
export const ESTIMATOR_LABELS = Object.fromEntries(TABLE1_COLUMNS.map((c) => [c.estimator, c.label])) as Partial<Record<EstimatorName, string>>;

export interface Cell extends Row {
  estimator: EstimatorName;
  /** Folder name under --out: `<model>-<latent>-<estimator>`. */
  id: string;
  paper: number;
  /** The issue's target: within 2 nats of the paper for the Gumbel-Softmax estimators, 4 for the rest (or better). */
  tolerance: number;
}

export const rowId = (r: Pick<Row, 'model' | 'latent'>) => `${r.model}-${r.latent}`;

/** The 28 cells, row by row: the paper's table, not the estimator registry (a new estimator adds no cell). */
export const CELLS: readonly Cell[] = ROWS.flatMap((row) =>
  TABLE1_COLUMNS.filter((c) => PAPER_TABLE1[row.model][row.latent][c.estimator] !== undefined).map(({ estimator }) => ({
    ...row,
    estimator,
    id: `${rowId(row)}-${estimator}`,
    paper: PAPER_TABLE1[row.model][row.latent][estimator]!,
    tolerance: estimator === 'gumbel_softmax' || estimator === 'st_gumbel_softmax' ? 2 : 4,
  })),
);

/** Whether the cell's τ schedule changes anything: only the relaxed estimators use τ, and only the VAE anneals it. */
export const selectsTau = (c: Pick<Cell, 'model' | 'estimator'>) =>
  c.model === 'vae' && (c.estimator === 'gumbel_softmax' || c.estimator === 'st_gumbel_softmax');

/** The paper's learning-rate grid (§4), SGD with momentum 0.9. */
export const PAPER_LR_GRID: readonly number[] = [3e-5, 1e-5, 3e-4, 1e-4, 3e-3, 1e-3];

export interface TauSetting {
  /** r of τ = max(0.5, exp(−r·t)). */
  rate: number;
  /** τ is updated every N steps. */
  every: number;
}

/** The paper's VAE temperature grid (§4.2): r ∈ {1e−5, 1e−4}, N ∈ {500, 1000}. */
export const PAPER_TAU_GRID: readonly TauSetting[] = [1e-5, 1e-4].flatMap((rate) => [500, 1000].map((every) => ({ rate, every })));

/** The schedule of the learning-rate pilots of a VAE relaxed cell when τ is selected afterwards (the train default). */
export const DEFAULT_TAU: TauSetting = { rate: 1e-4, every: 1000 };

export const BUDGET_NAMES = ['quick', 'standard', 'long', 'paper'] as const;
export type BudgetName = (typeof BUDGET_NAMES)[number];

/** Examples and samples of a validation or test evaluation (examples 0: the whole split). */
export interface EvalSpec {
  examples: number;
  samples: number;
}

export interface Budget {
  name: BudgetName;
  /** One paragraph for the table and --help. */
  summary: string;
  /** Absent: the paper's SGD with momentum 0.9; 'adam': Adam (β 0.9, 0.999), a deviation the budget states. */
  optimizer?: 'adam';
  batch: number;
  /** Train on the first n training examples only (0: all 50,000). */
  trainSize: number;
  seed: number;
  /** Learning rates tried by the pilots. */
  lrGrid: readonly number[];
  /** τ schedules tried by the pilots of the VAE Gumbel-Softmax cells (only those use an annealed τ). */
  tauGrid: readonly TauSetting[];
  /** true: every (lr, τ) pair in one stage (the paper's grid); false: lr first (with DEFAULT_TAU), then τ at the chosen lr. */
  jointGrid: boolean;
  /** Steps of a learning-rate pilot, and of a τ pilot (second stage). */
  pilotSteps: number;
  tauPilotSteps: number;
  /** The validation score a pilot is judged by (at its last step). */
  pilotValid: EvalSpec;
  /** Steps of the final run of the selected setting. */
  finalSteps: number;
  /** The final run validates (a point of the curves) and checkpoints every this many steps. */
  finalEvalEvery: number;
  finalValid: EvalSpec;
  test: EvalSpec;
}

const quick: Budget = {
  name: 'quick',
  summary:
    'a smoke test of the whole pipeline, numbers meaningless: the first 1,000 training examples; lr pilots of 10 steps over {3e−3, 1e−3}, ' +
    'then (VAE Gumbel-Softmax cells) τ pilots of 10 steps over r ∈ {1e−5, 1e−4} with N = 500, each judged on 100 validation examples with m = 10; ' +
    'a final run of 40 steps validated every 10 steps (100 examples, m = 10); test on the first 100 test examples with m = 10 (not the paper\'s m = 1000)',
  batch: 100,
  trainSize: 1000,
  seed: 1,
  lrGrid: [3e-3, 1e-3],
  tauGrid: [{ rate: 1e-5, every: 500 }, { rate: 1e-4, every: 500 }],
  jointGrid: false,
  pilotSteps: 10,
  tauPilotSteps: 10,
  pilotValid: { examples: 100, samples: 10 },
  finalSteps: 40,
  finalEvalEvery: 10,
  finalValid: { examples: 100, samples: 10 },
  test: { examples: 100, samples: 10 },
};

const standard: Budget = {
  name: 'standard',
  summary:
    'all 50,000 training examples; lr pilots of 1,500 steps over the paper\'s whole grid {3e−5, 1e−5, 3e−4, 1e−4, 3e−3, 1e−3}, ' +
    'then (VAE Gumbel-Softmax cells) τ pilots of 5,000 steps over the paper\'s r ∈ {1e−5, 1e−4} × N ∈ {500, 1000} at the chosen lr, ' +
    'each judged on the first 1,000 validation examples with m = 100; a final run of 20,000 steps (40 epochs, about 4% of the paper\'s) ' +
    'validated every 1,000 steps (1,000 examples, m = 100); test on all 10,000 test examples with m = 1000',
  batch: 100,
  trainSize: 0,
  seed: 1,
  lrGrid: PAPER_LR_GRID,
  tauGrid: PAPER_TAU_GRID,
  jointGrid: false,
  pilotSteps: 1500,
  tauPilotSteps: 5000,
  pilotValid: { examples: 1000, samples: 100 },
  finalSteps: 20_000,
  finalEvalEvery: 1000,
  finalValid: { examples: 1000, samples: 100 },
  test: { examples: 0, samples: 1000 },
};

const paper: Budget = {
  name: 'paper',
  summary:
    'the paper\'s protocol at its length: all 50,000 training examples; pilots of 20,000 steps over the whole grid ' +
    '(6 learning rates; × 4 τ schedules jointly for the VAE Gumbel-Softmax cells), each judged on all 10,000 validation examples with m = 100; ' +
    'a final run of 550,000 steps validated every 5,000 steps (1,000 examples, m = 100); test on all 10,000 test examples with m = 1000',
  batch: 100,
  trainSize: 0,
  seed: 1,
  lrGrid: PAPER_LR_GRID,
  tauGrid: PAPER_TAU_GRID,
  jointGrid: true,
  pilotSteps: 20_000,
  tauPilotSteps: 20_000,
  pilotValid: { examples: 0, samples: 100 },
  finalSteps: 550_000,
  finalEvalEvery: 5000,
  finalValid: { examples: 1000, samples: 100 },
  test: { examples: 0, samples: 1000 },
};

// Adam converges in far fewer steps than the paper's SGD: PyTorch at Adam 1e-3, 100,000 steps lands the
// Gumbel-Softmax VAEs within ~2 nats of the paper (issue 19). A few days of a 2-core machine.
const long: Budget = {
  name: 'long',
  summary:
    'the paper\'s numbers within a 2-core machine\'s few days, deviating from the paper in the optimizer and length: Adam (β 0.9, 0.999) instead of SGD with momentum, ' +
    'all 50,000 training examples; lr pilots of 5,000 steps over Adam\'s grid {1e−4, 3e−4, 1e−3}, then (VAE Gumbel-Softmax cells) τ pilots of 10,000 steps over the paper\'s ' +
    'r ∈ {1e−5, 1e−4} × N ∈ {500, 1000} at the chosen lr, each judged on the first 1,000 validation examples with m = 100; a final run of 100,000 steps (200 epochs, about 18% of the paper\'s) ' +
    'validated every 5,000 steps (1,000 examples, m = 100); test on all 10,000 test examples with m = 1000',
  optimizer: 'adam',
  batch: 100,
  trainSize: 0,
  seed: 1,
  lrGrid: [1e-4, 3e-4, 1e-3],
  tauGrid: PAPER_TAU_GRID,
  jointGrid: false,
  pilotSteps: 5000,
  tauPilotSteps: 10_000,
  pilotValid: { examples: 1000, samples: 100 },
  finalSteps: 100_000,
  finalEvalEvery: 5000,
  finalValid: { examples: 1000, samples: 100 },
  test: { examples: 0, samples: 1000 },
};

export const BUDGETS: Record<BudgetName, Budget> = { quick, standard, long, paper };

/** One hyper-parameter setting of a cell: the learning rate and (VAE) the τ schedule; null τ: fixed τ = 1 (SBN) or unused. */
export interface Setting {
  lr: number;
  tau: TauSetting | null;
}

/** The τ schedule a cell trains with when τ is not selected: fixed τ = 1 for the SBN; for the VAE the default (unused by non-relaxed estimators). */
export const baseTau = (c: Pick<Cell, 'model'>): TauSetting | null => (c.model === 'sbn' ? null : DEFAULT_TAU);

/** The settings of the first pilot stage. */
export function stage1(c: Cell, b: Budget): Setting[] {
  const taus = selectsTau(c) && b.jointGrid ? b.tauGrid : [baseTau(c)];
  return b.lrGrid.flatMap((lr) => taus.map((tau) => ({ lr, tau })));
}

/** The settings of the second stage (τ at the chosen lr), or none. */
export function stage2(c: Cell, b: Budget, lr: number): Setting[] {
  return selectsTau(c) && !b.jointGrid ? b.tauGrid.map((tau) => ({ lr, tau })) : [];
}

/** Pilot runs of a cell: the worst case (every stage-2 pilot included). */
export function pilotCount(c: Cell, b: Budget): number {
  return stage1(c, b).length + (selectsTau(c) && !b.jointGrid ? b.tauGrid.length : 0);
}

/** Training steps of a cell (pilots + final), the worst case. */
export function cellSteps(c: Cell, b: Budget): number {
  const s1 = stage1(c, b).length * b.pilotSteps;
  const s2 = selectsTau(c) && !b.jointGrid ? b.tauGrid.length * b.tauPilotSteps : 0;
  return s1 + s2 + b.finalSteps;
}

/** 3e-3, 1e-5: the grid's numbers as the paper writes them (exact for the grids here). */
export const num = (x: number) => x.toExponential().replace('e+', 'e');

/** "lr3e-3-r1e-4-N1000-s1500": a folder name for a run of this setting and length. */
export function settingKey(s: Setting, steps: number): string {
  return `lr${num(s.lr)}${s.tau ? `-r${num(s.tau.rate)}-N${s.tau.every}` : ''}-s${steps}`;
}

/** "lr 3e-3, r 1e-4, N 1000" for tables. */
export function describeSetting(s: Setting, c: Pick<Cell, 'model' | 'estimator'>): string {
  const lr = `lr ${num(s.lr)}`;
  if (c.model === 'sbn') return `${lr}, τ = 1`;
  if (!selectsTau(c)) return lr;
  return `${lr}, r ${num(s.tau!.rate)}, N ${s.tau!.every}`;
}

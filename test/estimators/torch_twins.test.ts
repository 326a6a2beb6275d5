// Each estimator after the paper against a PyTorch twin (torch_twins.py, written from the papers'
// formulas) on the same logits and the same fixed decoder f(z) = s·(vᵀ tanh(Wᵀz + b) − t)²: per
// coordinate of the gradient in the logits, N samples each side (independent RNGs), the means within
// 4 combined standard errors and the variances within 4 combined standard errors of the sample
// variance, SE(s²) = √((m₄ − s⁴(n − 3)/(n − 1))/n) with m₄ the fourth central moment. REBAR and RELAX
// at fixed η, temperature and control network (the estimator, not its training); VIMCO's is the
// gradient of the K-sample bound. Runs where /usr/bin/python3 (or $GUMBEL_TORCH_PYTHON) has torch;
// skipped with the reason printed otherwise (CI has none).
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { type GradientStats, gradientStats, singleLayer, smallNetwork } from '../../src/diagnostics/gradient_stats.js';
import { getBackend, setBackend } from '../../src/engine.js';
import { type CreateOptions, createEstimator, estimatorDescriptor, resolveOptions } from '../../src/estimators/index.js';
import { key } from '../../src/random/key.js';

const PYTHON = process.env.GUMBEL_TORCH_PYTHON ?? '/usr/bin/python3';
const SCRIPT = new URL('torch_twins.py', import.meta.url).pathname;
const N = 20000;

function torchMissing(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  return r.status === 0 ? null : `${PYTHON} cannot import torch (${r.error?.message ?? r.stderr.trim().split('\n').pop()}); set GUMBEL_TORCH_PYTHON`;
}
const missing = torchMissing();
if (missing) console.log(`torch_twins: skipped: ${missing}`);

const NET = { b: [0.1, -0.3, 0.2, 0], v: [0.5, -0.4, 0.3, 0.6], t: 0.2, s: 0.5 };
interface TwinProblem { kind: 'bernoulli' | 'categorical'; k?: number; theta: number[]; w: number[][]; b: number[]; v: number[]; t: number; s: number }
const PROBLEMS: Record<'bern' | 'cat', TwinProblem> = {
  bern: { kind: 'bernoulli', theta: [0.4, -0.9, 1.3], w: [[1.5, -1, 0.5, 2], [-2, 1, 1.5, -0.5], [1, 2, -1.5, 1]], ...NET },
  cat: {
    kind: 'categorical', k: 4, theta: [0.5, -0.2, 1, -1.1, -0.4, 0.8, 0.1, 0.3],
    w: [[1, -1, 0.5, 0], [-1.5, 0.5, 1, 1], [0.5, 1.5, -1, -0.5], [2, 0, 0.5, -1], [-1, 1, 0, 1.5], [0.5, -2, 1, 0], [1.5, 0.5, -0.5, 1], [0, 1, 2, -1]],
    ...NET,
  },
};
type ProblemName = keyof typeof PROBLEMS;

/** RELAX's control network r(s, ℓ) = Σ_j vᵀ tanh(a s_j + c ℓ_j + d) + e, given explicitly (3 hidden units). */
const NETWORK = { a: [0.7, -1.2, 0.4], c: [0.3, 0.5, -0.8], d: [0.1, -0.2, 0.3], v: [0.6, -0.5, 0.9], e: 0.25 };

interface Case { estimator: string; problems: ProblemName[]; tau?: number; opts?: CreateOptions; label?: string }
const BOTH: ProblemName[] = ['bern', 'cat'];
const CASES: Case[] = [
  { estimator: 'reinmax', problems: BOTH, tau: 1.5 },
  { estimator: 'gst', problems: BOTH, tau: 0.7, label: 'GST-1.0' },
  { estimator: 'gst', problems: BOTH, tau: 0.7, opts: { adaptive: true }, label: 'GST-p' },
  { estimator: 'gumbel_rao', problems: BOTH, tau: 0.5, opts: { samples: 4 }, label: 'GR-MC4' },
  { estimator: 'zgr', problems: BOTH },
  { estimator: 'decoupled_st', problems: BOTH, tau: 0.5, opts: { forwardTau: 2 } },
  { estimator: 'rloo', problems: BOTH, opts: { samples: 3 } },
  { estimator: 'arm', problems: ['bern'] },
  { estimator: 'disarm', problems: ['bern'] },
  { estimator: 'double_cv', problems: ['bern'], opts: { samples: 3, cvAlpha: 0.5, learn: false } },
  { estimator: 'rebar', problems: BOTH, opts: { eta: 0.8, temperature: 0.6, learn: false } },
  { estimator: 'relax', problems: BOTH, opts: { eta: 0.8, temperature: 0.6, controlHidden: 3 } },
  { estimator: 'vimco', problems: BOTH, opts: { samples: 3 } },
];
const RUNS = CASES.flatMap((c) => c.problems.map((problem) => ({ ...c, problem, tau: c.tau ?? 1, opts: resolveOptions(estimatorDescriptor(c.estimator), c.opts) })));

/** RELAX with its control network set to NETWORK (params(): η, λ, a, c, d, v, e). */
function ours(run: (typeof RUNS)[number]) {
  const e = createEstimator(run.estimator, run.opts);
  if (run.estimator === 'relax') {
    const [, , a, c, d, v, e0] = e.params(), be = getBackend();
    for (const [t, x] of [[a, NETWORK.a], [c, NETWORK.c], [d, NETWORK.d], [v, NETWORK.v], [e0, [NETWORK.e]]] as const) be.write(t.buf, x);
  }
  const p = PROBLEMS[run.problem];
  return gradientStats(e, singleLayer(run.problem, p.kind === 'bernoulli' ? { kind: 'bernoulli' } : { kind: 'categorical', k: p.k! }, p.theta, smallNetwork(p.w, p.b, p.v, p.t, p.s)), {
    samples: N, batch: 2000, key: key(16), opts: { tau: run.tau, slope: 1 },
  });
}

interface Twin { mean: number[]; var: number[]; varSe: number[] }

function twins(): Twin[] {
  const cases = RUNS.map((r) => ({ estimator: r.estimator, problem: r.problem, tau: r.tau, opts: { ...r.opts, ...(r.estimator === 'relax' ? { net: NETWORK } : {}) } }));
  const r = spawnSync(PYTHON, [SCRIPT], { input: JSON.stringify({ seed: 16, n: N, problems: PROBLEMS, cases }), encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`torch_twins.py failed (${r.status}): ${r.stderr.slice(-3000)}`);
  return JSON.parse(r.stdout) as Twin[];
}

function compare(s: GradientStats, t: Twin, label: string): void {
  s.mean.forEach((m, j) => {
    const se = Math.hypot(s.stderr[j], Math.sqrt(t.var[j] / N));
    expect(Math.abs(m - t.mean[j]), `${label} coordinate ${j}: mean ${m} (ours) vs ${t.mean[j]} (torch), se ${se}`).toBeLessThanOrEqual(4 * se + 1e-12);
    const vse = Math.hypot(s.varianceStderr[j], t.varSe[j]);
    expect(Math.abs(s.variance[j] - t.var[j]), `${label} coordinate ${j}: variance ${s.variance[j]} (ours) vs ${t.var[j]} (torch), se ${vse}`).toBeLessThanOrEqual(4 * vse + 1e-12);
  });
}

describe.skipIf(missing !== null)('estimators after the paper against their PyTorch twins', () => {
  let theirs: Twin[] = [];
  beforeAll(() => {
    setBackend(createRefBackend({ f64: true }));
    theirs = twins();
  }, 60_000);

  RUNS.forEach((run, i) => {
    const label = `${run.label ?? run.estimator} on ${run.problem}`;
    it(`${label}: same mean and variance per coordinate within 4 standard errors`, () => compare(ours(run), theirs[i], label));
  });
});

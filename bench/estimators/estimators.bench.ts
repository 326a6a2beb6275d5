// Gradient quality per estimator on problems small enough to enumerate (src/diagnostics): variance,
// squared bias and MSE of one sample's gradient against the exact gradient, and time per sample
// (amortised over batches of 1000 rows). `npm run bench -- estimators [wasm] [samples=N]`.
import type { Backend } from '../../src/backend.js';
import { openBackend } from '../../src/backends/open.js';
import { bernoulliProblem, categoricalProblem, exactGradient, gradientStats, twoLayerProblem, type GradientStats } from '../../src/diagnostics/gradient_stats.js';
import { setBackend } from '../../src/engine.js';
import { ESTIMATOR_NAMES, type EstimatorName, createEstimator } from '../../src/estimators/index.js';
import { key } from '../../src/random/key.js';
import type { BenchContext, Row } from '../harness.js';

/** The seven at τ = 1 and slope 1 (the SBN setting), plus the annealed ends: τ = 0.5 and slope 5. */
const VARIANTS: { label: string; name: EstimatorName; tau: number; slope: number }[] = [
  ...ESTIMATOR_NAMES.map((name) => ({ label: name, name, tau: 1, slope: 1 })),
  { label: 'slope_st a=5', name: 'slope_st', tau: 1, slope: 5 },
  { label: 'gumbel_softmax τ=.5', name: 'gumbel_softmax', tau: 0.5, slope: 1 },
  { label: 'st_gumbel_sm τ=.5', name: 'st_gumbel_softmax', tau: 0.5, slope: 1 },
];

export async function run(ctx: BenchContext): Promise<Row[]> {
  const samples = Number(ctx.args.find((a) => a.startsWith('samples='))?.slice(8) ?? 20000);
  const be: Backend = await openBackend(ctx.args.includes('wasm') ? 'wasm' : 'ref');
  setBackend(be);
  const rows: Row[] = [];
  const lines = [`backend ${be.name} (${be.variant}), ${samples} samples per cell; bias² = ‖E ĝ − ∇‖², MSE = bias² + Σ variance`];
  for (const problem of [bernoulliProblem(), categoricalProblem(), twoLayerProblem()]) {
    lines.push('', `${problem.name}: exact ∇ = [${Array.from(exactGradient(problem).grad, (g) => g.toFixed(4)).join(', ')}]`);
    lines.push(`  ${'estimator'.padEnd(20)}${'variance'.padStart(11)}${'bias²'.padStart(11)}${'MSE'.padStart(11)}${'max|z|'.padStart(9)}${'µs/sample'.padStart(11)}`);
    for (const v of VARIANTS) {
      const s: GradientStats = gradientStats(createEstimator(v.name), problem, { samples, batch: 1000, key: key(2017), opts: { tau: v.tau, slope: v.slope } });
      const z = Math.max(...Array.from(s.bias, (b, j) => (s.stderr[j] > 0 ? Math.abs(b) / s.stderr[j] : Math.abs(b) < 1e-12 ? 0 : Infinity)));
      const us = s.secondsPerSample * 1e6;
      lines.push(`  ${v.label.padEnd(20)}${s.totalVariance.toExponential(3).padStart(11)}${s.bias2.toExponential(2).padStart(11)}${s.mse.toExponential(3).padStart(11)}${(z === Infinity ? '∞' : z.toFixed(1)).padStart(9)}${us.toFixed(1).padStart(11)}`);
      // The harness prints two decimals: statistics go out in units of 1e−3.
      for (const [metric, value, unit] of [['variance', 1e3 * s.totalVariance, '×1e-3'], ['bias²', 1e3 * s.bias2, '×1e-3'], ['MSE', 1e3 * s.mse, '×1e-3'], ['time', us, 'µs/sample']] as const) {
        rows.push({ kernel: `estimators ${metric}`, shape: problem.name, impl: v.label, median: value, unit });
      }
    }
  }
  // max|z| = largest |bias|/standard error over coordinates: ≲ 4 for an unbiased estimator.
  console.log(lines.join('\n'));
  return rows;
}

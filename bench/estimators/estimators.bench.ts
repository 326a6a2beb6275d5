// Gradient quality per estimator on problems small enough to enumerate (src/diagnostics): variance,
// squared bias and MSE of one sample's gradient against the exact gradient of what it estimates
// (E[f], or the K-sample bound for VIMCO), decoder evaluations per step (its descriptor's cost) and
// time per sample (amortised over batches of 1000 rows), also relative to Gumbel-Softmax's.
// Every registered estimator at its defaults (τ = 1, slope 1), plus a few settings of interest.
// `npm run bench -- estimators [wasm] [samples=N]`.
import type { Backend } from '../../src/backend.js';
import { openBackend } from '../../src/backends/open.js';
import {
  bernoulliProblem, categoricalProblem, configurations, exactGradient, gradientStats, multiSampleBound, type Problem, twoLayerCategoricalProblem, twoLayerProblem,
} from '../../src/diagnostics/gradient_stats.js';
import { setBackend } from '../../src/engine.js';
import { type CreateOptions, createEstimator, estimatorDescriptor, estimatorNames, resolveOptions } from '../../src/estimators/index.js';
import { key } from '../../src/random/key.js';
import type { BenchContext, Row } from '../harness.js';

interface Variant { label: string; name: string; tau: number; slope: number; opts?: CreateOptions }

const EXTRA: Variant[] = [
  { label: 'slope_st a=5', name: 'slope_st', tau: 1, slope: 5 },
  { label: 'gumbel_softmax τ=.5', name: 'gumbel_softmax', tau: 0.5, slope: 1 },
  { label: 'st_gumbel_sm τ=.5', name: 'st_gumbel_softmax', tau: 0.5, slope: 1 },
  { label: 'decoupled τf=2 τ=.5', name: 'decoupled_st', tau: 0.5, slope: 1, opts: { forwardTau: 2 } },
  { label: 'gumbel_rao τ=.5', name: 'gumbel_rao', tau: 0.5, slope: 1 },
  { label: 'gumbel_rao K=100', name: 'gumbel_rao', tau: 1, slope: 1, opts: { samples: 100 } },
  { label: 'gst_p (adaptive)', name: 'gst', tau: 1, slope: 1, opts: { adaptive: true } },
  { label: 'rloo K=8', name: 'rloo', tau: 1, slope: 1, opts: { samples: 8 } },
  { label: 'vimco K=2', name: 'vimco', tau: 1, slope: 1, opts: { samples: 2 } },
];

/** Configurations the exact gradient of `p` enumerates. */
const enumerated = (p: Problem) => p.layers.reduce((n, l) => n * configurations(l.spec, l.width).count, 1);

export async function run(ctx: BenchContext): Promise<Row[]> {
  const samples = Number(ctx.args.find((a) => a.startsWith('samples='))?.slice(8) ?? 20000);
  const be: Backend = await openBackend(ctx.args.includes('wasm') ? 'wasm' : 'ref');
  setBackend(be);
  const variants: Variant[] = [...estimatorNames().map((name) => ({ label: name, name, tau: 1, slope: 1 })), ...EXTRA];
  const rows: Row[] = [];
  const lines = [`backend ${be.name} (${be.variant}), ${samples} samples per cell; bias² = ‖E ĝ − ∇‖², MSE = bias² + Σ variance; ×GS = time per sample / gumbel_softmax's`];
  for (const problem of [bernoulliProblem(), categoricalProblem(), twoLayerProblem(), twoLayerCategoricalProblem()]) {
    lines.push('', `${problem.name}: exact ∇E[f] = [${Array.from(exactGradient(problem).grad, (g) => g.toFixed(4)).join(', ')}]`);
    lines.push(`  ${'estimator'.padEnd(22)}${'variance'.padStart(11)}${'bias²'.padStart(11)}${'MSE'.padStart(11)}${'max|z|'.padStart(9)}${'evals'.padStart(7)}${'µs/sample'.padStart(11)}${'×GS'.padStart(7)}`);
    const done: { v: Variant; s: ReturnType<typeof gradientStats>; evals: number }[] = [];
    for (const v of variants) {
      const d = estimatorDescriptor(v.name), resolved = resolveOptions(d, v.opts) as Record<string, number | boolean>;
      if (!problem.layers.every((l) => d.latents.includes(l.spec.kind))) {
        lines.push(`  ${v.label.padEnd(22)}  n/a: ${d.latents.join(' and ')} latents only`);
        continue;
      }
      const target = d.boundSamples ? multiSampleBound(problem, d.boundSamples(resolved)) : undefined;
      if (target && enumerated(target) > 1 << 16) {
        lines.push(`  ${v.label.padEnd(22)}  n/a: its ${target.name} bound has too many configurations to enumerate`);
        continue;
      }
      const s = gradientStats(createEstimator(v.name, v.opts), problem, { samples, batch: 1000, key: key(2017), opts: { tau: v.tau, slope: v.slope }, target });
      done.push({ v, s, evals: d.evaluations(resolved, problem.layers.length) });
    }
    const gsTime = done.find((r) => r.v.label === 'gumbel_softmax')?.s.secondsPerSample ?? NaN;
    for (const { v, s, evals } of done) {
      const z = Math.max(...Array.from(s.bias, (b, j) => (s.stderr[j] > 0 ? Math.abs(b) / s.stderr[j] : Math.abs(b) < 1e-12 ? 0 : Infinity)));
      const us = s.secondsPerSample * 1e6;
      lines.push(`  ${v.label.padEnd(22)}${s.totalVariance.toExponential(3).padStart(11)}${s.bias2.toExponential(2).padStart(11)}${s.mse.toExponential(3).padStart(11)}${(z === Infinity ? '∞' : z.toFixed(1)).padStart(9)}${String(evals).padStart(7)}${us.toFixed(1).padStart(11)}${(s.secondsPerSample / gsTime).toFixed(2).padStart(7)}`);
      // The harness prints two decimals: statistics go out in units of 1e−3.
      for (const [metric, value, unit] of [['variance', 1e3 * s.totalVariance, '×1e-3'], ['bias²', 1e3 * s.bias2, '×1e-3'], ['MSE', 1e3 * s.mse, '×1e-3'], ['evaluations', evals, 'per step'], ['time', us, 'µs/sample']] as const) {
        rows.push({ kernel: `estimators ${metric}`, shape: problem.name, impl: v.label, median: value, unit });
      }
    }
  }
  // max|z| = largest |bias|/standard error over coordinates: ≲ 4 for an unbiased estimator.
  console.log(lines.join('\n'));
  return rows;
}

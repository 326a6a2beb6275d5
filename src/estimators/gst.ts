// Gapped Straight-Through, GST-1.0 and GST-p (Fan, Liu, Gao & Sun, ICML 2022, Alg. 1; chijames/GST
// gst_mover): forward the exact sample D ~ Cat(softmax ℓ); backward through y = softmax(m/τ) of
// deterministic "gapped" logits m = ℓ + SG(m* − ℓ), no resampling, where with a = argmax ℓ
//   m*_D = ℓ_a,  m*_j = min(ℓ_j, ℓ_a − gap) for j ≠ D   (D lifted to the top, the rest ≥ gap below),
//   gap = 1 (GST-1.0) or −log(1 − π_D)/π_D (GST-p, π = softmax ℓ).
// Bernoulli units as two classes (logits ℓ, 0): y = σ(m/τ) with m* = max(ℓ, gap) if b = 1, else
// min(ℓ, −gap). Biased; one evaluation.
import { discrete } from '../distributions/index.js';
import { add, scale, stopGradient, sub, tensor } from '../ops.js';
import type { Tensor } from '../tensor.js';
import { pathwise, withGradientOf } from './pass.js';
import type { EstimatorDescriptor } from './registry.js';

/** gap as a function of π_D: fixed, or GST-p's −log(1 − π_D)/π_D (π_D shrunk by 1e-5 as the reference, so finite at 1). */
type Gap = (pD: number) => number;
const adaptive: Gap = (p) => -Math.log(1 - p * (1 - 1e-5)) / (p * (1 - 1e-5));

/** m* per entry, from the logits and the sample on the host (k = 1: Bernoulli). */
function gapped(l: ArrayLike<number>, z: ArrayLike<number>, k: number, gap: Gap): number[] {
  const m = Array.from(l);
  if (k === 1) return m.map((v, j) => (z[j] ? Math.max(v, gap(1 / (1 + Math.exp(-v)))) : Math.min(v, -gap(1 / (1 + Math.exp(v))))));
  for (let o = 0; o < m.length; o += k) {
    const g = m.slice(o, o + k), top = Math.max(...g), d = g.findIndex((_, j) => z[o + j] === 1);
    const pD = 1 / g.reduce((s, v) => s + Math.exp(v - g[d]), 0), width = gap(pD);
    g.forEach((v, j) => (m[o + j] = j === d ? top : Math.min(v, top - width)));
  }
  return m;
}

export const gst = (gap: Gap) =>
  pathwise('gst', (logits, spec, key, { tau }) => {
    const d = discrete(logits, spec), D = d.sample(key), k = spec.kind === 'bernoulli' ? 1 : spec.k;
    const target: Tensor = tensor(gapped(logits.data(), D.data(), k, gap), logits.shape, { backend: logits.backend });
    const m = add(logits, stopGradient(sub(target, logits)));
    return withGradientOf(D, discrete(scale(m, 1 / tau), spec).mean());
  });

export const gstEstimator: EstimatorDescriptor = {
  name: 'gst', summary: 'gapped straight-through: backward through softmax of logits gapped around the sample (GST-1.0, or GST-p)',
  reads: ['tau'],
  options: [
    { key: 'gap', help: 'logit gap kept below the sampled class (GST-1.0: 1)', default: 1, min: 0, max: 100 },
    { key: 'adaptive', help: 'GST-p: gap −log(1 − π_D)/π_D from the sample’s probability (ignores gap)', default: false },
  ],
  unbiased: false, evaluations: () => 1, latents: ['bernoulli', 'categorical'],
  create: (o) => gst(o.adaptive ? adaptive : () => o.gap as number),
};

// REINFORCE leave-one-out (Salimans & Knowles 2014; Kool, van Hoof & Welling 2019), the baseline of
// ARM/DisARM (Dong, Mnih & Tucker 2020): K independent draws z_k of every stochastic layer,
//   ĝ = (1/K) Σ_k SG(f_k − mean_{j≠k} f_j)·∇ log q(z_k) + (1/K) Σ_k ∇f_k,
// each sample's baseline the mean of the others, so it is independent of z_k: unbiased for any K ≥ 2
// (K = 2: ½[(f₁ − f₂)∇log q(z₁) + (f₂ − f₁)∇log q(z₂)]). Bernoulli and categorical; K evaluations.
import { add, mean, mul, scale, stopGradient } from '../ops.js';
import { addAll, objectiveOf, sampleRuns, stateless } from './pass.js';
import type { EstimatorDescriptor } from './registry.js';

export const rloo = (samples: number) =>
  stateless('rloo', true, (pass, key) => {
    const runs = sampleRuns(pass, key, samples);
    const fbar = scale(addAll(runs.map((r) => r.f))!, 1 / samples);
    // f_k − mean_{j≠k} f_j = K/(K − 1)·(f_k − f̄).
    const terms = runs.flatMap((r) => (r.logq ? [mul(stopGradient(scale(add(r.f, scale(fbar, -1)), samples / (samples - 1))), r.logq)] : []));
    return objectiveOf(fbar, terms.length ? scale(mean(addAll(terms)!), 1 / samples) : undefined);
  });

export const rlooEstimator: EstimatorDescriptor = {
  name: 'rloo', summary: 'REINFORCE leave-one-out: K independent samples, each baselined by the mean of the others',
  reads: [], options: [{ key: 'samples', help: 'samples K per step (decoder evaluations)', default: 2, min: 2, max: 1000, integer: true }],
  unbiased: true, evaluations: (o) => o.samples as number, latents: ['bernoulli', 'categorical'], create: (o) => rloo(o.samples as number),
};

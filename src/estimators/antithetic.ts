// The antithetic pair of ARM and DisARM (Yin & Zhou 2019; Dong, Mnih & Tucker 2020): one uniform u
// per Bernoulli unit, b₁ = 1[u > σ(−ℓ)] and b₂ = 1[u < σ(ℓ)], each marginally Bernoulli(σ(ℓ)).
// Both estimators are defined for one stochastic layer; a pass of L layers gets one pair per layer:
// for layer l, earlier layers replay the first branch of the previous pair (a valid joint sample),
// layer l takes b₁ resp. b₂, and later layers are sampled with the same key in both branches, so
// f(b₁) − f(b₂) is an unbiased difference of E[f | z_l]. The estimator's per-unit weight w is its
// gradient with respect to layer l's logits, entering the surrogate as ⟨ℓ_l, SG(w)⟩ (mean over rows);
// the model's own parameters get ½(∇f(b₁) + ∇f(b₂)) of the first pair. Cost: 2L evaluations.
import { discrete } from '../distributions/index.js';
import { add, mean, mul, scale, stopGradient, sum, tensor, uniform } from '../ops.js';
import { foldIn, type Key } from '../random/key.js';
import type { Tensor } from '../tensor.js';
import type { Estimator, Objective, Pass } from './estimator.js';
import { addAll, drive, layerKey, objectiveOf, stateless } from './pass.js';

/** w for one unit from f(b₁) − f(b₂) of its row, its u, b₁, b₂ and logit. */
export type PairWeight = (df: number, u: number, b1: number, b2: number, logit: number) => number;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export function antithetic(name: string, weight: PairWeight): Estimator {
  return stateless(name, true, (pass, key) => pairObjective(pass, key, weight));
}

interface Pair { logits: Tensor; u: ArrayLike<number>; b: Tensor[] }

/** b₁ and b₂ of a layer from one uniform per unit. */
function makePair(logits: Tensor, key: Key): Pair {
  const u = uniform(key, logits.shape, logits.backend).data(), lv = logits.data();
  const b = [(x: number, p: number) => x > 1 - p, (x: number, p: number) => x < p].map((test) =>
    tensor(Array.from(lv, (v, k) => (test(u[k], sigmoid(v)) ? 1 : 0)), logits.shape, { backend: logits.backend }));
  return { logits, u, b };
}

function pairObjective(pass: Pass, key: Key, weight: PairWeight): Objective {
  let prev: Tensor[] = [], layers = 1, fPath: Tensor | undefined;
  const terms: Tensor[] = [];
  for (let l = 0; l < layers; l++) {
    const at: { pair?: Pair } = {};
    const branch = (j: number) => {
      const zs: Tensor[] = [];
      const f = drive(pass, (logits, spec, i) => {
        if (i === l) at.pair ??= makePair(logits, layerKey(key, i));
        const z = i < l ? prev[i] : i === l ? at.pair!.b[j] : discrete(logits, spec).sample(foldIn(layerKey(key, i), l + 1));
        zs.push(z);
        return z;
      });
      return { f, zs };
    };
    const [r1, r2] = [branch(0), branch(1)], pair = at.pair;
    if (l === 0) {
      layers = r1.zs.length;
      fPath = scale(add(r1.f, r2.f), 0.5);
    }
    if (!pair) break; // a pass without stochastic layers
    const f1 = r1.f.data(), f2 = r2.f.data(), [b1, b2] = pair.b.map((t) => t.data()), lv = pair.logits.data(), n = lv.length / f1.length;
    const w = Array.from(lv, (v, k) => weight(f1[Math.floor(k / n)] - f2[Math.floor(k / n)], pair.u[k], b1[k], b2[k], v));
    terms.push(mean(sum(mul(pair.logits, stopGradient(tensor(w, pair.logits.shape, { backend: pair.logits.backend }))), -1)));
    prev = r1.zs;
  }
  return objectiveOf(fPath!, addAll(terms) ?? undefined);
}

// Double control variates (Titsias & Shi, AISTATS 2022), for one layer of Bernoulli units with logits
// ℓ, θ = σ(ℓ): K independent samples b_k, g_k = ∇_b f(b_k) (one backward pass over the K runs),
// ḡ₋ₖ = mean_{j≠k} g_j and h_k = f(b_k) − α⟨ḡ₋ₖ, b_k − θ⟩:
//   ĝ_ℓ = (1/K) Σ_k (h_k − mean_{j≠k} h_j)·(b_k − θ) + α·(mean_k g_k) ⊙ θ(1 − θ),
// RLOO's leave-one-out baseline plus a global linear (Taylor) control variate whose expectation,
// −α·E[g] ⊙ θ(1 − θ) (b_k is independent of ḡ₋ₖ), is added back: unbiased for any α, K ≥ 2.
// Option cvAlpha (not `alpha`, the CLI's ssvae α) is α's start. α = 1 removes the whole first-order part of f (thjashin/rodeo writes it with the opposite sign of
// α); α = 0 is RLOO, the default start. On a strongly nonlinear f the best α is small: on the
// diagnostic bernoulli-3 problem it is ≈ 0.3, and α = 1 has more variance than RLOO.
// α is learned by minimising E‖ĝ‖²: ĝ is linear in α and the g_k are constants, so ∂‖ĝ‖²/∂α = 2⟨ĝ, ∂ĝ/∂α⟩
// is a first derivative (no createGraph needed). The surrogate: mean_k f_k (the model's path
// gradient) + mean_b ⟨ℓ_k, SG(ĝ_k)⟩ per run + α·SG(∂V/∂α) with V = mean_b ‖ĝ_b‖² (see relaxed_control.ts).
// Several layers (the paper has one): the joint score's term for layer l has mean
// E[(b_l − θ_l)⟨c, b_l − θ_l⟩ ∂ℓ_l] = E[c ⊙ θ_l(1 − θ_l) ∂ℓ_l] for c independent of run k (other
// layers' score terms average to 0 given their parents), so run k adds α ḡ₋ₖ,l ⊙ θ_k,l(1 − θ_k,l) at
// its own logits ℓ_k,l. K decoder evaluations and one extra backward pass.
import { grad } from '../autograd/tape.js';
import { discrete } from '../distributions/index.js';
import { getBackend } from '../engine.js';
import { Params } from '../nn/params.js';
import { add, mul, reshape, scale, sigmoid, stopGradient, sub, sum } from '../ops.js';
import { foldIn } from '../random/key.js';
import type { Tensor } from '../tensor.js';
import type { Estimator } from './estimator.js';
import { addAll, drive, layerKey, objectiveOf, probe } from './pass.js';
import type { EstimatorDescriptor } from './registry.js';

export function doubleCv(samples: number, alpha0: number, learn: boolean): Estimator {
  const alpha = new Params(getBackend()).add('double_cv.alpha', [alpha0], [1]), K = samples;
  const objective: Estimator['objective'] = (pass, key) => {
    const runs = Array.from({ length: K }, (_, k) => {
      const layers: { logits: Tensor; b: { value: Tensor; leaf: Tensor }; s: Tensor; v: Tensor }[] = [];
      const f = drive(pass, (logits, spec, i) => {
        const b = probe(discrete(logits, spec).sample(layerKey(k ? foldIn(key, (1 << 20) | k) : key, i))), theta = sigmoid(stopGradient(logits));
        layers.push({ logits, b, s: sub(stopGradient(b.value), theta), v: mul(theta, scale(theta, -1, 1)) });
        return b.value;
      });
      return { f, layers };
    });
    const fbar = scale(addAll(runs.map((r) => r.f))!, 1 / K), rows = fbar.shape[0], L = runs[0].layers.length;
    if (!L) return objectiveOf(fbar);
    const flat = runs.flatMap((r) => r.layers);
    const gs = grad(runs.map((r) => r.f), flat.map((l) => l.b.leaf), runs.map((r) => scale(r.f, 0, 1))).map((g, i) => g ?? scale(flat[i].s, 0));
    const G = runs[0].layers.map((_, l) => addAll(runs.map((_r, k) => gs[k * L + l]))!);
    // ḡ₋ₖ per layer, and h_k = f_k − α Σ_l ⟨ḡ₋ₖ, b_k − θ_k⟩.
    const gOthers = runs.map((_r, k) => G.map((g, l) => scale(sub(g, gs[k * L + l]), 1 / (K - 1))));
    const h = runs.map((r, k) => sub(stopGradient(r.f), mul(addAll(r.layers.map((x, l) => sum(mul(gOthers[k][l], x.s), -1)))!, alpha)));
    const hbar = scale(addAll(h)!, 1 / K);
    // Run k's part of ĝ at its logits: (1/K)[K/(K − 1)(h_k − h̄)(b_k − θ_k) + α ḡ₋ₖ ⊙ θ_k(1 − θ_k)].
    const parts = runs.map((r, k) => r.layers.map((x, l) =>
      add(mul(x.s, reshape(scale(sub(h[k], hbar), 1 / (K - 1)), [rows, 1])), scale(mul(mul(gOthers[k][l], x.v), alpha), 1 / K))));
    const terms = runs.flatMap((r, k) => r.layers.map((x, l) => scale(sum(mul(x.logits, stopGradient(parts[k][l]))), 1 / rows)));
    if (learn) {
      // V = mean_b Σ_l ‖Σ_k ĝ_k,l‖²: the variance at the first layer's logits (shared by the runs), a proxy at later ones.
      const v = scale(addAll(G.map((_, l) => { const g = addAll(parts.map((p) => p[l]))!; return sum(mul(g, g)); }))!, 1 / rows);
      terms.push(mul(alpha, stopGradient(grad(v, [alpha])[0]!)));
    }
    return objectiveOf(fbar, addAll(terms)!);
  };
  return { name: 'double_cv', unbiased: true, objective, params: () => (learn ? [alpha] : []), state: () => ({}), loadState: () => {} };
}

export const doubleCvEstimator: EstimatorDescriptor = {
  name: 'double_cv', summary: 'double control variates: RLOO plus a learned global linear control from ∇_b f at the samples', reads: [],
  options: [
    { key: 'samples', help: 'samples K per step (decoder evaluations)', default: 2, min: 2, max: 1000, integer: true },
    { key: 'cvAlpha', help: 'initial weight α of the linear control variate (0: RLOO)', default: 0, min: -100, max: 100 },
    { key: 'learn', help: 'learn α by minimising the estimator variance', default: true },
  ],
  unbiased: true, evaluations: (o) => o.samples as number, latents: ['bernoulli'],
  create: (o) => doubleCv(o.samples as number, o.cvAlpha as number, o.learn as boolean),
};

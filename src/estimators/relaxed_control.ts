// The learned relaxed control variate shared by REBAR (Tucker et al. 2017, Eq. 5 and App. C) and
// RELAX (Grathwohl et al. 2018, Eq. 7). Per layer with logits ℓ:
//   z = ℓ + noise,  b = H(z),  z̃ ~ p(z | b) (reparameterised by v ~ U(0, 1)),
//   ĝ_ℓ = [f(b) − c(z̃)]·∇_ℓ log p(b) + ∇_ℓ c(z) − ∇_ℓ c(z̃),
// with c(z) = η·f(σ_λ(z)) (REBAR) or η·f(σ_λ(z)) + r_ρ(σ_λ(z), ℓ) (RELAX). Unbiased for any c.
// Bernoulli: logistic noise, H(z) = [z > 0], σ_λ(z) = σ(z / e^λ), ∇ log p(b) = b − σ(ℓ); with
// sgn = 2b − 1, q = σ(sgn·ℓ) = p(b), w = b(1 − v) + (1 − b)v and m = q·w,
//   z̃ = ℓ + sgn·(log(1 − m) − log m)   (u | b is uniform on (1 − σ(ℓ), 1) for b = 1, (0, 1 − σ(ℓ)) for b = 0).
// Categorical (groups of k): Gumbel noise on ℓ' = log softmax(ℓ), H(z) = one_hot(argmax z),
// σ_λ(z) = softmax(z / e^λ), ∇ log p(b) = b − softmax(ℓ); with e = −log v and e_b its value at b's class,
//   z̃ = b ⊙ (−log e) + (1 − b) ⊙ (−log(e ⊙ exp(−ℓ') + e_b))   (the top Gumbel, then the others truncated below it).
// Several layers: layer i gets its own term, conditioned on the hard samples of layers < i; in
// c's evaluations f_i, layer i takes the relaxed value and every later layer j takes σ_λ(ℓ_j + L_j)
// with ℓ_j recomputed from it and L_j the logistic noise of the hard sample (independent of layer i,
// so the identity E[c(z)] = E_b E[c(z̃) | b] holds given it). Cost 1 + 2L decoder evaluations.
// The surrogate: mean_b f(b) (the model's own path gradient) + mean_b ⟨ℓ_i, SG(ĝ_i)⟩ per layer, so
// the optimizer's gradient for θ is the estimate; and, when learning, + ⟨φ, SG(∂V/∂φ)⟩ for the
// control's parameters φ = (η, λ[, ρ]) with V = mean_b Σ_i ‖ĝ_i‖², the estimator's second moment
// in the logits (E ĝ does not depend on φ, so ∂V/∂φ is the variance gradient; Dynamic REBAR's
// objective taken at the logits rather than at every model parameter). ∂ĝ/∂λ and ∂ĝ/∂ρ need a
// second derivative of f: ∇_ℓ c comes from grad(..., { createGraph: true }) (src/autograd), so the
// ops between the latent and f must be twice differentiable; conv layers are not (a clear error if
// reached), while an analytic KL on the encoder's logits is never on the path from ĝ to φ.
import { grad } from '../autograd/tape.js';
import { discrete } from '../distributions/index.js';
import { add, exp, full, gumbel, log, logistic, logSoftmax, mul, neg, reshape, scale, sigmoid, softmax, stopGradient, sub, sum, uniform } from '../ops.js';
import { foldIn, type Key } from '../random/key.js';
import type { Tensor } from '../tensor.js';
import type { Estimator, LatentSpec, Objective, Pass } from './estimator.js';
import { addAll, drive, layerKey, objectiveOf, probe } from './pass.js';

/** c per row [B] for one layer: f_i (the conditional pass at a relaxed value), the relaxed value s and the logits ℓ. */
export type Control = (fi: (s: Tensor) => Tensor, s: Tensor, logits: Tensor) => Tensor;

/** σ_λ(z): σ(z·e^{−λ}) or softmax(z·e^{−λ}) per group, λ a one-element tensor (the log temperature). */
export function relaxAt(z: Tensor, logTemp: Tensor, spec: LatentSpec): Tensor {
  const x = mul(z, exp(neg(logTemp)));
  return spec.kind === 'bernoulli' ? sigmoid(x) : softmax(x, spec.k);
}

/** z = ℓ + noise (ℓ' for categorical, the same argmax) and ∇_ℓ log p(b). */
const unconditional = (l: Tensor, noise: Tensor, spec: LatentSpec) => add(spec.kind === 'bernoulli' ? l : logSoftmax(l, spec.k), noise);
const score = (l: Tensor, b: Tensor, spec: LatentSpec) => sub(b, spec.kind === 'bernoulli' ? sigmoid(l) : softmax(l, spec.k));

/** z̃ ~ p(z | b) from v ~ U(0, 1), differentiable in ℓ. */
export function conditionalNoise(logits: Tensor, b: Tensor, v: Tensor, spec: LatentSpec): Tensor {
  if (spec.kind === 'bernoulli') {
    const sgn = scale(b, 2, -1), w = add(v, mul(b, scale(v, -2, 1)));
    const m = mul(sigmoid(mul(sgn, logits)), w);
    return add(logits, mul(sgn, sub(log(scale(m, -1, 1)), log(m))));
  }
  const e = neg(log(v)), groups = [v.size / spec.k, spec.k];
  const eb = reshape(sum(reshape(mul(b, e), groups), -1), [groups[0], 1]);
  const others = neg(log(reshape(add(reshape(mul(e, exp(neg(logSoftmax(logits, spec.k)))), groups), eb), v.shape)));
  return add(mul(b, neg(log(e))), mul(scale(b, -1, 1), others));
}

interface Layer { logits: Tensor; spec: LatentSpec; b: Tensor; noise: Tensor }

/**
 * An estimator from a control c with parameters φ (`params`, λ among them as `logTemp`); when
 * `learn` is false, φ stays fixed and params() is empty.
 */
export function relaxedControl(name: string, params: Tensor[], logTemp: Tensor, control: Control, learn: boolean): Estimator {
  const objective = (pass: Pass, key: Key): Objective => {
    const layers: Layer[] = [];
    const f = drive(pass, (logits, spec, i) => {
      const k = layerKey(key, i), b = discrete(logits, spec).sample(k);
      layers.push({ logits, spec, b, noise: (spec.kind === 'bernoulli' ? logistic : gumbel)(k, logits.shape, logits.backend) });
      return b;
    });
    const fs = stopGradient(f), rows = f.shape[0];
    const ghats = layers.map((layer, i) => {
      const l = probe(stopGradient(layer.logits));
      const fi = (s: Tensor) => drive(pass, (logits, spec, j) => (j < i ? layers[j].b : j === i ? s : relaxAt(unconditional(logits, layers[j].noise, spec), logTemp, spec)));
      const z = unconditional(l.value, layer.noise, layer.spec);
      const zt = conditionalNoise(l.value, layer.b, uniform(foldIn(layerKey(key, i), 1), layer.b.shape, layer.b.backend), layer.spec);
      const cz = control(fi, relaxAt(z, logTemp, layer.spec), l.value), czt = control(fi, relaxAt(zt, logTemp, layer.spec), l.value);
      const [dc] = grad(sub(cz, czt), [l.leaf], [full([rows], 1, { backend: f.backend })], { createGraph: learn });
      const sf = mul(score(l.value, layer.b, layer.spec), reshape(sub(fs, czt), [rows, 1]));
      return dc ? add(sf, dc) : sf;
    });
    const terms = ghats.map((g, i) => scale(sum(mul(layers[i].logits, stopGradient(g))), 1 / rows));
    if (learn && ghats.length) {
      const v = scale(addAll(ghats.map((g) => sum(mul(g, g))))!, 1 / rows);
      grad(v, params).forEach((d, p) => d && terms.push(sum(mul(params[p], stopGradient(d)))));
    }
    return objectiveOf(f, addAll(terms) ?? undefined);
  };
  return { name, unbiased: true, objective, params: () => (learn ? params : []), state: () => ({}), loadState: () => {} };
}

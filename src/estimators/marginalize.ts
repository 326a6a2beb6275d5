// Marginalization: the exact expectation over every stochastic variable the pass reaches,
//   E_q[f] = Σ_z q(z|x)·f(z),   q(z|x) = Π_layers Π_variables q(z_v | ℓ_v),
// one pass per joint value z, each row of the batch weighted by its own q(z|x). For the M2 model's
// label y (one categorical variable of k classes) this is the sum over the k classes of Kingma et
// al. (2014, Eq. 7), at cost O(D + k(I + G)) per step (Jang, Gu & Poole 2017, §3.3). The gradient of
// the sum is exact: unbiased and free of z noise. A pass with more than MAX_TERMS joint values (an
// SBN's 2^200) is an ArgumentError after its first run.
import { discrete } from '../distributions/index.js';
import { ArgumentError } from '../errors.js';
import { exp, mul, tensor } from '../ops.js';
import type { Tensor } from '../tensor.js';
import { addAll, drive, objectiveOf, stateless } from './pass.js';
import type { EstimatorDescriptor } from './registry.js';

/** The most terms of the sum (one pass each). */
export const MAX_TERMS = 1024;

/** The next joint value in mixed radix, the last variable fastest; false after the last one. */
function next(digits: number[], radix: number[]): boolean {
  for (let v = digits.length - 1; v >= 0; v--) {
    if (++digits[v] < radix[v]) return true;
    digits[v] = 0;
  }
  return false;
}

export const marginalize = () => stateless('marginalize', true, (pass) => {
  const radix: number[] = [], digits: number[] = [], terms: Tensor[] = [];
  do {
    const logq: Tensor[] = [];
    let v = 0;
    const f = drive(pass, (logits, spec) => {
      const [B, width] = logits.shape, k = spec.kind === 'bernoulli' ? 2 : spec.k;
      const z = new Float32Array(B * width);
      for (let i = 0; i < (spec.kind === 'bernoulli' ? width : width / k); i++, v++) {
        radix[v] ??= k;
        digits[v] ??= 0;
        for (let b = 0; b < B; b++) z[spec.kind === 'bernoulli' ? b * width + i : b * width + i * k + digits[v]] = spec.kind === 'bernoulli' ? digits[v] : 1;
      }
      const zt = tensor(z, logits.shape, { backend: logits.backend });
      logq.push(discrete(logits, spec).logProb(zt));
      return zt;
    });
    const count = radix.reduce((a, r) => a * r, 1);
    if (count > MAX_TERMS) throw new ArgumentError(`marginalize: the pass's latent variables must have at most ${MAX_TERMS} joint values (one categorical variable, like the M2 model's label), found ${count}`);
    const q = addAll(logq);
    terms.push(q ? mul(exp(q), f) : f);
  } while (next(digits, radix));
  return objectiveOf(addAll(terms)!);
});

export const marginalizeEstimator: EstimatorDescriptor = {
  name: 'marginalize', summary: 'marginalization: the exact sum over every joint value of the latent variables (the M2 label)', reads: [],
  options: [], unbiased: true, evaluations: (_, layers, terms = 2 ** layers) => terms, maxTerms: MAX_TERMS, latents: ['bernoulli', 'categorical'], create: marginalize,
};

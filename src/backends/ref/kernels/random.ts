import type { F } from '../../../kernels.js';
// random_uniform, random_gumbel, random_logistic, bernoulli_sample: transforms of Philox words.
import { philoxWords, wordToUniform } from '../../../random/philox.js';

function words(n: number, k0: number, k1: number): Uint32Array {
  const w = new Uint32Array(n);
  philoxWords(w, n, k0, k1);
  return w;
}

export function random_uniform(y: F, n: number, k0: number, k1: number): void {
  const w = words(n, k0, k1);
  for (let i = 0; i < n; i++) y[i] = wordToUniform(w[i]);
}

// g = −log(−log u)
export function random_gumbel(y: F, n: number, k0: number, k1: number): void {
  const w = words(n, k0, k1);
  for (let i = 0; i < n; i++) y[i] = -Math.log(-Math.log(wordToUniform(w[i])));
}

// L = log u − log(1 − u)
export function random_logistic(y: F, n: number, k0: number, k1: number): void {
  const w = words(n, k0, k1);
  for (let i = 0; i < n; i++) {
    const u = wordToUniform(w[i]);
    y[i] = Math.log(u) - Math.log(1 - u);
  }
}

// z = [l + L > 0] ~ Bernoulli(σ(l)); the noise is rounded to f32 first so every backend agrees.
export function bernoulli_sample(logits: F, y: F, n: number, k0: number, k1: number): void {
  const noise = new Float32Array(n);
  random_logistic(noise, n, k0, k1);
  for (let i = 0; i < n; i++) {
    const s = Math.fround(logits[i] + noise[i]);
    y[i] = s > 0 ? 1 : s !== s ? NaN : 0;
  }
}

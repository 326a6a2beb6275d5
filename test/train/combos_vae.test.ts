// Every latent × estimator trains the VAE briefly without NaN and improves its validation metric
// (on wasm when its build has every kernel, else on ref with fewer steps: see helpers.ts).
import { describe, expect, it } from 'vitest';
import { ESTIMATOR_NAMES, estimatorDescriptor } from '../../src/estimators/index.js';
import { trainBriefly, trainingBackend } from './helpers.js';

describe('vae trains with every estimator', async () => {
  const { note } = await trainingBackend();
  if (note) console.warn(note);
  for (const latent of ['bernoulli', 'categorical'] as const) {
    // An exact sum (maxTerms: marginalize) is for a few joint values (the M2 label), not these layers' 2^200 or 10^20.
    for (const estimator of ESTIMATOR_NAMES.filter((e) => !estimatorDescriptor(e).maxTerms && estimatorDescriptor(e).latents.includes(latent))) {
      it(`${latent} ${estimator}`, async () => {
        // An estimator with a smallest temperature (reinmax: 1) trains at it instead of the annealed τ.
        const minTau = estimatorDescriptor(estimator).minTau;
        const r = await trainBriefly({ model: 'vae', latent, estimator, ...(minTau !== undefined ? { tau: minTau } : {}) });
        expect(r.losses.every(Number.isFinite)).toBe(true);
        expect(r.after).toBeLessThan(r.before);
      });
    }
  }
});

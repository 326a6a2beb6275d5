// The VAE's two forms of the KL term: the sampled one, log q(z|x) − log p(z) at the discrete z that
// score-function estimators use (models/vae.ts header), averages to the analytic KL(q ‖ p).
import { describe, expect, it } from 'vitest';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { discrete } from '../../src/distributions/index.js';
import { setBackend, step } from '../../src/engine.js';
import type { Latent } from '../../src/estimators/estimator.js';
import { VAE } from '../../src/models/index.js';
import { tensor } from '../../src/ops.js';
import { foldIn, key } from '../../src/random/key.js';

const be = createRefBackend();
setBackend(be);

describe('VAE kl: sampled', () => {
  for (const kind of ['bernoulli', 'categorical'] as const) {
    it(`${kind}: f with the sampled KL averages to f with the analytic KL (within 4 standard errors)`, () => {
      const opts = { kind, units: 6, vars: 3, classes: 3, dim: 8, key: key(3), backend: be };
      const analytic = new VAE(opts), sampled = new VAE({ ...opts, kl: 'sampled' });
      const x = Float32Array.from({ length: 2 * 8 }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0);
      const n = 4000;
      const diffs: number[][] = [[], []];
      for (let s = 0; s < n; s++) {
        step(() => {
          const xt = tensor(x, [2, 8]);
          // The same discrete z in both passes: one draw per layer from this sample's key.
          const latent: Latent = (logits, spec) => discrete(logits, spec).sample(foldIn(key(11), s));
          const fa = analytic.pass(xt)(latent).data(), fs = sampled.pass(xt)(latent).data();
          for (let b = 0; b < 2; b++) diffs[b].push(fs[b] - fa[b]);
        }, be);
      }
      for (const d of diffs) {
        const m = d.reduce((a, v) => a + v, 0) / n;
        const sd = Math.sqrt(d.reduce((a, v) => a + (v - m) ** 2, 0) / (n - 1));
        expect(sd).toBeGreaterThan(0);
        expect(Math.abs(m)).toBeLessThan(4 * sd / Math.sqrt(n));
      }
    });
  }
  it('refuses an unknown form by name', () => {
    expect(() => new VAE({ kind: 'bernoulli', units: 2, dim: 4, key: key(1), backend: be, kl: 'mc' as never })).toThrow(/kl must be 'analytic' or 'sampled', found 'mc'/);
  });
});

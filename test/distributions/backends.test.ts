// Same key on `ref` and every other backend (the wasm builds, the tfjs adapters): identical discrete samples, relaxed samples and log-densities
// within float tolerance. Skips (saying which kernel) while the wasm backend lacks one.
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { Bernoulli, Categorical, RelaxedBernoulli, RelaxedOneHotCategorical } from '../../src/distributions/index.js';
import { NotImplementedError } from '../../src/errors.js';
import { tensor } from '../../src/ops.js';
import { key } from '../../src/random/key.js';
import { WASM_BACKENDS } from '../harness/backends.js';
import { fillRandom } from '../harness/check_kernel.js';

/** Samples and log-densities of every distribution for one key, as plain arrays. */
function draw(be: Backend): Record<string, number[]> {
  const l = (shape: number[]) => tensor(fillRandom(shape[0] * shape[1], 80, -3, 3), shape, { backend: be });
  const k = key(12), out: Record<string, number[]> = {};
  const b = new Bernoulli(l([32, 7])), c = new Categorical(l([32, 12]), 4);
  out.bernoulli = Array.from(b.sample(k).data());
  out.bernoulliLogProb = Array.from(b.logProb(b.sample(k)).data());
  out.categorical = Array.from(c.sample(k).data());
  out.categoricalLogProb = Array.from(c.logProb(c.sample(k)).data());
  const rb = new RelaxedBernoulli(l([32, 7]), 0.5), rc = new RelaxedOneHotCategorical(l([32, 12]), 0.3, 4);
  out.binConcrete = Array.from(rb.sample(k).data());
  out.binConcreteLogProb = Array.from(rb.logProbLogit(rb.sampleLogit(k)).data());
  out.concrete = Array.from(rc.sample(k).data());
  out.concreteHard = Array.from(rc.sampleWithHard(k).hard.data());
  out.expConcreteLogProb = Array.from(rc.logProbLog(rc.sampleLog(k)).data());
  return out;
}

describe.each(WASM_BACKENDS)('distributions: ref against $label (same key)', ({ label, make }) => {
  it('give the same samples and log-densities within float tolerance', async (ctx) => {
    let be: Backend;
    try {
      be = await make();
    } catch (e) {
      return ctx.skip(`${label} unavailable: ${(e as Error).message}`);
    }
    let got: Record<string, number[]>;
    try {
      got = draw(be);
    } catch (e) {
      if (e instanceof NotImplementedError) return ctx.skip(`${label} kernel missing (${e.message}); runs once it lands`);
      throw e;
    }
    const want = draw(createRefBackend());
    for (const [name, values] of Object.entries(want)) {
      const exact = ['bernoulli', 'categorical', 'concreteHard'].includes(name);
      values.forEach((v, i) => expect(Math.abs(got[name][i] - v), `${name}[${i}] (${label})`).toBeLessThanOrEqual(exact ? 0 : 1e-4 * (1 + Math.abs(v))));
    }
  });
});

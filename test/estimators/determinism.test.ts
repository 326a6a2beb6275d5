// Same key ⇒ same samples and gradients: twice on `ref`, across estimators (every discrete-forward
// estimator draws the same z from one key), and `ref` against `wasm` (and the tfjs adapters) within
// float tolerance, skipping with the missing kernel's name while a backend lacks one.
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend.js';
import { grad } from '../../src/autograd/tape.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { bernoulliProblem, categoricalProblem, twoLayerProblem, type Problem } from '../../src/diagnostics/gradient_stats.js';
import { setBackend } from '../../src/engine.js';
import { NotImplementedError } from '../../src/errors.js';
import { ESTIMATOR_NAMES, type EstimatorName, createEstimator, estimatorDescriptor } from '../../src/estimators/index.js';
import { full, variable } from '../../src/ops.js';
import { key } from '../../src/random/key.js';
import { WASM_BACKENDS } from '../harness/backends.js';
import { fillRandom } from '../harness/check_kernel.js';

const ROWS = 64;

/** Three objective calls (so moving averages move); the stochastic layers' values and the gradients of the last. */
function runOn(be: Backend, name: EstimatorName, p: Problem): { zs: number[][]; grads: number[][]; loss: number } {
  setBackend(be);
  const est = createEstimator(name);
  const x = full([ROWS, 1], 1, { backend: be });
  let out = { zs: [] as number[][], grads: [] as number[][], loss: 0 };
  for (let call = 0; call < 3; call++) {
    const rows = p.params.map((v, i) => variable(fillRandom(ROWS * v.length, 70 + i, -2, 2), [ROWS, v.length], be));
    const zs: number[][] = [];
    const pass = p.pass(rows);
    const obj = est.objective((latent) => pass((l, s) => {
      const z = latent(l, s);
      zs.push(Array.from(z.data()));
      return z;
    }), key(100 + call), { tau: name === 'reinmax' ? 1.3 : 0.7, slope: 1.5 }, x); // reinmax needs τ ≥ 1
    out = { zs, grads: grad(obj.surrogate, rows).map((g) => Array.from(g!.data())), loss: obj.loss.item() };
  }
  return out;
}

const ALL_PROBLEMS = [bernoulliProblem, categoricalProblem, twoLayerProblem];
/** The problems whose latent kinds the estimator supports. */
const problemsFor = (name: EstimatorName) => ALL_PROBLEMS.filter((make) => make().layers.every((l) => estimatorDescriptor(name).latents.includes(l.spec.kind)));

describe('determinism on ref', () => {
  for (const name of ESTIMATOR_NAMES) {
    it(`${name}: the same key gives identical samples and gradients`, () => {
      for (const make of problemsFor(name)) expect(runOn(createRefBackend(), name, make())).toEqual(runOn(createRefBackend(), name, make()));
    });
  }

  it('every discrete-forward estimator draws the same z from one key', () => {
    for (const make of ALL_PROBLEMS) {
      const sampled = (name: EstimatorName) => {
        const { zs } = runOn(createRefBackend(), name, make());
        return zs.slice(-make().layers.length); // muprop and darn run the pass twice; the last run is the sampled one
      };
      const want = sampled('sf');
      for (const name of ['darn', 'muprop', 'st', 'slope_st', 'st_gumbel_softmax', 'reinmax', 'zgr', 'gst', 'decoupled_st', 'gumbel_rao'] as const) expect(sampled(name), name).toEqual(want);
    }
  });
});

// Every other backend of the shared harness: the wasm builds (the target) and the tfjs adapters.
describe.each(WASM_BACKENDS)('ref against $label (same key)', ({ label, make }) => {
  let backend: Promise<Backend> | null = null;
  for (const name of ESTIMATOR_NAMES) {
    it(`${name}: the same samples and gradients within float tolerance`, async (ctx) => {
      let be: Backend;
      try {
        be = await (backend ??= make());
      } catch (e) {
        return ctx.skip(`${label} unavailable: ${(e as Error).message}`);
      }
      for (const p of problemsFor(name)) {
        const want = runOn(createRefBackend(), name, p());
        let got: ReturnType<typeof runOn>;
        try {
          got = runOn(be, name, p());
        } catch (e) {
          if (e instanceof NotImplementedError) return ctx.skip(`${label} kernel missing (${e.message}); runs once it lands`);
          throw e;
        }
        const where = `${name} on ${p().name} (${label})`;
        // Discrete samples must agree exactly; relaxed samples and mean-field values (muprop) within float tolerance.
        const exact = (v: number) => name !== 'gumbel_softmax' && (v === 0 || v === 1);
        got.zs.forEach((z, i) => z.forEach((v, j) => expect(Math.abs(v - want.zs[i][j]), `${where}: z[${i}][${j}]`).toBeLessThanOrEqual(exact(want.zs[i][j]) ? 0 : 1e-5)));
        got.grads.forEach((g, i) => g.forEach((v, j) => expect(Math.abs(v - want.grads[i][j]), `${where}: grad[${i}][${j}]`).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(want.grads[i][j])))));
        expect(got.loss).toBeCloseTo(want.loss, 4);
      }
    });
  }
});

// Pins gumbel_rao's gradients bit for bit on ref and wasm (a hash of every float64 of three calls'
// gradients on three problems, from the code before its speed-up), so faster code cannot change them.
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend.js';
import { grad } from '../../src/autograd/tape.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { createWasmBackend } from '../../src/backends/wasm/index.js';
import { bernoulliProblem, categoricalProblem, twoLayerCategoricalProblem, twoLayerProblem } from '../../src/diagnostics/gradient_stats.js';
import { setBackend } from '../../src/engine.js';
import { createEstimator } from '../../src/estimators/index.js';
import { full, variable } from '../../src/ops.js';
import { key } from '../../src/random/key.js';
import { fillRandom } from '../harness/check_kernel.js';

const ROWS = 16;

/** FNV-1a over the bytes of the gradients (as float64) and losses of three calls on each problem. */
function fingerprint(be: Backend, samples: number): string {
  setBackend(be);
  const est = createEstimator('gumbel_rao', { samples }), x = full([ROWS, 1], 1, { backend: be });
  const vals: number[] = [];
  for (const make of [bernoulliProblem, categoricalProblem, twoLayerProblem, twoLayerCategoricalProblem]) {
    const p = make();
    for (let call = 0; call < 3; call++) {
      const rows = p.params.map((v, i) => variable(fillRandom(ROWS * v.length, 70 + i, -2, 2), [ROWS, v.length], be));
      const obj = est.objective(p.pass(rows), key(100 + call), { tau: 0.7, slope: 1 }, x);
      vals.push(obj.loss.item());
      for (const g of grad(obj.surrogate, rows)) vals.push(...g!.data());
    }
  }
  let h = 0x811c9dc5;
  for (const b of new Uint8Array(Float64Array.from(vals).buffer)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return `${vals.length}:${h.toString(16)}`;
}

describe('gumbel_rao pins', () => {
  it('gives bitwise the same gradients as before on ref (f64 and f32)', () => {
    expect(fingerprint(createRefBackend({ f64: true }), 3)).toBe('1212:190515c5');
    expect(fingerprint(createRefBackend(), 10)).toBe('1212:a9b75eeb');
  });
  it('gives bitwise the same gradients as before on wasm (scalar and simd)', async () => {
    expect(fingerprint(await createWasmBackend({ build: 'scalar' }), 10)).toBe('1212:ab65ef16');
    expect(fingerprint(await createWasmBackend({ build: 'simd' }), 10)).toBe('1212:b4362e07');
  });
});

// The importance-sampled evaluation pinned (issue 18 item 4): per-example −log p̂ of small fixed
// models, as the loop computed them before its kernels were fused and its one-hot matmuls replaced,
// on the ref backend and on the relaxed wasm build (tolerance 1e-5 nats: float rounding only; a
// changed sample, chunking or formula moves them by far more). Also: the same bits on 1 and 2 wasm
// threads for a model large enough that its matmuls are split.
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { createWasmBackend } from '../../src/backends/wasm/index.js';
import { setBackend } from '../../src/engine.js';
import { createModel, type Model, type ModelSpec } from '../../src/models/index.js';
import { key } from '../../src/random/key.js';

/** Deterministic binary rows with ~40 % ones. */
function binaryRows(n: number, dim: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n * dim }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 < 0.4 ? 1 : 0;
  });
}

/** Parameters at deterministic values in [−1, 1] (the initialisation's are too small to make a difference felt). */
function fixParams(be: Backend, m: Model): void {
  let s = 12345;
  for (const [, t] of m.params.map) {
    be.write(t.buf, Array.from({ length: t.size }, () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return (2 * s) / 4294967296 - 1;
    }));
  }
}

const CASES: { name: string; spec: ModelSpec; chunkRows?: number }[] = [
  { name: 'vae-cat', spec: { model: 'vae', latent: 'categorical', dim: 12, vars: 3, classes: 4 } },
  { name: 'vae-bern', spec: { model: 'vae', latent: 'bernoulli', dim: 12, units: 5 } },
  { name: 'vae-mlp chunked', spec: { model: 'vae', latent: 'categorical', dim: 12, vars: 2, classes: 3, hidden: [7] }, chunkRows: 30 },
  { name: 'sbn-bern', spec: { model: 'sbn', latent: 'bernoulli', dim: 12, units: 5 } },
  { name: 'sbn-cat chunked', spec: { model: 'sbn', latent: 'categorical', dim: 12, vars: 2, classes: 3 }, chunkRows: 30 },
];

/** perExample of each case, printed by the evaluation loop before issue 18 item 4 (ref backend). */
const PINNED: Record<string, number[]> = {
  'vae-cat': [12.26311457, 6.75150004, 9.90861133, 7.11272034, 8.13412549],
  'vae-bern': [12.90148468, 11.24432723, 11.01107733, 8.62274532, 10.06626620],
  'vae-mlp chunked': [10.10790371, 7.61824044, 9.01127648, 9.75057002, 9.55299398],
  'sbn-bern': [4.07998498, 6.16325467, 4.04075208, 4.82819648, 4.28623705],
  'sbn-cat chunked': [4.25822408, 5.37875470, 4.26025856, 6.15100614, 5.91577929],
};

function evaluateCase(be: Backend, c: (typeof CASES)[number]): Float64Array {
  setBackend(be);
  const model = createModel(c.spec, key(5), undefined, be);
  fixParams(be, model);
  return model.evaluate(binaryRows(5, 12, 9), { samples: 50, key: key(6), chunkRows: c.chunkRows }).perExample;
}

describe('evaluate: pinned results', () => {
  const backends: [string, () => Promise<Backend>][] = [
    ['ref', async () => createRefBackend()],
    ['wasm-relaxed', () => createWasmBackend({ build: 'relaxed' })],
  ];
  for (const [label, make] of backends) {
    it(`${label}: the pinned per-example values`, async () => {
      const be = await make();
      const got: Record<string, number[]> = {};
      for (const c of CASES) got[c.name] = Array.from(evaluateCase(be, c));
      if (process.env.PRINT_PINS) console.log(JSON.stringify(got));
      for (const c of CASES) {
        expect(got[c.name]).toHaveLength(5);
        for (let i = 0; i < 5; i++) expect(Math.abs(got[c.name][i] - PINNED[c.name][i]), `${c.name} example ${i}: ${got[c.name][i]} vs ${PINNED[c.name][i]}`).toBeLessThan(1e-5);
      }
      be.dispose();
    });
  }

  it('wasm: the same bits on 1 and 2 threads (matmuls large enough to be split)', async () => {
    const spec: ModelSpec = { model: 'vae', latent: 'categorical', hidden: [256] };
    const x = binaryRows(3, 784, 4);
    const run = async (threads: number) => {
      const be = await createWasmBackend({ threads });
      setBackend(be);
      const model = createModel(spec, key(5), x, be);
      const r = model.evaluate(x, { samples: 300, key: key(6) }).perExample;
      be.dispose();
      return Array.from(r);
    };
    expect(await run(2)).toEqual(await run(1));
  });
});

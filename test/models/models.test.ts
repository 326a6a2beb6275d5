// The models' evaluation against exact computations by enumeration on tiny models, the pass's
// −ELBO against a host computation, the output-bias initialisation, and sampling.
import { describe, expect, it } from 'vitest';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { setBackend, step } from '../../src/engine.js';
import type { Latent } from '../../src/estimators/estimator.js';
import { LogMeanExp, SBN, VAE, columns, logitOfMean } from '../../src/models/index.js';
import type { Params } from '../../src/nn/params.js';
import { tensor } from '../../src/ops.js';
import { key } from '../../src/random/key.js';
import type { Tensor } from '../../src/tensor.js';

const be = createRefBackend();
setBackend(be);

/** A small deterministic generator for test values. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Overwrites every parameter with values in [−scale, scale] (parameters named `small*` in [−0.2, 0.2]). */
function randomize(params: Params, seed: number, scale = 1.5, small = ''): void {
  const r = rng(seed);
  for (const [name, t] of params.map) {
    const a = small && name.startsWith(small) ? 0.2 : scale;
    be.write(t.buf, Array.from({ length: t.size }, () => (2 * r() - 1) * a));
  }
}

const vals = (t: Tensor) => Array.from(t.data());
const logSig = (x: number) => (x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x)));
const bernLog = (logit: number, v: number) => (v ? logSig(logit) : logSig(-logit));
/** x [in] · W [in, out] + b. */
const affine = (x: number[], w: number[], b: number[]) => b.map((bj, j) => x.reduce((s, xi, i) => s + xi * w[i * b.length + j], bj));
const logSoftmax = (l: number[]) => {
  const m = Math.max(...l);
  const z = Math.log(l.reduce((s, v) => s + Math.exp(v - m), 0)) + m;
  return l.map((v) => v - z);
};
const lse = (xs: number[]) => {
  const m = Math.max(...xs);
  return m + Math.log(xs.reduce((s, v) => s + Math.exp(v - m), 0));
};

/** Every configuration of a layer: Bernoulli units (2^u) or `vars` one-hot groups of k (k^vars). */
function configurations(kind: 'bernoulli' | 'categorical', units: number, vars: number, k: number): number[][] {
  const out: number[][] = [];
  if (kind === 'bernoulli') {
    for (let c = 0; c < 2 ** units; c++) out.push(Array.from({ length: units }, (_, i) => (c >> i) & 1));
  } else {
    for (let c = 0; c < k ** vars; c++) {
      const z = new Array(vars * k).fill(0);
      for (let v = 0, r = c; v < vars; v++, r = Math.floor(r / k)) z[v * k + (r % k)] = 1;
      out.push(z);
    }
  }
  return out;
}

/** log p(z) of a configuration under per-unit / per-group logits. */
function logMass(kind: 'bernoulli' | 'categorical', logits: number[], z: number[], k: number): number {
  if (kind === 'bernoulli') return z.reduce((s, zi, i) => s + bernLog(logits[i], zi), 0);
  let s = 0;
  for (let g = 0; g < z.length / k; g++) {
    const ls = logSoftmax(logits.slice(g * k, (g + 1) * k));
    for (let j = 0; j < k; j++) if (z[g * k + j]) s += ls[j];
  }
  return s;
}

function binaryRows(n: number, dim: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n * dim }, () => (r() < 0.4 ? 1 : 0));
}

describe('evaluation matches exact enumeration on tiny models', () => {
  for (const kind of ['bernoulli', 'categorical'] as const) {
    it(`VAE, ${kind}: −log p̂(x) with m = 20000 ≈ −log Σ_z p(z) p(x|z), and m = 1 averages to −ELBO`, () => {
      const dim = 6, units = 3, vars = 2, k = 3;
      const vae = new VAE({ kind, units, vars, classes: k, dim, key: key(7) });
      // A broad q (small encoder weights) keeps p(x,z)/q(z|x) light-tailed, so m = 20000 pins log p(x) to ~0.01.
      randomize(vae.params, 11, 1.5, 'encoder');
      const x = binaryRows(4, dim, 3);
      const enc = vae.encoder.layers[0], dec = vae.decoder.layers[0];
      const [We, be_, W, b, prior] = [vals(enc.w), vals(enc.b), vals(dec.w), vals(dec.b), vals(vae.priorLogits!)];
      const zs = configurations(kind, units, vars, k);
      const rowOf = (e: number) => Array.from(x.subarray(e * dim, (e + 1) * dim));
      const logJoint = (xe: number[], z: number[]) => logMass(kind, prior, z, k) + affine(z, W, b).reduce((s, l, j) => s + bernLog(l, xe[j]), 0);
      const exact = [0, 1, 2, 3].map((e) => -lse(zs.map((z) => logJoint(rowOf(e), z))));
      const r = vae.evaluate(x, { samples: 20000, key: key(1) });
      for (let e = 0; e < 4; e++) expect(Math.abs(r.perExample[e] - exact[e])).toBeLessThan(0.04);
      expect(r.samples).toBe(20000);
      // m = 1 on one example repeated: the mean of −log w over draws is −ELBO = Σ_z q(z|x)(log q(z|x) − log p(x, z)).
      const x0 = rowOf(0), q = affine(x0, We, be_);
      const negElbo = zs.reduce((s, z) => {
        const lq = logMass(kind, q, z, k);
        return s + Math.exp(lq) * (lq - logJoint(x0, z));
      }, 0);
      const reps = 20000;
      const rep = new Float32Array(reps * dim);
      for (let i = 0; i < reps; i++) rep.set(x0, i * dim);
      const one = vae.evaluate(rep, { samples: 1, key: key(3) });
      expect(Math.abs(one.mean - negElbo)).toBeLessThan(0.04);
      expect(negElbo).toBeGreaterThan(exact[0]);
    });

    it(`SBN, ${kind}: NLL with m = 20000 ≈ −log Σ_{h1,h2} p(h1|upper) p(h2|h1) p(lower|h2)`, () => {
      const inDim = 4, outDim = 4, units = 3, vars = 1, k = 3;
      const sbn = new SBN({ kind, units, vars, classes: k, inDim, outDim, key: key(8) });
      randomize(sbn.params, 12, 1);
      const rows = binaryRows(3, inDim + outDim, 5);
      const [l0, l1, l2] = sbn.layers.map((l) => [vals(l.w), vals(l.b)]);
      const hs = configurations(kind, units, vars, k);
      const exact = Array.from({ length: 3 }, (_, e) => {
        const row = Array.from(rows.subarray(e * 8, (e + 1) * 8));
        const up = row.slice(0, inDim), low = row.slice(inDim);
        const a1 = affine(up, l0[0], l0[1]);
        const terms: number[] = [];
        for (const h1 of hs) {
          const a2 = affine(h1, l1[0], l1[1]);
          for (const h2 of hs) {
            const out = affine(h2, l2[0], l2[1]);
            terms.push(logMass(kind, a1, h1, k) + logMass(kind, a2, h2, k) + out.reduce((s, l, j) => s + bernLog(l, low[j]), 0));
          }
        }
        return -lse(terms);
      });
      const r = sbn.evaluate(rows, { samples: 20000, key: key(2) });
      for (let e = 0; e < 3; e++) expect(Math.abs(r.perExample[e] - exact[e])).toBeLessThan(0.03);
    });
  }

  it('chunking over samples (m larger than a chunk) gives the same kind of estimate', () => {
    const vae = new VAE({ kind: 'bernoulli', units: 3, dim: 6, key: key(7) });
    randomize(vae.params, 11);
    const x = binaryRows(3, 6, 3);
    const a = vae.evaluate(x, { samples: 5000, key: key(1) });
    const b = vae.evaluate(x, { samples: 5000, key: key(1), chunkRows: 700 });
    for (let e = 0; e < 3; e++) expect(Math.abs(a.perExample[e] - b.perExample[e])).toBeLessThan(0.05);
  });

  it('LogMeanExp accumulates in f64 across chunks without overflow', () => {
    const acc = new LogMeanExp(1);
    acc.add(0, [1000, 1000], 0, 2);
    acc.add(0, [-1000, 1000 + Math.log(2)], 0, 2);
    // mean of e^1000·(1 + 1 + 0 + 2) over 4 = e^1000
    expect(acc.value(0)).toBeCloseTo(1000, 10);
  });
});

describe('the VAE pass', () => {
  it('f = −log p(x|z) + KL(q(z|x) ‖ p(z)) per example (categorical, learned prior)', () => {
    const dim = 5, vars = 2, k = 3;
    const vae = new VAE({ kind: 'categorical', vars, classes: k, dim, key: key(3) });
    randomize(vae.params, 4, 1);
    const x = binaryRows(2, dim, 9);
    const z = [1, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0];
    const f = step(() => {
      const xt = tensor(x, [2, dim]);
      const fixed: Latent = () => tensor(z, [2, vars * k]);
      return Array.from(vae.pass(xt)(fixed).data());
    });
    const [We, be_] = [vals(vae.encoder.layers[0].w), vals(vae.encoder.layers[0].b)];
    const [Wd, bd] = [vals(vae.decoder.layers[0].w), vals(vae.decoder.layers[0].b)];
    const prior = vals(vae.priorLogits!);
    for (let e = 0; e < 2; e++) {
      const xe = Array.from(x.subarray(e * dim, (e + 1) * dim));
      const q = affine(xe, We, be_);
      let kl = 0;
      for (let g = 0; g < vars; g++) {
        const lq = logSoftmax(q.slice(g * k, (g + 1) * k)), lp = logSoftmax(prior.slice(g * k, (g + 1) * k));
        for (let j = 0; j < k; j++) kl += Math.exp(lq[j]) * (lq[j] - lp[j]);
      }
      const ze = z.slice(e * vars * k, (e + 1) * vars * k);
      const rec = -affine(ze, Wd, bd).reduce((s, l, j) => s + bernLog(l, xe[j]), 0);
      expect(f[e]).toBeCloseTo(rec + kl, 4);
    }
  });

  it('a uniform prior has no parameters and KL(q ‖ uniform) = Σ q log q + log k', () => {
    const vae = new VAE({ kind: 'categorical', vars: 1, classes: 4, dim: 3, prior: 'uniform', key: key(3) });
    expect(vae.priorLogits).toBeNull();
    expect([...vae.params.map.keys()].some((n) => n.startsWith('prior'))).toBe(false);
    const kl = step(() => vae.kl(tensor([0, 0, 0, 0], [1, 4])).item());
    expect(kl).toBeCloseTo(0, 6);
  });
});

describe('VAE options', () => {
  it('hidden: [H1, H2] gives ReLU MLPs, the decoder mirrored', () => {
    const vae = new VAE({ kind: 'categorical', vars: 2, classes: 3, dim: 10, hidden: [7, 5], key: key(1) });
    const shapes = Object.fromEntries([...vae.params.map].map(([n, t]) => [n, t.shape.join('x')]));
    expect(shapes).toEqual({
      'encoder.0.w': '10x7', 'encoder.0.b': '7', 'encoder.1.w': '7x5', 'encoder.1.b': '5', 'encoder.2.w': '5x6', 'encoder.2.b': '6',
      'decoder.0.w': '6x5', 'decoder.0.b': '5', 'decoder.1.w': '5x7', 'decoder.1.b': '7', 'decoder.2.w': '7x10', 'decoder.2.b': '10',
      'prior.logits': '6',
    });
    const r = vae.evaluate(binaryRows(2, 10, 1), { samples: 10, key: key(2) });
    expect(r.perExample.every(Number.isFinite)).toBe(true);
  });
});

describe('initialisation and sampling', () => {
  it('the output bias starts at the logit of the training mean (clamped)', () => {
    const data = new Float32Array([1, 0, 0, 1, 0, 0, 1, 1, 0, 1, 0, 1]); // 3 rows of 4
    const vae = new VAE({ kind: 'bernoulli', units: 2, dim: 4, key: key(1), initData: data });
    const b = vals(vae.decoder.layers[0].b);
    const expected = logitOfMean(data, 4);
    expect(b).toEqual(Array.from(expected));
    expect(b[0]).toBeCloseTo(-Math.log(2), 6); // mean 1/3
    expect(b[3]).toBeCloseTo(Math.log((1 - 1e-3) / 1e-3), 4); // mean 1, clamped
    const sbn = new SBN({ kind: 'bernoulli', units: 2, inDim: 2, outDim: 2, key: key(1), initData: data });
    expect(vals(sbn.layers[2].b)).toEqual(Array.from(logitOfMean(data, 4, 2, 4)));
  });

  it('VAE samples are pixel probabilities; SBN completions keep the given upper half', () => {
    const vae = new VAE({ kind: 'categorical', vars: 3, classes: 4, dim: 16, key: key(2) });
    const s = vae.sample(5, key(9));
    expect(s.length).toBe(5 * 16);
    expect(s.every((v) => v > 0 && v < 1)).toBe(true);
    expect(vae.sample(5, key(9))).toEqual(s);
    const sbn = new SBN({ kind: 'bernoulli', units: 4, inDim: 8, outDim: 8, key: key(2) });
    const rows = binaryRows(3, 16, 1);
    const c = sbn.sample(3, key(4), rows);
    for (let r = 0; r < 3; r++) {
      expect(Array.from(c.subarray(r * 16, r * 16 + 8))).toEqual(Array.from(rows.subarray(r * 16, r * 16 + 8)));
      expect(c.subarray(r * 16 + 8, (r + 1) * 16).every((v) => v > 0 && v < 1)).toBe(true);
    }
    expect(() => sbn.sample(4, key(4), rows)).toThrow(/must hold 4 rows/);
  });

  it('shape errors name the pass and the expected shape', () => {
    const vae = new VAE({ kind: 'bernoulli', units: 2, dim: 4, key: key(1) });
    expect(() => step(() => vae.pass(tensor([1, 2, 3], [1, 3])))).toThrow(/VAE.pass: x must be \[B, 4\], found \[1,3\]/);
    expect(() => new VAE({ kind: 'categorical', vars: 2, classes: 1, dim: 4, key: key(1) })).toThrow(/classes must be >= 2/);
  });
});

describe('host staging of the SBN batch', () => {
  it('columns copies into a given buffer, its first rows·width values, and refuses a short one', () => {
    const data = Float32Array.from({ length: 12 }, (_, i) => i); // 3 rows of 4
    const out = new Float32Array(8).fill(-1);
    expect(Array.from(columns(data, 3, 4, 1, 3, out))).toEqual([1, 2, 5, 6, 9, 10]);
    expect(Array.from(out.subarray(6))).toEqual([-1, -1]);
    expect(() => columns(data, 3, 4, 0, 4, out)).toThrow(/columns: out must hold 12 values, found 8/);
  });

  it('SBN batches made one after another keep their own rows (the staging buffer is reused)', () => {
    setBackend(createRefBackend());
    const sbn = new SBN({ kind: 'bernoulli', units: 2, inDim: 3, outDim: 2, key: key(3) });
    const rows = (v: number) => Float32Array.from({ length: 2 * 5 }, (_, i) => v + i);
    step(() => {
      const a = sbn.batch(rows(0), 2), b = sbn.batch(rows(100), 2);
      expect(Array.from(a.x.data())).toEqual([0, 1, 2, 5, 6, 7]);
      expect(Array.from(b.x.data())).toEqual([100, 101, 102, 105, 106, 107]);
    });
  });
});

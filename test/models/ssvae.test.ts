// The semi-supervised M2 model: the objective's parts and layout, its gradient by finite
// differences (f64 ref), and the evaluation.
import { describe, expect, it } from 'vitest';
import { grad, noGrad } from '../../src/autograd/tape.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { setBackend, step } from '../../src/engine.js';
import { createEstimator } from '../../src/estimators/index.js';
import { SSVAE } from '../../src/models/ssvae.js';
import { exp, logSoftmax, tensor } from '../../src/ops.js';
import { key } from '../../src/random/key.js';
import { normalHost } from '../../src/random/normal.js';

const images = (n: number, seed: number) => Float32Array.from({ length: n * 784 }, (_, i) => (((i + seed) * 2654435761) >>> 0) % 5 < 2 ? 1 : 0);

describe('normalHost', () => {
  it('is standard normal: mean, variance and a tail within sampling error; the same key gives the same draws', () => {
    const z = normalHost(key(3), 200_001);
    let m = 0, v = 0, tail = 0;
    for (const x of z) m += x;
    m /= z.length;
    for (const x of z) {
      v += (x - m) ** 2;
      if (x > 2) tail++;
    }
    v /= z.length;
    expect(Math.abs(m)).toBeLessThan(0.01);
    expect(Math.abs(v - 1)).toBeLessThan(0.01);
    expect(Math.abs(tail / z.length - 0.02275)).toBeLessThan(0.002);
    expect(normalHost(key(3), 5)).toEqual(z.subarray(0, 5));
    expect(() => normalHost(key(3), -1)).toThrow(/normalHost: n/);
  });
});

describe('SSVAE', () => {
  const be = createRefBackend();
  setBackend(be);
  const m = new SSVAE({ key: key(1), classes: 3, backend: be, initData: images(4, 9) });
  const xu = images(2, 1), xl = images(3, 2), labels = [0, 2, 1];

  it('J = labeled + unlabeled + β·classification, finite for all three y estimators', () => {
    for (const yEstimator of ['marginalize', 'gumbel_softmax', 'st_gumbel_softmax'] as const) {
      step(() => noGrad(() => {
        const o = m.objective(xl, labels, xu, { y: createEstimator(yEstimator), beta: 0.3, tau: 0.7, key: key(5) });
        const [j, l, u, c] = [o.surrogate, o.labeled, o.unlabeled, o.classification].map((t) => t.item());
        expect(Number.isFinite(j)).toBe(true);
        expect(j).toBeCloseTo(l + u + 0.3 * c, 3);
        expect(c).toBeGreaterThan(0);
      }), be);
    }
  });

  it('marginalized U(x) = Σ_y q(y|x)·L(x,y) + KL(q(y|x) ‖ uniform), rows example-major', () => {
    step(() => noGrad(() => {
      const k = 3, B = 2;
      const { u, logits } = m.marginalized(xu, B, key(7));
      // The same rows and key through bound(): x_b repeated k times, y the k one-hot vectors.
      const tiled = new Float32Array(B * k * 784), ys = new Float32Array(B * k * k);
      for (let b = 0; b < B; b++) for (let j = 0; j < k; j++) {
        tiled.set(xu.subarray(b * 784, (b + 1) * 784), (b * k + j) * 784);
        ys[(b * k + j) * k + j] = 1;
      }
      const L = m.bound(tensor(tiled, [B * k, 784]), tensor(ys, [B * k, k]), key(7)).data();
      const q = exp(logSoftmax(logits, k)).data();
      const uu = u.data();
      for (let b = 0; b < B; b++) {
        let want = 0;
        for (let j = 0; j < k; j++) want += q[b * k + j] * (L[b * k + j] + Math.log(q[b * k + j] * k));
        expect(uu[b]).toBeCloseTo(want, 2);
      }
    }), be);
  });

  it('evaluate: accuracy of argmax q(y|x) and ELBO = −mean U(x)', () => {
    const lab = Uint8Array.from([0, 1]);
    const r = m.evaluate(xu, lab, { key: key(8), chunk: 1 });
    const want = step(() => noGrad(() => {
      const { u, logits } = m.marginalized(xu, 2, key(8));
      return { u: u.data(), l: logits.data() };
    }), be);
    const argmax = (b: number) => [0, 1, 2].reduce((a, j) => (want.l[b * 3 + j] > want.l[b * 3 + a] ? j : a), 0);
    expect(r.accuracy).toBe([0, 1].filter((b) => argmax(b) === lab[b]).length / 2);
    expect(r.examples).toBe(2);
    expect(Number.isFinite(r.elbo)).toBe(true);
    expect(() => m.evaluate(xu, Uint8Array.from([0]), { key: key(8) })).toThrow(/SSVAE.evaluate: images must hold 1 rows/);
  });

  it('names bad arguments', () => {
    expect(() => m.objective(xl, [0, 3, 1], xu, { y: createEstimator('marginalize'), beta: 0.1, tau: 1, key: key(1) })).toThrow(/labels must be integers in \[0, 3\), found 3/);
    expect(() => m.objective(xl, [0, 1], xu, { y: createEstimator('marginalize'), beta: 0.1, tau: 1, key: key(1) })).toThrow(/xl must hold 2 rows/);
    expect(() => new SSVAE({ key: key(1), classes: 1 })).toThrow(/classes must be >= 2, found 1/);
  });
});

describe('SSVAE gradient (f64 central differences on ref)', () => {
  const be = createRefBackend({ f64: true });
  const m = new SSVAE({ key: key(2), classes: 2, backend: be });
  const xu = images(1, 3), xl = images(1, 4);
  const J = (yEstimator: 'marginalize' | 'gumbel_softmax') => m.objective(xl, [1], xu, { y: createEstimator(yEstimator), beta: 0.5, tau: 0.8, key: key(11) }).surrogate;
  const names = ['qy.conv0.w', 'qy.fc.w', 'qz.y', 'qz.conv1.w', 'qz.logvar.b', 'px.fc.y', 'px.deconv0.w', 'px.deconv3.b', 'px.out.w'];

  for (const yEstimator of ['marginalize', 'gumbel_softmax'] as const) {
    it(`${yEstimator}: dJ/dθ matches finite differences on every network`, () => {
      setBackend(be);
      const params = names.map((n) => {
        const p = m.params.map.get(n);
        if (!p) throw new Error(`no parameter ${n}`);
        return p;
      });
      const g = step(() => grad(J(yEstimator), params).map((t) => t!.data()), be);
      const h = 1e-6;
      let nonzero = 0;
      for (const [pi, p] of params.entries()) {
        const v = p.data(), i = Math.floor(v.length / 3) + 1;
        const at = (x: number) => {
          const w = Float64Array.from(v);
          w[i] = x;
          be.write(p.buf, w);
          return step(() => noGrad(() => J(yEstimator).item()), be);
        };
        const fd = (at(v[i] + h) - at(v[i] - h)) / (2 * h);
        be.write(p.buf, v);
        expect(g[pi][i], `${names[pi]}[${i}]`).toBeCloseTo(fd, 4);
        nonzero += Math.abs(fd) > 1e-3 ? 1 : 0;
      }
      // Most checked entries must carry a real gradient (not a dead ReLU's zero).
      expect(nonzero).toBeGreaterThanOrEqual(6);
    }, 120_000);
  }
});

// matmul on every backend against `ref`: the three dense-layer forms (A·B, Aᵀ·B, A·Bᵀ) and Aᵀ·Bᵀ,
// accumulate and bias on/off, shapes below/at/above every tile edge, the paper's layer shapes,
// empty edges, NaN propagation, and bitwise equality of column-split calls on the raw exports.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend.js';
import type { F } from '../../src/kernels.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { detectFeatures } from '../../src/backends/wasm/features.js';
import { loadModule } from '../../src/backends/wasm/index.js';
import { BACKENDS } from '../harness/backends.js';
import { expectClose, fillRandom, upload } from '../harness/check_kernel.js';

const ref = createRefBackend();

interface Case {
  m: number;
  k: number;
  n: number;
  transA: boolean;
  transB: boolean;
  accumulate: boolean;
  bias: boolean;
}

const FORMS: [boolean, boolean][] = [
  [false, false], // A·B
  [true, false], // Aᵀ·B
  [false, true], // A·Bᵀ
  [true, true], // Aᵀ·Bᵀ
];
const formName = (tA: boolean, tB: boolean) => (tA ? (tB ? 'Aᵀ·Bᵀ' : 'Aᵀ·B') : tB ? 'A·Bᵀ' : 'A·B');
const caseName = (c: Case) => `${formName(c.transA, c.transB)} m=${c.m} k=${c.k} n=${c.n}${c.accumulate ? ' acc' : ''}${c.bias ? ' bias' : ''}`;

interface Inputs {
  a: Float32Array;
  b: Float32Array;
  c: Float32Array;
  bias: Float32Array;
}

function inputs(c: Case, seed: number): Inputs {
  return {
    a: fillRandom(c.m * c.k, seed, -1, 1),
    b: fillRandom(c.k * c.n, seed + 1, -1, 1),
    c: fillRandom(c.m * c.n, seed + 2, -1, 1),
    bias: fillRandom(c.n, seed + 3, -1, 1),
  };
}

function run(be: Backend, c: Case, x: Inputs): F {
  const a = upload(be, x.a), b = upload(be, x.b), out = upload(be, x.c), bias = c.bias ? upload(be, x.bias) : null;
  be.matmul(a, b, out, c.m, c.k, c.n, c.transA, c.transB, c.accumulate, bias);
  const y = c.m * c.n ? be.read(out) : new Float32Array(0);
  be.resetScratch();
  return y;
}

/** ref results of the large cases, computed once and shared by every backend. */
const refCache = new Map<string, F>();
function runRef(c: Case, x: Inputs, key: string): F {
  let y = refCache.get(key);
  if (!y) refCache.set(key, (y = run(ref, c, x)));
  return y;
}

/** f32 sums of k products of values in [−1, 1]: the error grows with k (worst case k·ε·Σ|a·b|). */
const tol = (k: number) => ({ atol: 1e-6 + 4 * k * 2 ** -23, rtol: 1e-5 });

/** Every m ≤ 2·MR+1 and n ≤ 2·NR+1 of the tiles in use (MR ≤ 6, NR ≤ 16), plus a few k. */
function sweepCases(): Case[] {
  const cases: Case[] = [];
  let i = 0;
  const flags = () => ({ accumulate: (i & 1) === 1, bias: (i++ & 2) === 2 });
  for (const [transA, transB] of FORMS) {
    for (let m = 0; m <= 13; m++) for (let n = 0; n <= 33; n++) for (const k of [5, 17]) cases.push({ m, k, n, transA, transB, ...flags() });
    for (const k of [0, 1, 2, 3, 4, 7, 8, 9, 16, 33, 100]) for (const [m, n] of [[1, 1], [1, 37], [3, 5], [6, 8], [7, 17], [13, 33], [25, 50]]) cases.push({ m, k, n, transA, transB, ...flags() });
  }
  return cases;
}

/** The dense layers of the paper's models (784-512-200 MLPs, batch 100), forward and both gradients. */
const PAPER: [number, number, number][] = [
  [100, 784, 512],
  [784, 100, 512],
  [100, 512, 784],
  [100, 784, 200],
  [100, 200, 784],
];

describe('matmul: ref against hand-computed values', () => {
  // A = [[1, 2], [3, 4]], B = [[5, 6], [7, 8]].
  const A = [1, 2, 3, 4], At = [1, 3, 2, 4], B = [5, 6, 7, 8], Bt = [5, 7, 6, 8];
  const go = (a: number[], b: number[], tA: boolean, tB: boolean, acc = false, bias: number[] | null = null, c0 = [0, 0, 0, 0]) => {
    const out = upload(ref, c0);
    ref.matmul(upload(ref, a), upload(ref, b), out, 2, 2, 2, tA, tB, acc, bias && upload(ref, bias));
    return [...ref.read(out)];
  };
  it('A·B, Aᵀ·B and A·Bᵀ give [[19, 22], [43, 50]] from the same matrices', () => {
    expect(go(A, B, false, false)).toEqual([19, 22, 43, 50]);
    expect(go(At, B, true, false)).toEqual([19, 22, 43, 50]);
    expect(go(A, Bt, false, true)).toEqual([19, 22, 43, 50]);
    expect(go(At, Bt, true, true)).toEqual([19, 22, 43, 50]);
  });
  it('bias is added to every row, accumulate adds into C', () => {
    expect(go(A, B, false, false, false, [1, -1])).toEqual([20, 21, 44, 49]);
    expect(go(A, B, false, false, true, [1, -1], [1, 2, 3, 4])).toEqual([21, 23, 47, 53]);
  });
  it('a non-square product: [1, 3]·[3, 2]', () => {
    const out = upload(ref, [0, 0]);
    ref.matmul(upload(ref, [1, 2, 3]), upload(ref, [1, 0, 0, 1, 1, 1]), out, 1, 3, 2, false, false, false, null);
    expect([...ref.read(out)]).toEqual([4, 5]);
  });
});

for (const nb of BACKENDS) {
  describe(`matmul on ${nb.label}`, () => {
    let be: Backend;
    beforeAll(async () => {
      be = await nb.make();
    });

    it('m, n below/at/above the tiles, k tails, all forms, accumulate and bias on/off', () => {
      let seed = 1;
      for (const c of sweepCases()) {
        const x = inputs(c, seed++);
        expectClose(`${nb.label} ${caseName(c)}`, run(be, c, x), run(ref, c, x), tol(c.k));
      }
    });

    it.skipIf(nb.label === 'ref')('the paper shapes (100,784,512), (784,100,512), (100,512,784), (100,784,200), (100,200,784) in all three forms', () => {
      let seed = 100;
      for (const [m, k, n] of PAPER) {
        for (const [transA, transB] of FORMS.slice(0, 3)) {
          const c: Case = { m, k, n, transA, transB, accumulate: transA, bias: !transA };
          const x = inputs(c, seed++);
          expectClose(`${nb.label} ${caseName(c)}`, run(be, c, x), runRef(c, x, caseName(c)), tol(k));
        }
      }
    });

    it('size 0: m = 0 and n = 0 write nothing; k = 0 gives C = bias (+ C)', () => {
      for (const [transA, transB] of FORMS) {
        for (const [m, k, n] of [[0, 5, 7], [5, 3, 0], [0, 0, 0]]) {
          const c: Case = { m, k, n, transA, transB, accumulate: false, bias: true };
          expect(run(be, c, inputs(c, 7)).length).toBe(0);
        }
        for (const [accumulate, bias] of [[false, false], [false, true], [true, true], [true, false]]) {
          const c: Case = { m: 7, k: 0, n: 19, transA, transB, accumulate, bias };
          const x = inputs(c, 9);
          const want = Float32Array.from({ length: 7 * 19 }, (_, i) => (accumulate ? x.c[i] : 0) + (bias ? x.bias[i % 19] : 0));
          expectClose(`${nb.label} ${caseName(c)}`, run(be, c, x), want, { atol: 0, rtol: 0 });
        }
      }
    });

    it('NaN propagates: a NaN in A fills its row, in B its column, in bias its column, in C (accumulate) its element', () => {
      for (const [transA, transB] of FORMS) {
        for (const [m, k, n] of [[1, 9, 21], [3, 6, 17], [13, 17, 33], [50, 40, 45]]) {
          const c: Case = { m, k, n, transA, transB, accumulate: true, bias: true };
          const x = inputs(c, 11);
          const [i0, p0, j0, p1, j1, i2, j2] = [m - 1, k >> 1, n - 1, k - 1, n >> 1, m >> 1, 1];
          x.a[transA ? p0 * m + i0 : i0 * k + p0] = NaN;
          x.b[transB ? j0 * k + p1 : p1 * n + j0] = NaN;
          x.bias[j1] = NaN;
          x.c[i2 * n + j2] = NaN;
          const got = run(be, c, x);
          for (let j = 0; j < n; j++) expect(got[i0 * n + j], `row ${i0}`).toBeNaN();
          for (let i = 0; i < m; i++) expect(got[i * n + j0], `column ${j0}`).toBeNaN();
          for (let i = 0; i < m; i++) expect(got[i * n + j1], `bias column ${j1}`).toBeNaN();
          expect(got[i2 * n + j2]).toBeNaN();
          expectClose(`${nb.label} NaN ${caseName(c)}`, got, run(ref, c, x), tol(k));
        }
      }
    });
  });
}

describe('matmul_f32 column and row splits (raw exports)', () => {
  // The thread pool splits [0, n) at 16-column boundaries, or the rows [0, m) into pieces of ≥ 16
  // rows at 16-row boundaries (lda = the whole product's); every split must give the same bits.
  const SHAPES: [number, number, number][] = [[1, 37, 100], [2, 50, 70], [4, 33, 73], [5, 64, 48], [6, 9, 100], [13, 29, 100], [37, 19, 40], [70, 45, 36], [100, 200, 130]];
  for (const build of ['scalar', 'simd', 'relaxed'] as const) {
    it(`${build}: [0,n) in one call = two halves at a 16-column boundary = 16-column strips = row pieces`, async () => {
      await detectFeatures(); // sets the V8 flag relaxed SIMD needs on Node 20
      const memory = new WebAssembly.Memory({ initial: 1 });
      const ex = (await WebAssembly.instantiate(await loadModule(build), { env: { memory } })).exports as Record<string, (...a: number[]) => number>;
      for (const [m, k, n] of SHAPES) {
        for (const [transA, transB] of FORMS) {
          for (const [accumulate, bias] of [[0, 0], [1, 1]]) {
            // Layout: [reserved 64 KiB | a | b | c0 | bias | c | ws], each 64-byte aligned.
            let top = 65536;
            const take = (bytes: number) => {
              const ptr = top;
              top += Math.ceil(bytes / 64) * 64;
              return ptr;
            };
            const pa = take(4 * m * k), pb = take(4 * k * n), pc0 = take(4 * m * n), pbias = take(4 * n), pc = take(4 * m * n);
            const ws = take(ex.matmul_ws_bytes_f32(m, k, n));
            if (top > memory.buffer.byteLength) memory.grow(Math.ceil((top - memory.buffer.byteLength) / 65536));
            const f32 = new Float32Array(memory.buffer), u32 = new Uint32Array(memory.buffer);
            f32.set(fillRandom(m * k, 1, -1, 1), pa / 4);
            f32.set(fillRandom(k * n, 2, -1, 1), pb / 4);
            f32.set(fillRandom(m * n, 3, -1, 1), pc0 / 4);
            f32.set(fillRandom(n, 4, -1, 1), pbias / 4);
            // column ranges, each over the row pieces [i0, i1) of C (A's row stride lda: the whole product's)
            const call = (ranges: [number, number][], rows: [number, number][] = [[0, m]]) => {
              f32.copyWithin(pc / 4, pc0 / 4, pc0 / 4 + m * n);
              for (const [i0, i1] of rows) for (const [n0, n1] of ranges) {
                ex.matmul_f32(pa + 4 * i0 * (transA ? 1 : k), pb, pc + 4 * i0 * n, i1 - i0, k, n, +transA, +transB, accumulate, bias ? pbias : 0, ws, n0, n1, transA ? m : k);
              }
              return u32.slice(pc / 4, pc / 4 + m * n);
            };
            const whole = call([[0, n]]);
            const half = Math.max(16, Math.floor(n / 32) * 16);
            const strips: [number, number][] = [];
            for (let j = 0; j < n; j += 16) strips.push([j, Math.min(n, j + 16)]);
            const label = `${build} ${formName(transA, transB)} m=${m} k=${k} n=${n} acc=${accumulate} bias=${bias}`;
            expect(call([[0, half], [half, n]]), `${label} halves at ${half}`).toEqual(whole);
            expect(call(strips.reverse()), `${label} strips`).toEqual(whole);
            if (m < 32) continue;
            // 16-row strips, the last one taking the rest; two halves at a 16-row boundary
            const rowStrips = Array.from({ length: (m >> 4) - 1 }, (_, i): [number, number] => [16 * i, 16 * i + 16]).concat([[16 * ((m >> 4) - 1), m]]);
            const mid = Math.floor(m / 32) * 16;
            expect(call([[0, n]], [[0, mid], [mid, m]]), `${label} row halves at ${mid}`).toEqual(whole);
            expect(call([[0, half], [half, n]], rowStrips.reverse()), `${label} 16-row strips × column halves`).toEqual(whole);
          }
        }
      }
    });
  }
});

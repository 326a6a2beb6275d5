// random_uniform, random_gumbel, random_logistic, bernoulli_sample (one family, assembly/kernels/random.ts).
//
// What is checked, and against what:
// - Philox-4x32-10 (src/random/philox.ts) against the Random123 known-answer vectors and against an
//   independent BigInt implementation written here from the paper's round function;
// - every wasm build against `ref`: the words bitwise (random_uniform), the scalar build's noise
//   bitwise, the SIMD builds' noise within 2.4e−7·max(1, |y|) (2× the measured worst case),
//   bernoulli_sample bitwise on every build, including logits that tie with the noise;
// - extreme words (u = 2⁻²⁴ and 1 − 2⁻²⁴) give finite noise on every build;
// - exhaustively, all 2²³ possible uniforms through the SIMD transform and the scalar transform
//   (probe exports compiled here from the kernel source, not part of the release ABI), and
//   logf4 over a sweep of all positive floats plus the IEEE special cases;
// - distributions at a fixed key (deterministic): Kolmogorov–Smirnov for uniform, Gumbel and
//   logistic, χ² for uniform, Gumbel moments, Bernoulli frequencies against σ(l);
// - keys: split / foldIn give distinct streams.
import { readFile } from 'node:fs/promises';
import asc from 'assemblyscript/asc';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { detectFeatures } from '../../src/backends/wasm/features.js';
import { foldIn, key, split } from '../../src/random/key.js';
import { philox4x32, philoxWords, wordToUniform } from '../../src/random/philox.js';
import { BACKENDS } from '../harness/backends.js';
import { fillRandom, sizeSweep } from '../harness/check_kernel.js';

const ref = createRefBackend();
const U_MIN = 2 ** -24;
const U_MAX = 1 - 2 ** -24;
/** Measured worst SIMD error (all 2²³ uniforms): 1.19e−7·max(1, |y|); the tests allow twice that. */
const SIMD_TOL = 2.4e-7;
/** bernoulli_sample's fallback band in assembly/kernels/random.ts: 2⁻¹⁹·(|L| + 1). */
const BERN_BAND = 2 ** -19;

type Kind = 'random_uniform' | 'random_gumbel' | 'random_logistic';
const KINDS: Kind[] = ['random_uniform', 'random_gumbel', 'random_logistic'];

/** Runs a noise kernel; `pad` extra elements after n hold a canary the kernel must not touch. */
function noise(be: Backend, kind: Kind, n: number, k0: number, k1: number, pad = 0): Float32Array {
  const y = be.alloc(n + pad, false);
  if (n + pad) be.write(y, new Float32Array(n + pad).fill(12345));
  be[kind](y, n, k0, k1);
  const out = n + pad ? be.read(y) : new Float32Array(0);
  be.resetScratch();
  return Float32Array.from(out);
}

function bernoulli(be: Backend, logits: Float32Array, k0: number, k1: number): Float32Array {
  const n = logits.length;
  const l = be.alloc(n, false), y = be.alloc(n, false);
  if (n) be.write(l, logits);
  be.bernoulli_sample(l, y, n, k0, k1);
  const out = n ? Float32Array.from(be.read(y)) : new Float32Array(0);
  be.resetScratch();
  return out;
}

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

/** Bitwise equality, with the first few differences in the message. */
function expectBitwise(label: string, got: Float32Array, want: Float32Array): void {
  expect(got.length, `${label}: length`).toBe(want.length);
  const g = bits(got), w = bits(want);
  const bad: string[] = [];
  let count = 0;
  for (let i = 0; i < w.length; i++) {
    if (g[i] !== w[i]) {
      if (bad.length < 5) bad.push(`  [${i}] expected ${want[i]}, got ${got[i]}`);
      count++;
    }
  }
  if (count) throw new Error(`${label}: ${count} elements differ bitwise\n${bad.join('\n')}`);
}

/** |got − want| ≤ tol·max(1, |want|) elementwise. */
function expectNear(label: string, got: Float32Array, want: Float32Array, tol: number): void {
  expect(got.length, `${label}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= tol * Math.max(1, Math.abs(want[i])))) throw new Error(`${label}: [${i}] expected ${want[i]}, got ${got[i]} (|Δ| = ${d})`);
  }
}

/** The next f32 above (dir = 1) or below (dir = −1) x. */
function nextF32(x: number, dir: 1 | -1): number {
  const f = new Float32Array([x]), u = bits(f);
  if (x === 0) return dir * 2 ** -149;
  u[0] += (x > 0) === (dir > 0) ? 1 : -1;
  return f[0];
}

// Philox-4x32-10 written independently with BigInt, straight from the round function of
// Salmon et al. (SC'11): (x0, x1, x2, x3) → (hi(M1·x2) ⊕ x1 ⊕ k0, lo(M1·x2), hi(M0·x0) ⊕ x3 ⊕ k1, lo(M0·x0)),
// then the key is bumped by the Weyl constants.
function philoxBig(c: number[], k: number[]): number[] {
  const M = 0xffffffffn;
  let x = c.map(BigInt), kk = k.map(BigInt);
  for (let r = 0; r < 10; r++) {
    const p0 = 0xd2511f53n * x[0], p1 = 0xcd9e8d57n * x[2];
    x = [((p1 >> 32n) ^ x[1] ^ kk[0]) & M, p1 & M, ((p0 >> 32n) ^ x[3] ^ kk[1]) & M, p0 & M];
    kk = [(kk[0] + 0x9e3779b9n) & M, (kk[1] + 0xbb67ae85n) & M];
  }
  return x.map(Number);
}

function philoxTs(c: number[], k: number[]): number[] {
  const out = new Uint32Array(4);
  philox4x32(c[0], c[1], c[2], c[3], k[0], k[1], out);
  return [...out];
}

// Keys whose stream holds an extreme word within its first 64 elements (found by a search over
// k0 with k1 = 0x5eed; the tests re-check the word itself).
const EXTREMES = [
  { k0: 87620, k1: 0x5eed, i: 18, u: U_MAX }, // word 0xfffffeb8: top 23 bits all ones
  { k0: 294131, k1: 0x5eed, i: 45, u: U_MIN }, // word 0x00000096: top 23 bits all zeros
];

describe('philox', () => {
  it('Random123 known answers (kat_vectors, philox4x32 10 rounds)', () => {
    const hex = (ws: number[]) => ws.map((w) => w.toString(16).padStart(8, '0')).join(' ');
    expect(hex(philoxTs([0, 0, 0, 0], [0, 0]))).toBe('6627e8d5 e169c58d bc57ac4c 9b00dbd8');
    const ones = 0xffffffff;
    expect(hex(philoxTs([ones, ones, ones, ones], [ones, ones]))).toBe('408f276d 41c83b0e a20bc7c6 6d5451fd');
    expect(hex(philoxTs([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0]))).toBe('d16cfe09 94fdcceb 5001e420 24126ea1');
  });

  it('matches an independent BigInt implementation on 2000 pseudo-random counters and keys', () => {
    let s = 0x12345678;
    const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
    for (let t = 0; t < 2000; t++) {
      const c = [next(), next(), next(), next()], k = [next(), next()];
      if (t % 4 === 0) c[1] = c[2] = c[3] = 0; // the kernels' counter layout
      expect(philoxTs(c, k)).toEqual(philoxBig(c, k));
    }
  });

  it('ref: element i takes word i mod 4 of counter ⌊i/4⌋; uniforms at the extreme words', () => {
    const w = new Uint32Array(10);
    philoxWords(w, 10, 7, 9);
    for (let i = 0; i < 10; i++) expect(w[i]).toBe(philoxBig([i >> 2, 0, 0, 0], [7, 9])[i & 3]);
    const y = ref.alloc(4, false);
    ref.random_uniform(y, 4, 0, 0);
    expect([...ref.read(y)]).toEqual([0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8].map((x) => ((x >>> 9) + 0.5) * 2 ** -23));
    // Forced all-zero and all-one words: u is strictly inside (0, 1) and the noise is finite.
    expect(wordToUniform(0)).toBe(U_MIN);
    expect(wordToUniform(0xffffffff)).toBe(U_MAX);
    expect(Math.fround(U_MIN)).toBe(U_MIN);
    expect(Math.fround(U_MAX)).toBe(U_MAX);
    // −ln(−ln 2⁻²⁴) = −ln(24·ln 2) = −2.8115…;  −ln(−ln(1 − 2⁻²⁴)) ≈ 24·ln 2 = 16.6355…
    expect(-Math.log(-Math.log(wordToUniform(0)))).toBeCloseTo(-Math.log(24 * Math.LN2), 12);
    expect(-Math.log(-Math.log(wordToUniform(0xffffffff)))).toBeCloseTo(24 * Math.LN2, 6);
    // ln u − ln(1 − u) = ∓ln(2²⁴ − 1) at the two ends.
    expect(Math.log(U_MIN) - Math.log(1 - U_MIN)).toBeCloseTo(-Math.log(2 ** 24 - 1), 9);
    expect(Math.log(U_MAX) - Math.log(1 - U_MAX)).toBeCloseTo(Math.log(2 ** 24 - 1), 9);
  });
});

describe('keys', () => {
  it('split and foldIn give distinct keys and unrelated streams', () => {
    const k = key(42);
    const keys = [k, ...split(k, 4), foldIn(k, 0), foldIn(k, 1), foldIn(k, 2 ** 40)];
    expect(new Set(keys.map((x) => `${x[0]},${x[1]}`)).size).toBe(keys.length);
    const n = 4096;
    const streams = keys.map(([k0, k1]) => noise(ref, 'random_uniform', n, k0, k1));
    for (let a = 0; a < streams.length; a++) {
      for (let b = a + 1; b < streams.length; b++) {
        let same = 0, dot = 0;
        for (let i = 0; i < n; i++) {
          if (streams[a][i] === streams[b][i]) same++;
          dot += (streams[a][i] - 0.5) * (streams[b][i] - 0.5);
        }
        expect(same, `streams ${a} and ${b}: equal elements`).toBeLessThan(3);
        // Correlation of independent uniforms: sd 1/√n ≈ 0.016; 5 sd.
        expect(Math.abs(dot / n / (1 / 12)), `streams ${a} and ${b}: correlation`).toBeLessThan(0.08);
      }
    }
    // Splitting is deterministic.
    expect(split(k, 4)).toEqual(split(k, 4));
  });
});

describe('random kernels on every backend', () => {
  const KEYS: [number, number][] = [[0, 0], [42, 7], [0xffffffff, 0x80000000], [0x9e3779b9, 0x5eed]];

  for (const { label, make } of BACKENDS) {
    const scalarExact = label === 'ref' || label === 'wasm-scalar';

    it(`${label}: words bitwise equal to ref (random_uniform), n around the tile and the Philox block; nothing past n`, async () => {
      const be = await make();
      for (const [k0, k1] of KEYS) {
        for (const n of sizeSweep(16, [100, 257, 1031])) {
          const got = noise(be, 'random_uniform', n, k0, k1, 20);
          expectBitwise(`${label} uniform n=${n} key=${k0},${k1}`, got.subarray(0, n), noise(ref, 'random_uniform', n, k0, k1));
          for (let i = n; i < n + 20; i++) expect(got[i], `${label} n=${n}: element ${i} past n`).toBe(12345);
        }
      }
    });

    it(`${label}: gumbel and logistic match ref (${scalarExact ? 'bitwise' : `≤ ${SIMD_TOL}·max(1, |y|)`}); nothing past n; values do not depend on n`, async () => {
      const be = await make();
      for (const kind of ['random_gumbel', 'random_logistic'] as Kind[]) {
        for (const [k0, k1] of KEYS) {
          for (const n of sizeSweep(16, [100, 257, 1031])) {
            const got = noise(be, kind, n, k0, k1, 20);
            const want = noise(ref, kind, n, k0, k1);
            if (scalarExact) expectBitwise(`${label} ${kind} n=${n}`, got.subarray(0, n), want);
            else expectNear(`${label} ${kind} n=${n}`, got.subarray(0, n), want, SIMD_TOL);
            for (let i = n; i < n + 20; i++) expect(got[i], `${label} ${kind} n=${n}: element ${i} past n`).toBe(12345);
          }
        }
        // The tail runs the same code as the body: element i is the same for every n > i.
        const long = noise(be, kind, 64, 3, 4);
        for (const n of [1, 5, 17, 31, 33, 47, 63]) expectBitwise(`${label} ${kind} prefix n=${n}`, noise(be, kind, n, 3, 4), long.subarray(0, n));
      }
    });

    it(`${label}: extreme words (u = 2⁻²⁴, 1 − 2⁻²⁴) give finite noise, in the body and in the tail`, async () => {
      const be = await make();
      for (const { k0, k1, i, u } of EXTREMES) {
        const w = new Uint32Array(64);
        philoxWords(w, 64, k0, k1);
        expect(wordToUniform(w[i])).toBe(u);
        const g = -Math.log(-Math.log(u)), L = Math.log(u) - Math.log(1 - u);
        for (const n of [64, i + 1, i + 2]) {
          expect(noise(be, 'random_uniform', n, k0, k1)[i]).toBe(u);
          const gi = noise(be, 'random_gumbel', n, k0, k1)[i], li = noise(be, 'random_logistic', n, k0, k1)[i];
          expect(Number.isFinite(gi) && Number.isFinite(li), `${label} n=${n}: finite`).toBe(true);
          expect(Math.abs(gi - g)).toBeLessThanOrEqual(SIMD_TOL * Math.abs(g));
          expect(Math.abs(li - L)).toBeLessThanOrEqual(SIMD_TOL * Math.abs(L));
        }
      }
    });

    it(`${label}: bernoulli_sample bitwise equal to ref (random logits, NaN, ±Inf, logits tied with the noise)`, async () => {
      const be = await make();
      for (const [k0, k1] of KEYS) {
        for (const n of sizeSweep(16, [100, 257, 1031])) {
          const l = fillRandom(n, n + k0, -4, 4);
          expectBitwise(`${label} bernoulli n=${n}`, bernoulli(be, l, k0, k1), bernoulli(ref, l, k0, k1));
        }
      }
      // NaN → NaN, +Inf → 1, −Inf → 0, anywhere in a block.
      const special = fillRandom(37, 1, -1, 1);
      special[0] = NaN; special[5] = Infinity; special[17] = -Infinity; special[36] = NaN;
      const ys = bernoulli(be, special, 5, 6);
      expectBitwise(`${label} bernoulli NaN/Inf`, ys, bernoulli(ref, special, 5, 6));
      expect([Number.isNaN(ys[0]), ys[5], ys[17], Number.isNaN(ys[36])]).toEqual([true, 1, 0, true]);
      // Ties: l = −L exactly (l + L = 0 → 0) and its f32 neighbours (→ 1 above, 0 below). These
      // land inside the band where the SIMD path defers to the f64 scalar path.
      for (const [k0, k1] of KEYS) {
        const n = 203;
        const L = noise(ref, 'random_logistic', n, k0, k1);
        for (const shift of [0, 1, -1] as const) {
          const l = L.map((v) => (shift === 0 ? -v : nextF32(-v, shift)));
          const got = bernoulli(be, l, k0, k1);
          expectBitwise(`${label} bernoulli ties (shift ${shift})`, got, bernoulli(ref, l, k0, k1));
          expect(got.every((v) => v === (shift === 1 ? 1 : 0)), `${label} ties shift ${shift}`).toBe(true);
        }
      }
    });

    it(`${label}: distributions at a fixed key (KS, χ², moments, Bernoulli frequencies)`, async () => {
      const be = await make();
      const n = 1 << 17;
      // Kolmogorov–Smirnov: D·√n < 1.95 (α = 0.001 for the asymptotic distribution).
      const ks = (x: Float32Array, cdf: (v: number) => number) => {
        const s = Float64Array.from(x).sort();
        let d = 0;
        for (let i = 0; i < n; i++) {
          const F = cdf(s[i]);
          d = Math.max(d, F - i / n, (i + 1) / n - F);
        }
        return d * Math.sqrt(n);
      };
      const u = noise(be, 'random_uniform', n, 2024, 1);
      const g = noise(be, 'random_gumbel', n, 2024, 2);
      const L = noise(be, 'random_logistic', n, 2024, 3);
      expect(ks(u, (v) => v)).toBeLessThan(1.95);
      expect(ks(g, (v) => Math.exp(-Math.exp(-v)))).toBeLessThan(1.95);
      expect(ks(L, (v) => 1 / (1 + Math.exp(-v)))).toBeLessThan(1.95);
      // χ² on 64 equal bins, 63 degrees of freedom: P(χ² > 110) ≈ 2e−4.
      const counts = new Array(64).fill(0);
      for (const v of u) counts[Math.floor(v * 64)]++;
      const e = n / 64;
      expect(counts.reduce((a, c) => a + ((c - e) * (c - e)) / e, 0)).toBeLessThan(110);
      // Gumbel mean γ = 0.5772, variance π²/6; the sample sd of the mean is 1.28/√n ≈ 0.0035.
      const mean = g.reduce((a, v) => a + v, 0) / n;
      const variance = g.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
      expect(Math.abs(mean - 0.5772156649)).toBeLessThan(0.015);
      expect(Math.abs(variance - Math.PI ** 2 / 6)).toBeLessThan(0.05);
      // Support: Gumbel within [−2.82, 16.64], logistic within ±16.64.
      let gMin = Infinity, gMax = -Infinity, lMax = 0;
      for (let i = 0; i < n; i++) {
        gMin = Math.min(gMin, g[i]);
        gMax = Math.max(gMax, g[i]);
        lMax = Math.max(lMax, Math.abs(L[i]));
      }
      expect(gMin > -2.82 && gMax < 16.64 && lMax < 16.64).toBe(true);
      // Bernoulli(σ(l)): frequencies within 4.5 standard errors.
      const LOGITS = [-3, -1, 0, 0.5, 2];
      const m = 20000;
      const logits = new Float32Array(LOGITS.length * m);
      for (let i = 0; i < logits.length; i++) logits[i] = LOGITS[i % LOGITS.length];
      const z = bernoulli(be, logits, 99, 1);
      for (const [j, lj] of LOGITS.entries()) {
        let ones = 0;
        for (let i = j; i < z.length; i += LOGITS.length) ones += z[i];
        const p = 1 / (1 + Math.exp(-lj));
        expect(Math.abs(ones / m - p), `Bernoulli(σ(${lj}))`).toBeLessThan(4.5 * Math.sqrt((p * (1 - p)) / m));
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Exhaustive checks on probe exports: the kernel file compiled here with one extra entry file, so
// the probes never enter the release ABI.

const PROBE_ENTRY = 'assembly/__random_probe__.ts';
const PROBE_SOURCE = `
export { random_noise_f32__simd128_probe, random_noise_f32__scalar_probe, random_gumbel_f32, random_logistic_f32, random_uniform_f32 } from './kernels/random';
import { logf4, logf4_pos } from './simd';
export function logf4_probe(x: usize, y: usize, n: i32, full: i32): void {
  for (let i = 0; i < n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    v128.store(y + (<usize>i << 2), full ? logf4(v) : logf4_pos(v));
  }
}
`;

interface Probe {
  memory: WebAssembly.Memory;
  ex: Record<string, (...a: number[]) => void>;
}

async function compileProbe(target: 'simd' | 'relaxed', pages: number): Promise<Probe> {
  let binary: Uint8Array | null = null;
  const root = new URL('../../', import.meta.url);
  const { error, stderr } = await asc.main([PROBE_ENTRY, '--config', 'asconfig.json', '--target', target, '--outFile', 'probe.wasm'], {
    readFile: async (name, baseDir) => {
      if (name.replace(/\\/g, '/').endsWith(PROBE_ENTRY)) return PROBE_SOURCE;
      try {
        return await readFile(new URL(name, new URL(`${baseDir.replace(/\/?$/, '/')}`, root)), 'utf8');
      } catch {
        return null;
      }
    },
    writeFile: (name, contents) => {
      if (name.endsWith('.wasm') && typeof contents !== 'string') binary = contents;
    },
    listFiles: () => [],
  });
  if (error) throw new Error(`asc ${target}: ${error.message}\n${stderr.toString()}`);
  if (!binary) throw new Error(`asc ${target}: no binary`);
  await detectFeatures(); // sets V8's relaxed-SIMD flag on Node 20 before the first compile
  const memory = new WebAssembly.Memory({ initial: pages });
  const instance = await WebAssembly.instantiate(await WebAssembly.compile(new Uint8Array(binary as Uint8Array)), { env: { memory } });
  return { memory, ex: instance.exports as unknown as Probe['ex'] };
}

describe('exhaustive: every uniform, and logf4', () => {
  const N = 1 << 23;
  const W = 65536, Y = W + 4 * N; // byte offsets: words, then outputs
  const probes = new Map<string, Probe>();

  // f64 references for all 2²³ uniforms, rounded to f32 as ref rounds them.
  const refG = new Float32Array(N), refL = new Float32Array(N);

  beforeAll(async () => {
    for (const target of ['simd', 'relaxed'] as const) probes.set(target, await compileProbe(target, (Y + 4 * N) / 65536 + 1));
    for (let i = 0; i < N; i++) {
      const u = (i + 0.5) * 2 ** -23;
      refG[i] = -Math.log(-Math.log(u));
      refL[i] = Math.log(u) - Math.log(1 - u);
    }
  }, 120_000);

  for (const target of ['simd', 'relaxed'] as const) {
    it(`${target}: all 2²³ uniforms through the SIMD and the scalar transforms (extremes included)`, () => {
      const { memory, ex } = probes.get(target)!;
      const words = new Uint32Array(memory.buffer, W, N);
      // Word = the 23 uniform bits, low 9 bits varied (they must not matter); w = 0 and 0xffffffff included.
      for (let i = 0; i < N; i++) words[i] = ((i << 9) | (i & 511)) >>> 0;
      words[0] = 0;
      words[N - 1] = 0xffffffff;
      const y = new Float32Array(memory.buffer, Y, N);
      const stats: string[] = [];
      for (const [kind, want] of [[1, refG], [2, refL]] as const) {
        const name = kind === 1 ? 'gumbel' : 'logistic';
        // Scalar transform (the scalar build, and bernoulli_sample's fallback): bitwise equal to ref.
        ex.random_noise_f32__scalar_probe(kind, W, Y, N);
        let diff = 0;
        for (let i = 0; i < N; i++) if (y[i] !== want[i]) diff++;
        expect(diff, `${target} scalar ${name}: elements differing from ref`).toBe(0);
        // SIMD transform: finite everywhere, within the tolerance; for logistic the error stays
        // well inside bernoulli_sample's fallback band (so the vector sign can be trusted outside it).
        ex.random_noise_f32__simd128_probe(kind, W, Y, N);
        let worst = 0, worstAbs = 0, worstBand = 0, nonFinite = 0;
        for (let i = 0; i < N; i++) {
          const d = Math.abs(y[i] - want[i]);
          if (!Number.isFinite(y[i])) nonFinite++;
          worst = Math.max(worst, d / Math.max(1, Math.abs(want[i])));
          worstAbs = Math.max(worstAbs, d);
          if (kind === 2) worstBand = Math.max(worstBand, d / (BERN_BAND * (Math.abs(y[i]) + 1)));
        }
        expect(nonFinite, `${target} simd ${name}: non-finite values`).toBe(0);
        stats.push(`${name}: max |Δ| ${worstAbs.toExponential(2)}, max |Δ|/max(1,|y|) ${worst.toExponential(2)}`);
        expect(worst, `${target} simd ${name}`).toBeLessThanOrEqual(SIMD_TOL / 2);
        expect(worstAbs, `${target} simd ${name}: absolute`).toBeLessThan(1e-6);
        if (kind === 2) expect(worstBand, `${target} logistic error / fallback band`).toBeLessThan(1 / 8);
        // The extremes: w = 0 → u = 2⁻²⁴, w = 0xffffffff → u = 1 − 2⁻²⁴.
        expect(Math.abs(y[0] - want[0]) <= SIMD_TOL * Math.abs(want[0]) && Math.abs(y[N - 1] - want[N - 1]) <= SIMD_TOL * Math.abs(want[N - 1])).toBe(true);
      }
      ex.random_noise_f32__simd128_probe(0, W, Y, N);
      for (let i = 0; i < N; i += 1021) expect(y[i]).toBe(wordToUniform(words[i]));
      expect([y[0], y[N - 1]]).toEqual([U_MIN, U_MAX]);
      console.log(`random ${target}: ${stats.join('; ')}`);
    });

    it(`${target}: the probe's transform is the one the kernels run (bitwise on kernel words)`, () => {
      const { memory, ex } = probes.get(target)!;
      const n = 1000;
      const words = new Uint32Array(memory.buffer, W, n);
      philoxWords(words, n, 11, 12);
      for (const [kind, fn] of [[0, 'random_uniform_f32'], [1, 'random_gumbel_f32'], [2, 'random_logistic_f32']] as const) {
        ex.random_noise_f32__simd128_probe(kind, W, Y, n);
        const viaProbe = new Float32Array(memory.buffer, Y, n).slice();
        ex[fn](Y, n, 11, 12);
        expectBitwise(`${target} ${fn}`, new Float32Array(memory.buffer, Y, n).slice(), viaProbe);
      }
    });

    it(`${target}: logf4 over positive floats (every 251st bit pattern) and the IEEE special cases`, () => {
      const { memory, ex } = probes.get(target)!;
      const x = new Float32Array(memory.buffer, W, N), xb = new Uint32Array(memory.buffer, W, N);
      const y = new Float32Array(memory.buffer, Y, N);
      const STRIDE = 251, TOP = 0x7f800000; // all finite positive floats, subnormals included
      let worstUlp = 0, worstRel = 0, at = 0;
      for (let start = 1; start < TOP; start += STRIDE * N) {
        const m = Math.min(N, Math.ceil((TOP - start) / STRIDE)) & ~3;
        for (let i = 0; i < m; i++) xb[i] = start + i * STRIDE;
        for (const full of [1, 0]) {
          ex.logf4_probe(W, Y, m, full);
          for (let i = 0; i < m; i++) {
            if (!full && xb[i] < 0x00800000) continue;
            const want = Math.log(x[i]), d = Math.abs(y[i] - want);
            const ulp = d / 2 ** (Math.floor(Math.log2(Math.max(Math.abs(want), 2 ** -126))) - 23);
            if (ulp > worstUlp) { worstUlp = ulp; at = x[i]; }
            if (want !== 0) worstRel = Math.max(worstRel, d / Math.abs(want));
          }
        }
      }
      console.log(`logf4 ${target}: max ${worstUlp.toFixed(2)} ulp (at x = ${at}), max relative ${worstRel.toExponential(2)}`);
      expect(worstUlp).toBeLessThan(2);
      // IEEE cases (logf4 only; logf4_pos is documented for positive normals).
      const special = [0, -0, -1, -Infinity, Infinity, NaN, 2 ** -149, 1e-40, 2 ** -126, 3.4028234663852886e38];
      x.set([...special, 1, 1]);
      ex.logf4_probe(W, Y, special.length + 2, 1);
      const got = [...y.subarray(0, special.length)];
      expect(got.slice(0, 6)).toEqual([-Infinity, -Infinity, NaN, NaN, Infinity, NaN]);
      for (let i = 6; i < special.length; i++) expect(Math.abs(got[i] - Math.log(special[i]))).toBeLessThan(2e-5);
      expect(y[special.length]).toBe(0); // ln 1 = 0 exactly
    });
  }
});

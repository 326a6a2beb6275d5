// Kernel test harness (XNNPACK tester + llm.c style failure output): run a kernel on a backend
// and on `ref` with the same inputs, compare with atol + rtol·|ref|, print the first mismatches.
import { expect } from 'vitest';
import type { Backend } from '../../src/backend.js';
import type { Buf } from '../../src/kernels.js';

/** Sizes around a SIMD tile: 0, 1…tile−1, tile, tile+1…2·tile+1, a few multiples, a large odd one. */
export function sizeSweep(tile = 4, extra: number[] = [33, 100, 257, 1031]): number[] {
  const s = new Set<number>([0]);
  for (let n = 1; n <= 2 * tile + 1; n++) s.add(n);
  for (let m = 3; m <= 9; m++) s.add(m * tile);
  for (const n of extra) s.add(n);
  return [...s].sort((a, b) => a - b);
}

/** Deterministic inputs in [lo, hi) (a small LCG: tests must not depend on Math.random). */
export function fillRandom(n: number, seed: number, lo = -3, hi = 3): Float32Array {
  const a = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = lo + ((s >>> 8) / 16777216) * (hi - lo);
  }
  return a;
}

/** Upload an array into a new scratch buffer. */
export function upload(be: Backend, data: ArrayLike<number>): Buf {
  const b = be.alloc(data.length, false);
  if (data.length) be.write(b, data);
  return b;
}

export interface Tol {
  atol?: number;
  rtol?: number;
}

/** Expects got ≈ want elementwise; NaN must match NaN, ±Infinity must match exactly. */
export function expectClose(label: string, got: ArrayLike<number>, want: ArrayLike<number>, tol: Tol = {}): void {
  const atol = tol.atol ?? 1e-6, rtol = tol.rtol ?? 1e-5;
  expect(got.length, `${label}: length`).toBe(want.length);
  const bad: string[] = [];
  let count = 0;
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    const ok = Number.isNaN(w) ? Number.isNaN(g) : !Number.isFinite(w) ? g === w : Math.abs(g - w) <= atol + rtol * Math.abs(w);
    if (!ok) {
      count++;
      if (bad.length < 5) bad.push(`  [${i}] expected ${w}, got ${g} (|Δ| = ${Math.abs(g - w)})`);
      if (count >= 10) break;
    }
  }
  if (count) throw new Error(`${label}: ${count}${count >= 10 ? '+' : ''} mismatches\n${bad.join('\n')}`);
}

// fill: y[i] = value on every backend against ref at every n around the SIMD tile, with special
// values; nothing is written past n.
import { describe, expect, it } from 'vitest';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { WASM_BACKENDS } from '../harness/backends.js';
import { sizeSweep } from '../harness/check_kernel.js';

describe('fill', () => {
  it('ref writes the value into the first n elements', () => {
    const ref = createRefBackend();
    const b = ref.alloc(5, false);
    ref.write(b, [9, 9, 9, 9, 9]);
    ref.fill(b, 3, -2.5);
    expect([...ref.read(b)]).toEqual([-2.5, -2.5, -2.5, 9, 9]);
  });

  for (const { label, make } of WASM_BACKENDS) {
    it(`${label}: every n around the tile, NaN/±Inf/−0 values, nothing past n`, async () => {
      const be = await make();
      for (const value of [1.5, -0, NaN, Infinity, -Infinity, 3.4e38]) {
        for (const n of sizeSweep(4)) {
          const b = be.alloc(n + 3, false);
          be.write(b, new Float32Array(n + 3).fill(7));
          be.fill(b, n, value);
          const got = be.read(b);
          for (let i = 0; i < n; i++) expect(Object.is(got[i], Math.fround(value)), `${label} n=${n} [${i}] = ${got[i]}`).toBe(true);
          expect([...got.subarray(n)]).toEqual([7, 7, 7]);
          be.resetScratch();
        }
      }
    });
  }
});

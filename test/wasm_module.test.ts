import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createWasmBackend } from '../src/backends/wasm/index.js';
import { detectFeatures } from '../src/backends/wasm/features.js';

describe('wasm module', () => {
  it('detects SIMD and relaxed SIMD on Node 20 (relaxed after setting the V8 flag)', async () => {
    const f = await detectFeatures();
    expect(f.simd).toBe(true);
    expect(f.relaxedSimd).toBe(true);
  });

  it('the SIMD builds contain f32x4 / v128 instructions and the scalar build none', () => {
    // 0xfd is the SIMD opcode prefix; v128.store is 0xfd 0x0b.
    const hasSimd = (file: string) => {
      const b = readFileSync(new URL(`../build/${file}.wasm`, import.meta.url));
      for (let i = 0; i + 1 < b.length; i++) if (b[i] === 0xfd && b[i + 1] === 0x0b) return true;
      return false;
    };
    expect(hasSimd('simd')).toBe(true);
    expect(hasSimd('relaxed')).toBe(true);
    expect(WebAssembly.validate(readFileSync(new URL('../build/scalar.wasm', import.meta.url)))).toBe(true);
  });

  it('fill writes through the backend and reads back', async () => {
    for (const build of ['scalar', 'simd', 'relaxed'] as const) {
      const be = await createWasmBackend({ build });
      const buf = be.alloc(7, false);
      be.fill(buf, 7, 2.5);
      expect([...be.read(buf)]).toEqual([2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5]);
    }
  });
});

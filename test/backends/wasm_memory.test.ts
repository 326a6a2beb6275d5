// The wasm backend's memory above 2 GiB and up to the wasm32 limit of 4 GiB: pointers are unsigned
// byte offsets everywhere they become typed-array indices or kernel arguments, and an allocation past
// the limit is a MemoryError that gives the size asked and the size left. Only the few pages a test
// touches are ever committed, so each test costs milliseconds and little RAM.
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import type { BuildName } from '../../src/backends/wasm/features.js';
import { createWasmBackend, loadModule } from '../../src/backends/wasm/index.js';
import { setBackend, step } from '../../src/engine.js';
import { MemoryError } from '../../src/errors.js';
import { Bcast, type Buf } from '../../src/kernels.js';
import { empty, full, tensor } from '../../src/ops.js';
import { fillRandom, upload } from '../harness/check_kernel.js';

const GiB = 2 ** 30;
const PAGE = 65536;
const CHUNK = 16 << 20; // the arena's chunk (src/backends/wasm/arena.ts)
const ptr = (b: Buf): number => (b as unknown as { ptr: number }).ptr;

describe('wasm memory above 2 GiB', () => {
  it('reads and writes a scratch tensor above 2 GiB (issue 15 item 3)', async () => {
    const be = await createWasmBackend({ build: 'relaxed' });
    setBackend(be);
    const big = empty([540e6], { persistent: true });
    expect(step(() => Array.from(full([4], 7).data()))).toEqual([7, 7, 7, 7]);
    step(() => {
      const t = tensor([1, 2, 3]);
      expect(ptr(t.buf)).toBeGreaterThan(2 * GiB);
      expect(Array.from(t.data())).toEqual([1, 2, 3]);
    });
    be.write(big.buf, [5, 6], 540e6 - 2);
    expect(Array.from(be.read(big.buf, 540e6 - 2))).toEqual([5, 6]);
    be.dispose();
  });

  it('a matmul above 2 GiB split over 2 threads equals the same matmul at low addresses, bitwise', async () => {
    const m = 128, k = 128, n = 128; // 2mkn ≥ 4e6 flops: the pool splits it
    const a = fillRandom(m * k, 1), b = fillRandom(k * n, 2);
    const run = (be: Backend) => {
      const c = be.alloc(m * n, false);
      be.matmul(upload(be, a), upload(be, b), c, m, k, n, false, false, false, null);
      expect(be.read(c).length).toBe(m * n);
      return { at: ptr(c), values: be.read(c) };
    };
    const low = await createWasmBackend({ threads: 2 });
    const high = await createWasmBackend({ threads: 2 });
    expect(high.variant).toMatch(/-mt×2$/);
    high.alloc((2 * GiB + CHUNK) / 4, true);
    const want = run(low), got = run(high);
    expect(got.at).toBeGreaterThan(2 * GiB);
    expect(Buffer.from(got.values.buffer).equals(Buffer.from(want.values.buffer))).toBe(true);
    low.dispose();
    high.dispose();
  });
});

describe('wasm memory at the 4 GiB limit', () => {
  // Memory: 1 reserved page, a persistent chunk (the 8×8×8 matmul's workspace), a persistent block,
  // then the last 16 MiB: one scratch chunk whose final bytes are the last bytes of the address space.
  async function fullBackend(build: BuildName = 'relaxed'): Promise<Backend> {
    const be = await createWasmBackend({ build });
    const [a, b, c] = [0, 1, 2].map(() => be.alloc(64, true));
    be.matmul(a, b, c, 8, 8, 8, false, true, false, null);
    be.alloc((4 * GiB - PAGE - 2 * CHUNK) / 4, true);
    return be;
  }

  /** Scratch buffers of the given sizes (multiples of 16 floats), the last one ending at 4 GiB. */
  function atTop(be: Backend, sizes: number[]): Buf[] {
    const probe = ptr(be.alloc(1, false)) + 64;
    const bytes = sizes.reduce((s, n) => s + 4 * n, 0);
    be.alloc((4 * GiB - probe - bytes) / 4, false);
    const bufs = sizes.map((n) => be.alloc(n, false));
    expect(ptr(bufs[bufs.length - 1]) + 4 * sizes[sizes.length - 1]).toBe(4 * GiB);
    return bufs;
  }

  it.each(['scalar', 'simd', 'relaxed'] as BuildName[])('%s: kernels whose inputs and outputs end at the last byte of memory agree with ref', async (build) => {
    const be = await fullBackend(build), ref = createRefBackend();
    const n = 64, rows = 4, kk = 16;
    const x = fillRandom(n, 3), y = fillRandom(n, 4);
    const cases: [string, (b: Backend, [u, v, out]: Buf[]) => void][] = [
      ['fill', (b, [, , out]) => b.fill(out, n, 2.5)],
      ['unary exp', (b, [u, , out]) => b.unary('exp', u, out, n)],
      ['binary add', (b, [u, v, out]) => b.binary('add', u, v, out, 1, n, Bcast.None)],
      ['softmax', (b, [u, , out]) => b.softmax(u, out, rows, kk)],
      ['argmax_onehot', (b, [u, , out]) => b.argmax_onehot(u, out, rows, kk)],
      ['random_gumbel', (b, [, , out]) => b.random_gumbel(out, n, 1, 2)],
      ['matmul', (b, [u, v, out]) => b.matmul(u, v, out, 8, 8, 8, false, true, false, null)],
    ];
    for (const [label, run] of cases) {
      const got = step(() => {
        const bufs = atTop(be, [n, n, n]);
        be.write(bufs[0], x);
        be.write(bufs[1], y);
        run(be, bufs);
        return be.read(bufs[2]);
      }, be);
      const r = [upload(ref, x), upload(ref, y), ref.alloc(n, false)];
      run(ref, r);
      const want = ref.read(r[2]);
      for (let i = 0; i < n; i++) expect(got[i], `${label}[${i}]`).toBeCloseTo(want[i], 4);
    }
    be.dispose();
  });

  it('past the limit, alloc throws a MemoryError that gives the size asked and the size left', async () => {
    const be = await fullBackend();
    step(() => be.alloc(16, false), be); // the last chunk is now scratch
    expect(() => be.alloc(1e6, true)).toThrow(MemoryError);
    expect(() => be.alloc(1e6, true)).toThrow(/4000000 bytes.* 0 bytes/);
    be.dispose();
    const fresh = await createWasmBackend({ build: 'relaxed' });
    setBackend(fresh);
    expect(() => empty([2e9], { persistent: true })).toThrow(/8000000000 bytes.*4294901760 bytes/);
    // A failed allocation leaves the backend usable.
    expect(step(() => Array.from(full([2], 1).data()))).toEqual([1, 1]);
    fresh.dispose();
  });

  it('a matmul whose workspace passes 2 GiB asks for its true size (and here gets a MemoryError)', async () => {
    const { exports } = await WebAssembly.instantiate(await loadModule('relaxed'), { env: { memory: new WebAssembly.Memory({ initial: 1 }) } });
    const wsBytes = exports.matmul_ws_bytes_f32 as (m: number, k: number, n: number) => number;
    expect(wsBytes(2 ** 27, 4, 1)).toBe((2 ** 29 + 4 * 32 + 32) * 4 + 64); // was negative: no workspace, A packed over address 0
    const be = await createWasmBackend({ build: 'relaxed' });
    const a = be.alloc(2 ** 29, true), b = be.alloc(4, true), c = be.alloc(2 ** 27, true);
    expect(() => be.matmul(a, b, c, 2 ** 27, 4, 1, false, false, false, null)).toThrow(MemoryError);
    be.dispose();
  });
});

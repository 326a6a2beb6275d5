// The one backend factory (src/backends/open.ts): every name through the registry, thread counts,
// tfjs options, and a named error for an unknown name.
import { availableParallelism } from 'node:os';
import { expect, it } from 'vitest';
import { openBackend, wasmThreads } from '../../src/backends/open.js';

it('opens ref, wasm (with threads) and tfjs (with its backend) by name', async () => {
  const ref = await openBackend('ref');
  expect(ref.name).toBe('ref');
  ref.dispose();
  const wasm = await openBackend('wasm', { threads: 2 });
  expect([wasm.name, wasm.variant]).toEqual(['wasm', expect.stringMatching(/×2$/)]);
  wasm.dispose();
  const tfjs = await openBackend('tfjs', { tfjsBackend: 'cpu' });
  expect([tfjs.name, tfjs.variant]).toEqual(['tfjs', 'tfjs-cpu']);
  tfjs.dispose();
}, 60_000);

it('threads 0 is one per core, up to 4', () => {
  expect(wasmThreads(0)).toBe(Math.min(4, availableParallelism()));
  expect(wasmThreads(3)).toBe(3);
});

it('an unknown name is an ArgumentError naming the choices', async () => {
  await expect(openBackend('cuda' as never)).rejects.toThrow(/openBackend: name must be one of wasm, ref, tfjs, found 'cuda'/);
});

// The README's library example runs and its loss falls.
import { expect, it } from 'vitest';
import { main } from '../examples/library_vae.js';

it('examples/library_vae.ts (the README example) trains: the loss falls', async () => {
  const losses = await main(60);
  expect(losses.every(Number.isFinite)).toBe(true);
  expect(losses[59]).toBeLessThan(losses[0] * 0.8);
});

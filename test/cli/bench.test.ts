// `gumbel bench backends`: rows for the available backends, a one-line skip for absent ones,
// exit 2 on an unknown backend.
import { expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';

function capture() {
  const out: string[] = [], err: string[] = [];
  return { io: { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) } }, out, err } as const;
}

it('bench backends --json: one row per model on wasm; tfjs-node (not installed) is skipped with how to install it', async () => {
  const c = capture();
  const code = await main(['node', 'gumbel', 'bench', 'backends', '--backends', 'wasm,tfjs-node', '--seconds', '0.05', '--threads', '1', '--json'], c.io as never);
  expect(code).toBe(0);
  const rows = c.out.join('').trim().split('\n').map((l) => JSON.parse(l));
  expect(rows.map((r) => r.model)).toEqual(['vae-cat', 'vae-mlp', 'sbn-bern']);
  for (const r of rows) expect(r.examples_per_s).toBeGreaterThan(0);
  expect(c.err.join('')).toMatch(/skipped tfjs-node: .*npm install @tensorflow\/tfjs-node/);
}, 60_000);

it('bench backends with an unknown backend exits 2', async () => {
  const c = capture();
  expect(await main(['node', 'gumbel', 'bench', 'backends', '--backends', 'cuda'], c.io as never)).toBe(2);
});

// The op codes shared by TypeScript and AssemblyScript: src/kernels.ts declares the TypeScript side
// (the order of UNARY_OPS and BINARY_OPS, the values of Bcast), assembly/codes.ts the AssemblyScript
// side (UNARY_*, BINARY_*, BCAST_* constants). Reordering or adding an op on one side only fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BINARY_OPS, Bcast, UNARY_OPS } from '../src/kernels.js';

/** [name, code] pairs of `export const <PREFIX>_<NAME>: i32 = <code>;` in assembly/codes.ts, in file order. */
function asCodes(prefix: string): [string, number][] {
  const src = readFileSync(new URL('../assembly/codes.ts', import.meta.url), 'utf8');
  return [...src.matchAll(new RegExp(`export const ${prefix}_(\\w+): i32 = (\\d+);`, 'g'))].map((m) => [m[1].toLowerCase(), Number(m[2])]);
}

describe('op codes shared with AssemblyScript', () => {
  it('UNARY_* equal the positions in UNARY_OPS', () => {
    expect(asCodes('UNARY')).toEqual(UNARY_OPS.map((op, i) => [op, i]));
  });

  it('BINARY_* equal the positions in BINARY_OPS', () => {
    expect(asCodes('BINARY')).toEqual(BINARY_OPS.map((op, i) => [op, i]));
  });

  it('BCAST_* equal the values of Bcast', () => {
    const ts: [string, number][] = [['none', Bcast.None], ['row', Bcast.Row], ['col', Bcast.Col], ['scalar', Bcast.Scalar]];
    expect(asCodes('BCAST')).toEqual(ts);
  });
});

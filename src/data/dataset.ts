// In-memory data sets and everything a training loop needs from them: train/valid splits, fixed
// and dynamic binarization, structured-output halves, keyed shuffles, batches, labelled subsets.
// Runtime-neutral. All randomness comes from our Philox streams (random/philox.ts) under explicit
// keys, so every runtime and backend sees the same bits for the same key.
import { ArgumentError, ShapeError, checkNumber } from '../errors.js';
import { foldIn, key as keyOf, type Key } from '../random/key.js';
import { wordToUniform } from '../random/philox.js';
import { WordStream, fillWords } from './words.js';

export const ROWS = 28;
export const COLS = 28;
/** Pixels per MNIST image. */
export const PIXELS = ROWS * COLS;
/** Pixels in the upper (or lower) 14 rows: the structured-output input (target). */
export const HALF = PIXELS / 2;

/** n examples of dim values each: images is [n, dim] row-major, in [0,1] (grey) or {0,1} (binary). */
export interface Dataset {
  readonly images: Float32Array;
  readonly labels?: Uint8Array;
  readonly n: number;
  readonly dim: number;
}

/** Builds a Dataset, checking that the lengths agree. */
export function makeDataset(images: Float32Array, dim: number, labels?: Uint8Array, where = 'makeDataset'): Dataset {
  checkNumber(where, 'dim', dim, { integer: true, positive: true });
  if (images.length % dim !== 0) throw new ShapeError(`${where}: images length must be a multiple of dim ${dim}, found ${images.length}`);
  const n = images.length / dim;
  if (labels && labels.length !== n) throw new ShapeError(`${where}: labels must have one entry per image (${n}), found ${labels.length}`);
  return labels ? { images, labels, n, dim } : { images, n, dim };
}

/** Examples [start, end) as views (no copy). */
export function slice(ds: Dataset, start: number, end: number): Dataset {
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= ds.n)) {
    throw new ArgumentError(`slice: range must satisfy 0 ≤ start ≤ end ≤ ${ds.n}, found [${start}, ${end})`);
  }
  const images = ds.images.subarray(start * ds.dim, end * ds.dim);
  return makeDataset(images, ds.dim, ds.labels?.subarray(start, end), 'slice');
}

/** The examples at `indices`, copied in that order. */
export function take(ds: Dataset, indices: ArrayLike<number>): Dataset {
  const { dim } = ds;
  const images = new Float32Array(indices.length * dim);
  const labels = ds.labels ? new Uint8Array(indices.length) : undefined;
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r];
    if (!(Number.isInteger(i) && i >= 0 && i < ds.n)) throw new ArgumentError(`take: index ${r} must be an integer in [0, ${ds.n}), found ${i}`);
    images.set(ds.images.subarray(i * dim, (i + 1) * dim), r * dim);
    if (labels) labels[r] = ds.labels![i];
  }
  return makeDataset(images, dim, labels, 'take');
}

/** Splits a training file into train (all but the last `validSize`) and valid (the last `validSize`), as views. */
export function splitTrainValid(file: Dataset, validSize = 10_000): { train: Dataset; valid: Dataset } {
  checkNumber('splitTrainValid', 'validSize', validSize, { integer: true, nonNegative: true });
  if (validSize >= file.n) throw new ArgumentError(`splitTrainValid: validSize must be < the ${file.n} training examples, found ${validSize}`);
  return { train: slice(file, 0, file.n - validSize), valid: slice(file, file.n - validSize, file.n) };
}

/** Grey bytes 0..255 → floats in [0, 1] (x / 255). */
export function greyToFloat(pixels: Uint8Array, out: Float32Array = new Float32Array(pixels.length)): Float32Array {
  for (let i = 0; i < pixels.length; i++) out[i] = GREY[pixels[i]];
  return out;
}

/** GREY[p] = p / 255 rounded to f32 (a table is faster than dividing 47M times). */
const GREY = Float32Array.from({ length: 256 }, (_, p) => p / 255);

// ---- Fixed binarization --------------------------------------------------------------------------

/** The documented seed of the fixed binarization: key(20170101), folded with 0 (training file) or 1 (test file). */
export const BINARIZE_SEED = 20170101;

/** Which source file a fixed binarization stream belongs to; the validation split is part of 'train'. */
export type SourceFile = 'train' | 'test';

/** The key of the fixed binarization of one source file: foldIn(key(seed), 0 for 'train', 1 for 'test'). */
export function binarizationKey(file: SourceFile, seed = BINARIZE_SEED): Key {
  return foldIn(keyOf(seed), file === 'train' ? 0 : 1);
}

/**
 * Fixed binarization, packed: element t (= image·dim + pixel within the file) is 1 iff u_t < p_t/255,
 * where u_t = wordToUniform(word t of the Philox stream under k). The test is done exactly in
 * integers, (2·(w>>>9) + 1)·255 < p·2²⁴, so it never depends on how p/255 rounds.
 * Bit t is bit (t mod 8) of byte ⌊t/8⌋ (LSB first).
 */
export function binarizeFixedPacked(pixels: Uint8Array, k: Key): Uint8Array {
  const n = pixels.length;
  const packed = new Uint8Array(Math.ceil(n / 8));
  const CHUNK = 1 << 14; // a multiple of 8, so chunks start on byte boundaries
  const words = new Uint32Array(CHUNK);
  for (let start = 0; start < n; start += CHUNK) {
    const m = Math.min(CHUNK, n - start);
    fillWords(words, m, k, start);
    for (let j = 0; j < m; j++) {
      const t = start + j;
      if ((2 * (words[j] >>> 9) + 1) * 255 < pixels[t] * 16777216) packed[t >>> 3] |= 1 << (t & 7);
    }
  }
  return packed;
}

/** Fixed binarization of grey bytes as floats in {0, 1} (see binarizeFixedPacked). */
export function binarizeFixed(pixels: Uint8Array, k: Key): Float32Array {
  return unpackBits(binarizeFixedPacked(pixels, k), pixels.length);
}

/** Packs values (nonzero → 1) LSB first. */
export function packBits(values: ArrayLike<number>): Uint8Array {
  const packed = new Uint8Array(Math.ceil(values.length / 8));
  for (let t = 0; t < values.length; t++) if (values[t] !== 0) packed[t >>> 3] |= 1 << (t & 7);
  return packed;
}

/** Unpacks n bits (LSB first) into floats 0/1. */
export function unpackBits(packed: Uint8Array, n: number, out: Float32Array = new Float32Array(n)): Float32Array {
  if (packed.length * 8 < n) throw new ShapeError(`unpackBits: packed must hold ${n} bits, found ${packed.length * 8}`);
  const full = n >>> 3;
  for (let b = 0; b < full; b++) {
    const v = packed[b], o = b << 3;
    out[o] = v & 1; out[o + 1] = (v >>> 1) & 1; out[o + 2] = (v >>> 2) & 1; out[o + 3] = (v >>> 3) & 1;
    out[o + 4] = (v >>> 4) & 1; out[o + 5] = (v >>> 5) & 1; out[o + 6] = (v >>> 6) & 1; out[o + 7] = (v >>> 7) & 1;
  }
  for (let t = full << 3; t < n; t++) out[t] = (packed[t >>> 3] >>> (t & 7)) & 1;
  return out;
}

// ---- Dynamic binarization ------------------------------------------------------------------------

/**
 * Dynamic binarization of grey values in [0, 1]: out[i] = 1 iff wordToUniform(word i under k) < x[i].
 * `out` may be `x` (in place). Use a fresh key per batch, e.g. foldIn(key, step).
 */
export function binarizeDynamic(x: Float32Array, k: Key, out: Float32Array = new Float32Array(x.length)): Float32Array {
  if (out.length < x.length) throw new ShapeError(`binarizeDynamic: out must hold ${x.length} values, found ${out.length}`);
  const CHUNK = 4096;
  const words = new Uint32Array(CHUNK);
  for (let start = 0; start < x.length; start += CHUNK) {
    const m = Math.min(CHUNK, x.length - start);
    fillWords(words, m, k, start);
    for (let j = 0; j < m; j++) out[start + j] = wordToUniform(words[j]) < x[start + j] ? 1 : 0;
  }
  return out;
}

// ---- Structured-output halves --------------------------------------------------------------------

/**
 * Splits `rows` images [rows, 784] into the upper 14 rows (pixels 0..391, the input) and the lower
 * 14 rows (pixels 392..783, the target), each [rows, 392], written into the given buffers if any.
 */
export function splitHalves(
  x: Float32Array,
  rows: number,
  upper: Float32Array = new Float32Array(rows * HALF),
  lower: Float32Array = new Float32Array(rows * HALF),
): { upper: Float32Array; lower: Float32Array } {
  checkNumber('splitHalves', 'rows', rows, { integer: true, nonNegative: true });
  if (x.length < rows * PIXELS) throw new ShapeError(`splitHalves: x must hold ${rows}×${PIXELS} values, found ${x.length}`);
  if (upper.length < rows * HALF || lower.length < rows * HALF) {
    throw new ShapeError(`splitHalves: upper and lower must hold ${rows}×${HALF} values, found ${upper.length} and ${lower.length}`);
  }
  for (let r = 0; r < rows; r++) {
    upper.set(x.subarray(r * PIXELS, r * PIXELS + HALF), r * HALF);
    lower.set(x.subarray(r * PIXELS + HALF, (r + 1) * PIXELS), r * HALF);
  }
  return { upper, lower };
}

/** A 784-pixel data set as two 392-pixel data sets (upper = input, lower = target), copied. */
export function halves(ds: Dataset): { upper: Dataset; lower: Dataset } {
  if (ds.dim !== PIXELS) throw new ShapeError(`halves: dim must be ${PIXELS} (28×28 images), found ${ds.dim}`);
  const { upper, lower } = splitHalves(ds.images, ds.n);
  return { upper: makeDataset(upper, HALF, ds.labels, 'halves'), lower: makeDataset(lower, HALF, ds.labels, 'halves') };
}

// ---- Shuffles, batches, labelled subsets ---------------------------------------------------------

/** A uniformly random permutation of 0..n−1: Fisher–Yates with exact integer draws from the stream under k. */
export function permutation(n: number, k: Key): Uint32Array {
  checkNumber('permutation', 'n', n, { integer: true, nonNegative: true });
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  const stream = new WordStream(k, n + 4); // a few spare words for the rare redraw
  for (let i = n - 1; i > 0; i--) {
    const j = stream.below(i + 1);
    const t = p[i]; p[i] = p[j]; p[j] = t;
  }
  return p;
}

/** One batch. x, labels and indices are views into buffers the Batcher reuses: copy what you keep. */
export interface Batch {
  /** [size, dim] row-major. */
  readonly x: Float32Array;
  /** [size], when the data set has labels. */
  readonly labels?: Uint8Array;
  /** Which examples of the data set, in batch order. */
  readonly indices: Uint32Array;
  readonly size: number;
  /** The batch's position in its epoch, from 0. */
  readonly index: number;
}

export interface BatchOptions {
  batchSize: number;
  /** Shuffle each epoch with permutation(n, foldIn(key, epoch)); without a key, the data set's order. */
  key?: Key;
  /** Drop the last batch when it is smaller than batchSize (default false: every example is seen). */
  dropLast?: boolean;
  /** Binarize each batch dynamically with binarizeDynamic(·, foldIn(foldIn(dynamicKey, epoch), index)). */
  dynamicKey?: Key;
}

/** Batches over a data set, epoch by epoch. Each batch is copied into one reusable buffer. */
export class Batcher {
  readonly batchSize: number;
  private readonly xBuf: Float32Array;
  private readonly yBuf: Uint8Array | undefined;

  constructor(readonly ds: Dataset, private readonly opts: BatchOptions) {
    this.batchSize = checkNumber('Batcher', 'batchSize', opts.batchSize, { integer: true, positive: true });
    if (opts.dropLast && this.batchSize > ds.n) {
      throw new ArgumentError(`Batcher: batchSize must be ≤ the ${ds.n} examples when dropLast is set, found ${this.batchSize}`);
    }
    this.xBuf = new Float32Array(this.batchSize * ds.dim);
    this.yBuf = ds.labels ? new Uint8Array(this.batchSize) : undefined;
  }

  /** Batches in one epoch. */
  get batchesPerEpoch(): number {
    return this.opts.dropLast ? Math.floor(this.ds.n / this.batchSize) : Math.ceil(this.ds.n / this.batchSize);
  }

  /** The order in which epoch `epoch` visits the examples. */
  order(epoch: number): Uint32Array {
    checkNumber('Batcher.order', 'epoch', epoch, { integer: true, nonNegative: true });
    if (this.opts.key) return permutation(this.ds.n, foldIn(this.opts.key, epoch));
    const p = new Uint32Array(this.ds.n);
    for (let i = 0; i < p.length; i++) p[i] = i;
    return p;
  }

  /** The batches of epoch `epoch` (0, 1, …); each yielded batch is overwritten by the next. */
  *epoch(epoch = 0): Generator<Batch, void, undefined> {
    const order = this.order(epoch);
    for (let b = 0; b < this.batchesPerEpoch; b++) yield this.fill(order, epoch, b);
  }

  /**
   * Batch t of the endless sequence epoch 0, epoch 1, …: batch t mod E of epoch ⌊t/E⌋ (a trainer's
   * step t). Only the current epoch's order is kept, so a run restored at any step sees the same rows.
   */
  at(t: number): Batch {
    checkNumber('Batcher.at', 't', t, { integer: true, nonNegative: true });
    const E = this.batchesPerEpoch, epoch = Math.floor(t / E);
    if (this.cached.epoch !== epoch) this.cached = { epoch, order: this.order(epoch) };
    return this.fill(this.cached.order, epoch, t % E);
  }

  private cached: { epoch: number; order: Uint32Array } = { epoch: -1, order: new Uint32Array(0) };

  /** Copies batch b of an epoch's order into the reused buffers. */
  private fill(order: Uint32Array, epoch: number, b: number): Batch {
    const { ds, batchSize, xBuf, yBuf } = this;
    const { dim } = ds;
    const start = b * batchSize;
    const size = Math.min(batchSize, ds.n - start);
    const indices = order.subarray(start, start + size);
    for (let r = 0; r < size; r++) {
      const i = indices[r];
      xBuf.set(ds.images.subarray(i * dim, (i + 1) * dim), r * dim);
      if (yBuf) yBuf[r] = ds.labels![i];
    }
    const x = size === batchSize ? xBuf : xBuf.subarray(0, size * dim);
    if (this.opts.dynamicKey) binarizeDynamic(x, foldIn(foldIn(this.opts.dynamicKey, epoch), b), x);
    const labels = yBuf ? (size === batchSize ? yBuf : yBuf.subarray(0, size)) : undefined;
    return labels ? { x, labels, indices, size, index: b } : { x, indices, size, index: b };
  }
}

/** Shorthand: the batches of one epoch. */
export function batches(ds: Dataset, opts: BatchOptions & { epoch?: number }): Generator<Batch, void, undefined> {
  return new Batcher(ds, opts).epoch(opts.epoch ?? 0);
}

/**
 * `perClass` examples of each class 0..numClasses−1, chosen by key: the first of each class in the
 * order permutation(n, k). Returns their indices in ascending order.
 */
export function pickLabelled(labels: Uint8Array, perClass: number, k: Key, numClasses = 10): Uint32Array {
  checkNumber('pickLabelled', 'perClass', perClass, { integer: true, nonNegative: true });
  checkNumber('pickLabelled', 'numClasses', numClasses, { integer: true, positive: true });
  const order = permutation(labels.length, k);
  const taken = new Array<number>(numClasses).fill(0);
  const picked: number[] = [];
  for (let r = 0; r < order.length && picked.length < perClass * numClasses; r++) {
    const i = order[r], c = labels[i];
    if (c < numClasses && taken[c] < perClass) {
      taken[c]++;
      picked.push(i);
    }
  }
  const short = taken.findIndex((t) => t < perClass);
  if (short >= 0) throw new ArgumentError(`pickLabelled: class ${short} must have at least ${perClass} examples, found ${taken[short]}`);
  return Uint32Array.from(picked).sort();
}

// MNIST-shaped data sets from file bytes, runtime-neutral (a browser fetches the bytes, Node reads
// them): IDX image/label pairs (MNIST, Fashion-MNIST, EMNIST; raw or gzip) or Larochelle's three
// binarized .amat files. Decoding stops at compact `PixelSet`s (packed bits or grey bytes), which
// the Node loader caches; `toDataset` expands them to the Float32 data sets the models take.
import { FormatError } from '../errors.js';
import { decodeAmat } from './amat.js';
import {
  BINARIZE_SEED, COLS, PIXELS, ROWS, binarizationKey, greyToFloat, makeDataset, packBits, splitTrainValid, unpackBits,
  binarizeFixedPacked, type Dataset, type SourceFile,
} from './dataset.js';
import { decodeIdx, type IdxArray } from './idx.js';

export type Binarize = 'fixed' | 'none';

/** n examples of dim pixels, compact: packed bits (LSB first) or grey bytes 0..255, plus labels if any. */
export interface PixelSet {
  readonly n: number;
  readonly dim: number;
  readonly encoding: 'bits' | 'u8';
  readonly data: Uint8Array;
  readonly labels?: Uint8Array;
}

/** The three splits of the paper's protocol: 50,000 train, 10,000 validation (the last 10,000 of the training file), 10,000 test. */
export interface MnistSplits {
  train: Dataset;
  valid: Dataset;
  test: Dataset;
}

/** The four IDX files (raw or gzip bytes) with their names for messages. */
export interface IdxFiles {
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  testImages: Uint8Array;
  testLabels: Uint8Array;
  names?: { trainImages?: string; trainLabels?: string; testImages?: string; testLabels?: string };
}

/** Expands a PixelSet into a Dataset (floats {0,1} for bits, x/255 for grey bytes). */
export function toDataset(ps: PixelSet): Dataset {
  const count = ps.n * ps.dim;
  const images = ps.encoding === 'bits' ? unpackBits(ps.data, count) : greyToFloat(ps.data.subarray(0, count));
  return makeDataset(images, ps.dim, ps.labels, 'toDataset');
}

/** Classes of an MNIST-shaped set. */
export const CLASSES = 10;

/** Checks one image/label IDX pair: images [n, 28, 28], labels [n]. */
export function checkMnistPair(images: IdxArray, labels: IdxArray, names: { images: string; labels: string }, where: string): void {
  const d = images.dims;
  if (d.length !== 3 || d[1] !== ROWS || d[2] !== COLS) {
    throw new FormatError(`${where}: ${names.images} must hold n×${ROWS}×${COLS} images, found dims ${d.join('×')}`);
  }
  if (labels.dims.length !== 1) {
    throw new FormatError(`${where}: ${names.labels} must hold one label per image (1 dim), found dims ${labels.dims.join('×')}`);
  }
  if (labels.dims[0] !== d[0]) {
    throw new FormatError(`${where}: ${names.labels} must have as many labels as ${names.images} has images (${d[0]}), found ${labels.dims[0]}`);
  }
  // MNIST-shaped sets have 10 classes; a label beyond them would train a class that does not exist.
  const bad = labels.data.findIndex((v) => v >= CLASSES);
  if (bad >= 0) throw new FormatError(`${where}: ${names.labels} must hold labels 0–${CLASSES - 1}, found ${labels.data[bad]} at index ${bad}`);
}

/** Decodes one IDX image/label pair into a PixelSet, binarized with the fixed stream of `file` if asked. */
export async function decodeIdxPair(
  imageBytes: Uint8Array,
  labelBytes: Uint8Array,
  opts: { file: SourceFile; binarize: Binarize; seed?: number; names?: { images?: string; labels?: string }; where?: string },
): Promise<PixelSet> {
  const where = opts.where ?? 'decodeIdxPair';
  const names = { images: opts.names?.images ?? `${opts.file} images`, labels: opts.names?.labels ?? `${opts.file} labels` };
  const [images, labels] = await Promise.all([
    decodeIdx(imageBytes, { where, name: names.images }),
    decodeIdx(labelBytes, { where, name: names.labels }),
  ]);
  checkMnistPair(images, labels, names, where);
  const n = images.dims[0];
  const labelsCopy = labels.data.slice();
  if (opts.binarize === 'fixed') {
    const bits = binarizeFixedPacked(images.data, binarizationKey(opts.file, opts.seed ?? BINARIZE_SEED));
    return { n, dim: PIXELS, encoding: 'bits', data: bits, labels: labelsCopy };
  }
  return { n, dim: PIXELS, encoding: 'u8', data: images.data.slice(), labels: labelsCopy };
}

export type IdxNames = Required<NonNullable<IdxFiles['names']>>;

/** The four files' names for messages, generic where none were given. */
function idxNames(files: IdxFiles): IdxNames {
  const nm = files.names ?? {};
  return {
    trainImages: nm.trainImages ?? 'train images', trainLabels: nm.trainLabels ?? 'train labels',
    testImages: nm.testImages ?? 'test images', testLabels: nm.testLabels ?? 'test labels',
  };
}

/** Decodes the four MNIST-shaped IDX files into the training-file and test-file PixelSets. */
export async function decodeMnistIdx(
  files: IdxFiles,
  opts: { binarize: Binarize; seed?: number; where?: string },
): Promise<{ train: PixelSet; test: PixelSet }> {
  const nm = idxNames(files);
  const [train, test] = await Promise.all([
    decodeIdxPair(files.trainImages, files.trainLabels, { ...opts, file: 'train', names: { images: nm.trainImages, labels: nm.trainLabels } }),
    decodeIdxPair(files.testImages, files.testLabels, { ...opts, file: 'test', names: { images: nm.testImages, labels: nm.testLabels } }),
  ]);
  return { train, test };
}

/** Decodes Larochelle's three .amat files (raw or gzip) into PixelSets (already binary; no labels). */
export async function decodeMnistAmat(
  files: { train: Uint8Array; valid: Uint8Array; test: Uint8Array; names?: { train?: string; valid?: string; test?: string } },
  opts: { where?: string } = {},
): Promise<{ train: PixelSet; valid: PixelSet; test: PixelSet }> {
  const where = opts.where ?? 'decodeMnistAmat';
  const one = async (which: 'train' | 'valid' | 'test'): Promise<PixelSet> => {
    const name = files.names?.[which] ?? `binarized_mnist_${which}.amat`;
    const a = await decodeAmat(files[which], { where, name, dim: PIXELS });
    return { n: a.n, dim: a.dim, encoding: 'bits', data: packBits(a.bits) };
  };
  const [train, valid, test] = await Promise.all([one('train'), one('valid'), one('test')]);
  return { train, valid, test };
}

/**
 * Refuses a split with no examples: an empty test set would report a perfect score of 0 nats.
 * `sources` says where each split came from (file names), for the message.
 */
export function checkSplits(splits: MnistSplits, sources: Record<keyof MnistSplits, string>, where: string): MnistSplits {
  for (const name of ['train', 'valid', 'test'] as const) {
    if (splits[name].n === 0) throw new FormatError(`${where}: the ${name} split must hold at least one example, found 0 (${sources[name]})`);
  }
  return splits;
}

/** Where each split of an IDX source comes from, for messages. */
export function idxSources(names: IdxNames, validSize: number): Record<keyof MnistSplits, string> {
  const trainFile = `${names.trainImages}, ${names.trainLabels}`;
  return { train: `all but the last ${validSize} of ${trainFile}`, valid: `the last ${validSize} of ${trainFile}`, test: `${names.testImages}, ${names.testLabels}` };
}

/** The three splits from a training-file and a test-file PixelSet (validation = the last `validSize` of the training file). */
export function splitsFromFiles(train: PixelSet, test: PixelSet, validSize = 10_000): MnistSplits {
  return { ...splitTrainValid(toDataset(train), validSize), test: toDataset(test) };
}

/** MNIST splits straight from the four IDX files' bytes (what a browser or worker calls). */
export async function mnistFromIdx(files: IdxFiles, opts: { binarize: Binarize; seed?: number; validSize?: number }): Promise<MnistSplits> {
  const { train, test } = await decodeMnistIdx(files, { ...opts, where: 'mnistFromIdx' });
  const validSize = opts.validSize ?? 10_000;
  return checkSplits(splitsFromFiles(train, test, validSize), idxSources(idxNames(files), validSize), 'mnistFromIdx');
}

/** MNIST splits straight from Larochelle's three .amat files' bytes. */
export async function mnistFromAmat(files: { train: Uint8Array; valid: Uint8Array; test: Uint8Array }): Promise<MnistSplits> {
  const p = await decodeMnistAmat(files, { where: 'mnistFromAmat' });
  const splits = { train: toDataset(p.train), valid: toDataset(p.valid), test: toDataset(p.test) };
  return checkSplits(splits, { train: 'binarized_mnist_train.amat', valid: 'binarized_mnist_valid.amat', test: 'binarized_mnist_test.amat' }, 'mnistFromAmat');
}

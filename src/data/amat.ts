// Larochelle & Murray's statically binarized MNIST (binarized_mnist_{train,valid,test}.amat, 50k/10k/10k):
// plain text, one image per line, 784 values "0" or "1" separated by spaces or tabs, no labels.
// Runtime-neutral; gzipped files (magic 1f 8b) are inflated with DecompressionStream first.
import { FormatError } from '../errors.js';
import { gunzip, isGzip, type SourceInfo } from './idx.js';

export interface AmatImages {
  /** n·dim values, each 0 or 1, row-major. */
  readonly bits: Uint8Array;
  readonly n: number;
  readonly dim: number;
}

const SPACE = 0x20, TAB = 0x09, CR = 0x0d, LF = 0x0a, ZERO = 0x30, ONE = 0x31;

function isSep(c: number): boolean {
  return c === SPACE || c === TAB || c === CR;
}

/** Parses amat text (bytes or a string). Blank lines are skipped; every other line must hold `dim` values. */
export function parseAmat(input: Uint8Array | string, info: SourceInfo & { dim?: number } = {}): AmatImages {
  const where = info.where ?? 'parseAmat', name = info.name ?? 'input', dim = info.dim ?? 784;
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  if (isGzip(bytes)) throw new FormatError(`${where}: ${name} is gzipped: inflate it first (decodeAmat does)`);
  // Each value takes at least 2 bytes (digit and separator), so this bounds the line count.
  const maxLines = Math.ceil((bytes.length + 1) / (2 * dim));
  let bits = new Uint8Array(Math.max(1, maxLines) * dim);
  let n = 0, line = 1, col = 0, i = 0;
  const len = bytes.length;
  const endLine = (): void => {
    if (col !== 0 && col !== dim) {
      throw new FormatError(`${where}: ${name} line ${line} must have ${dim} values, found ${col}`);
    }
    if (col === dim) n++;
    col = 0;
    line++;
  };
  while (i < len) {
    const c = bytes[i];
    if (c === LF) {
      endLine();
      i++;
    } else if (isSep(c)) {
      i++;
    } else {
      // One token: it must be exactly "0" or "1".
      let j = i;
      while (j < len && !isSep(bytes[j]) && bytes[j] !== LF) j++;
      if (j - i !== 1 || (c !== ZERO && c !== ONE)) {
        const token = new TextDecoder().decode(bytes.subarray(i, Math.min(j, i + 20)));
        throw new FormatError(`${where}: ${name} line ${line} value ${col + 1} must be 0 or 1, found "${token}"`);
      }
      if (col === dim) {
        throw new FormatError(`${where}: ${name} line ${line} must have ${dim} values, found more`);
      }
      if (n * dim + col >= bits.length) {
        const grown = new Uint8Array(bits.length * 2);
        grown.set(bits);
        bits = grown;
      }
      bits[n * dim + col] = c - ZERO;
      col++;
      i = j;
    }
  }
  endLine();
  if (n === 0) throw new FormatError(`${where}: ${name} must hold at least one image, found none`);
  return { bits: bits.slice(0, n * dim), n, dim };
}

/** Parses amat bytes, inflating them first when they are gzipped. */
export async function decodeAmat(bytes: Uint8Array, info: SourceInfo & { dim?: number } = {}): Promise<AmatImages> {
  return parseAmat(isGzip(bytes) ? await gunzip(bytes, info) : bytes, info);
}

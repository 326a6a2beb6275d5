// Larochelle's binarized MNIST .amat text: parsing and every malformed case.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/errors.js';
import { decodeAmat, parseAmat } from '../../src/data/index.js';

const info = { where: 'test', name: 'b.amat', dim: 4 };

describe('amat', () => {
  it('parses 0/1 values separated by spaces or tabs, LF or CRLF, skipping blank lines', () => {
    const text = '0 1 1 0\n1\t0 0 1\r\n\n  1 1 1 1  \n';
    const a = parseAmat(text, info);
    expect(a.n).toBe(3);
    expect(a.dim).toBe(4);
    expect([...a.bits]).toEqual([0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1]);
    expect(parseAmat('1 0 0 1', info).n).toBe(1); // no final newline
  });

  it('reads 784-value lines by default, from bytes or gzip', async () => {
    const rows = Array.from({ length: 5 }, (_, r) => Array.from({ length: 784 }, (_, j) => (r * 31 + j * 7) % 3 === 0 ? 1 : 0));
    const bytes = new TextEncoder().encode(rows.map((r) => r.join(' ')).join('\n') + '\n');
    const a = parseAmat(bytes);
    expect(a.n).toBe(5);
    expect([...a.bits]).toEqual(rows.flat());
    const g = await decodeAmat(gzipSync(bytes));
    expect(g.bits).toEqual(a.bits);
  });

  it('gives a FormatError naming the file, line and problem', () => {
    const cases: [string, string][] = [
      ['0 1 1 0\n1 0 1\n', 'test: b.amat line 2 must have 4 values, found 3'],
      ['0 1 1 0 1\n', 'test: b.amat line 1 must have 4 values, found more'],
      ['0 1 1 0\n0 0.5 1 0\n', 'test: b.amat line 2 value 2 must be 0 or 1, found "0.5"'],
      ['0 1 2 0\n', 'test: b.amat line 1 value 3 must be 0 or 1, found "2"'],
      ['0,1,1,0\n', 'test: b.amat line 1 value 1 must be 0 or 1, found "0,1,1,0"'],
      ['\n\n', 'test: b.amat must hold at least one image, found none'],
    ];
    for (const [text, message] of cases) {
      expect(() => parseAmat(text, info)).toThrow(FormatError);
      expect(() => parseAmat(text, info)).toThrow(message);
    }
    expect(() => parseAmat(gzipSync(new TextEncoder().encode('0 1 1 0\n')), info)).toThrow('test: b.amat is gzipped');
  });
});

// Params round trip through the binary format, including from a Node Buffer (a view into a pool).
import { expect, it } from 'vitest';
import { createRefBackend } from '../src/backends/ref/index.js';
import { FormatError } from '../src/errors.js';
import { Params } from '../src/nn/params.js';

it('serialize → load restores values, also from a pooled Node Buffer; truncation is a FormatError', () => {
  const be = createRefBackend();
  const a = new Params(be);
  a.add('w', [1, 2, 3, 4, 5, 6], [2, 3]);
  a.add('b', [0.5, -0.5], [2]);
  const bytes = a.serialize();
  const b = new Params(be);
  b.add('w', new Float32Array(6), [2, 3]);
  b.add('b', new Float32Array(2), [2]);
  const pooled = Buffer.concat([Buffer.from([9, 9, 9]), Buffer.from(bytes)]).subarray(3);
  b.load(pooled);
  expect([...b.map.get('w')!.data()]).toEqual([1, 2, 3, 4, 5, 6]);
  expect([...b.map.get('b')!.data()]).toEqual([0.5, -0.5]);
  expect(() => b.load(bytes.subarray(0, bytes.length - 3), 'model.bin')).toThrow(FormatError);
});

// A graph built in an earlier step() is freed scratch memory: grad() of it throws the same
// MemoryError that data() throws, instead of reading whatever later steps wrote there (issue 15 item 4).
import { describe, expect, it } from 'vitest';
import { customGrad } from '../../src/autograd/custom_grad.js';
import { grad } from '../../src/autograd/tape.js';
import { createWasmBackend } from '../../src/backends/wasm/index.js';
import { setBackend, step } from '../../src/engine.js';
import { MemoryError } from '../../src/errors.js';
import { full, mul, sum, tanh, variable } from '../../src/ops.js';

describe('grad of a freed graph', () => {
  it('throws the MemoryError data() throws, for the output and for any freed tensor on the path', async () => {
    const be = await createWasmBackend();
    setBackend(be);
    const w = variable([1, 2, 3], [3]);
    const loss = step(() => sum(mul(w, w)));
    step(() => full([64], 99)); // a later step overwrites the freed scratch memory
    expect(() => loss.data()).toThrow(MemoryError);
    expect(() => step(() => grad(loss, [w]))).toThrow(MemoryError);
    expect(() => step(() => grad(loss, [w]))).toThrow(/^grad: tensor \[\] was scratch memory of an earlier step/);

    // The output is alive but an input of its custom rule was freed (tanh's rule reads x and y
    // with a kernel, so no op would notice).
    const old = step(() => tanh(w));
    const late = () => {
      const z = customGrad([old], () => full([3], 1), (dy) => [dy]);
      return grad(z, [w], [full([3], 1)]);
    };
    expect(() => step(late)).toThrow(MemoryError);
    // A graph of the current step still differentiates: d Σw² / dw = 2w.
    expect(Array.from(step(() => grad(sum(mul(w, w)), [w])[0]!.data()))).toEqual([2, 4, 6]);
    be.dispose();
  });
});

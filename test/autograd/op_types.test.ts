// The tape and the gradient table are typed by one list of ops (OpAttrs in src/autograd/tape.ts).
// The @ts-expect-error lines are the test: `tsc` (npm run check / .ci) fails if the compiler ever
// stops refusing them. At run time: a recorded node carries its op's attributes.
import { describe, expect, it } from 'vitest';
import { GRADS } from '../../src/autograd/grads.js';
import { type GradTable, record } from '../../src/autograd/tape.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { setBackend } from '../../src/engine.js';
import { scale, softmax, tensor, variable } from '../../src/ops.js';
import type { Tensor } from '../../src/tensor.js';
import { fillRandom } from '../harness/check_kernel.js';

export function refusedByTheCompiler(t: Tensor): void {
  // @ts-expect-error: an op that is not in OpAttrs
  record('unary_typo', [t], t, {});
  // @ts-expect-error: unary needs its op
  record('unary', [t], t, {});
  // @ts-expect-error: an op name that is not a UnaryOp
  record('unary', [t], t, { op: 'cube' });
  // @ts-expect-error: softmax's k is a number
  record('softmax', [t], t, { k: '4' });
  // @ts-expect-error: a table without the rule of every op
  const missing: GradTable = { reshape: GRADS.reshape };
  // @ts-expect-error: a rule reading an attribute its op does not record
  const wrong: GradTable = { ...GRADS, scale: (dy, _x, _y, { beta }) => [beta ? dy : null] };
  void [missing, wrong];
}

describe('op names and attributes', () => {
  it('an op records its name and typed attributes when an input needs a gradient, nothing otherwise', () => {
    setBackend(createRefBackend());
    const w = variable(fillRandom(8, 1), [2, 4]);
    expect(softmax(w, 4).node).toMatchObject({ op: 'softmax', attrs: { k: 4 } });
    expect(scale(w, 3, 1).node).toMatchObject({ op: 'scale', attrs: { alpha: 3 } });
    expect(softmax(tensor(fillRandom(8, 2), [2, 4]), 4).node).toBeNull();
  });
});

// The tfjs adapter under the whole stack (ops, autograd, MLP, Adam/SGD, step()): a small categorical
// Gumbel-softmax autoencoder trained for 40 steps with one seed on ref, tfjs-wasm and tfjs-cpu gives
// the same loss curve within f32 tolerance (same Philox noise everywhere), and tfjs holds a flat
// number of tensors across steps. (The 200-step categorical VAE parity run of issue 7 builds on this.)
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { grad } from '../../src/autograd/tape.js';
import type { Backend } from '../../src/backend.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { createTfjsBackend } from '../../src/backends/tfjs/index.js';
import { step } from '../../src/engine.js';
import { MLP } from '../../src/nn/linear.js';
import { Params } from '../../src/nn/params.js';
import * as ops from '../../src/ops.js';
import { Adam, SGD } from '../../src/optim/optimizer.js';
import { foldIn, key } from '../../src/random/key.js';
import { fillRandom } from '../harness/check_kernel.js';

const B = 16, D = 24, VARS = 3, K = 4;
/** Binary data: 16 rows of 24 pixels. */
const X = fillRandom(B * D, 99, 0, 1).map((v) => (v > 0.6 ? 1 : 0));

function train(be: Backend, steps: number, opt: 'adam' | 'sgd', onStep?: () => void): number[] {
  const params = new Params(be);
  const enc = new MLP(params, 'enc', [D, 16, VARS * K], key(1), 'tanh');
  const dec = new MLP(params, 'dec', [VARS * K, D], key(2));
  const optim = opt === 'adam' ? new Adam(3e-3) : new SGD(1e-2, 0.9);
  const losses: number[] = [];
  for (let t = 0; t < steps; t++) {
    losses.push(step(() => {
      const x = ops.tensor(X, [B, D], { backend: be });
      const logits = enc.forward(x);
      const g = ops.gumbel(foldIn(key(7), t), [B, VARS * K], be);
      const y = ops.softmax(ops.scale(ops.add(logits, g), 1 / 0.7), K);
      const nll = ops.sum(ops.sigmoidCrossEntropy(dec.forward(y), x));
      const kl = ops.sum(ops.klCategorical(logits, ops.zeros([B, VARS * K], { backend: be }), K));
      const loss = ops.scale(ops.add(nll, kl), 1 / B);
      const grads = grad(loss, params.list);
      optim.step(params.list, grads);
      ops.argmaxOneHot(logits, K).data();
      return loss.item();
    }, be));
    onStep?.();
  }
  return losses;
}

describe('training through the tfjs adapter', () => {
  for (const opt of ['adam', 'sgd'] as const) {
    it(`${opt}: tfjs-wasm and tfjs-cpu follow ref's loss curve for 40 steps`, async () => {
      const want = train(createRefBackend(), 40, opt);
      expect(want[39]).toBeLessThan(want[0]);
      for (const which of ['wasm', 'cpu'] as const) {
        const be = await createTfjsBackend({ tfjsBackend: which });
        const got = train(be, 40, opt);
        got.forEach((l, i) => expect(Math.abs(l - want[i]), `tfjs-${which} step ${i}: ${l} vs ref ${want[i]}`).toBeLessThan(1e-4 * Math.abs(want[i]) + 1e-5));
        be.dispose();
      }
    });
  }

  it('tf.memory().numTensors stays flat over 100 training steps', async () => {
    const be = await createTfjsBackend({ tfjsBackend: 'wasm' });
    const counts: number[] = [];
    train(be, 100, 'adam', () => counts.push(tf.memory().numTensors));
    // after the first step the optimizer state exists; from then on nothing accumulates
    expect(new Set(counts.slice(1)).size).toBe(1);
    be.dispose();
  });
});

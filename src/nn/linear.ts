// Dense layers. Glorot-uniform weights (Glorot & Bengio 2010): W ~ U(−a, a), a = √(6/(in + out)),
// drawn from our Philox stream so the same seed gives the same model everywhere; zero bias.
import { checkNumber } from '../errors.js';
import { linear, relu, tanh } from '../ops.js';
import { philoxWords, wordToUniform } from '../random/philox.js';
import type { Key } from '../random/key.js';
import { foldIn } from '../random/key.js';
import type { Tensor } from '../tensor.js';
import type { Params } from './params.js';

/** fanIn·fanOut weights (or `n`, e.g. a conv's kh·kw·C·Cout with fans kh·kw·C and kh·kw·Cout). */
export function glorotUniform(key: Key, fanIn: number, fanOut: number, n = fanIn * fanOut): Float32Array {
  const a = Math.sqrt(6 / (fanIn + fanOut));
  const w = new Uint32Array(n);
  philoxWords(w, n, key[0], key[1]);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (2 * wordToUniform(w[i]) - 1) * a;
  return out;
}

export class Linear {
  readonly w: Tensor;
  readonly b: Tensor;

  /** `bias` initialises the bias (e.g. the logit of the data mean for an output layer). */
  constructor(params: Params, name: string, readonly inDim: number, readonly outDim: number, key: Key, bias?: ArrayLike<number>) {
    checkNumber('Linear', 'inDim', inDim, { integer: true, positive: true });
    checkNumber('Linear', 'outDim', outDim, { integer: true, positive: true });
    this.w = params.add(`${name}.w`, glorotUniform(key, inDim, outDim), [inDim, outDim]);
    this.b = params.add(`${name}.b`, bias ?? new Float32Array(outDim), [outDim]);
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.w, this.b);
  }
}

export type Activation = 'relu' | 'tanh';

/** Linear layers with an activation between them (none after the last). */
export class MLP {
  readonly layers: Linear[];

  constructor(params: Params, name: string, sizes: number[], key: Key, readonly activation: Activation = 'relu', outBias?: ArrayLike<number>) {
    this.layers = sizes.slice(1).map((out, i) => new Linear(params, `${name}.${i}`, sizes[i], out, foldIn(key, i), i === sizes.length - 2 ? outBias : undefined));
  }

  forward(x: Tensor): Tensor {
    let h = x;
    for (const [i, l] of this.layers.entries()) {
      h = l.forward(h);
      if (i < this.layers.length - 1) h = this.activation === 'relu' ? relu(h) : tanh(h);
    }
    return h;
  }
}

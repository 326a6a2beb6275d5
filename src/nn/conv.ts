// Convolution layers on NHWC tensors (ops conv2d / conv2d_transpose: im2col + matmul). Glorot-uniform
// weights with the fans of a conv, fanIn = kh·kw·inChannels and fanOut = kh·kw·outChannels (as
// Keras and PyTorch's xavier_uniform count them), drawn from our Philox stream; zero bias.
import { ArgumentError, checkNumber } from '../errors.js';
import { conv2d, conv2d_transpose } from '../ops.js';
import type { Key } from '../random/key.js';
import type { Tensor } from '../tensor.js';
import { glorotUniform } from './linear.js';
import type { Params } from './params.js';

export interface ConvOptions {
  inChannels: number;
  outChannels: number;
  /** Kernel size: k (square) or [kh, kw]. */
  kernel: number | readonly [number, number];
  /** Default 1. */
  stride?: number;
  /** Zero padding on every side; default 0. */
  pad?: number;
}

interface Geometry {
  inChannels: number;
  outChannels: number;
  kh: number;
  kw: number;
  stride: number;
  pad: number;
}

function geometry(where: string, opts: ConvOptions): Geometry {
  if (!opts || typeof opts !== 'object') throw new ArgumentError(`${where}: options must be { inChannels, outChannels, kernel, stride?, pad? }, found ${String(opts)}`);
  const k = opts.kernel;
  const [kh, kw] = typeof k === 'number' ? [k, k] : Array.isArray(k) && k.length === 2 ? k : [NaN, NaN];
  if (Number.isNaN(kh)) throw new ArgumentError(`${where}: kernel must be a size k or [kh, kw], found ${JSON.stringify(k)}`);
  const g = { inChannels: opts.inChannels, outChannels: opts.outChannels, kh, kw, stride: opts.stride ?? 1, pad: opts.pad ?? 0 };
  for (const name of ['inChannels', 'outChannels', 'kh', 'kw', 'stride'] as const) checkNumber(where, name, g[name], { integer: true, positive: true });
  checkNumber(where, 'pad', g.pad, { integer: true, nonNegative: true });
  return g;
}

/** The parameters and geometry both layers share; the weight layout is the subclass's. */
abstract class ConvLayer {
  readonly w: Tensor;
  readonly b: Tensor;
  readonly kh: number;
  readonly kw: number;
  readonly stride: number;
  readonly pad: number;

  protected constructor(where: string, params: Params, name: string, opts: ConvOptions, key: Key, layout: (g: Geometry) => number[]) {
    const g = geometry(where, opts);
    ({ kh: this.kh, kw: this.kw, stride: this.stride, pad: this.pad } = g);
    const area = g.kh * g.kw;
    this.w = params.add(`${name}.w`, glorotUniform(key, area * g.inChannels, area * g.outChannels, area * g.inChannels * g.outChannels), layout(g));
    this.b = params.add(`${name}.b`, new Float32Array(g.outChannels), [g.outChannels]);
  }
}

/** y = conv2d(x, w, b): x [B,H,W,inChannels] → [B,Ho,Wo,outChannels]; w [kh,kw,inChannels,outChannels]. */
export class Conv2d extends ConvLayer {
  constructor(params: Params, name: string, opts: ConvOptions, key: Key) {
    super('Conv2d', params, name, opts, key, (g) => [g.kh, g.kw, g.inChannels, g.outChannels]);
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.w, this.b, { stride: this.stride, pad: this.pad });
  }
}

/**
 * y = conv2d_transpose(x, w, b): x [B,Hi,Wi,inChannels] → [B,outH,outW,outChannels]; w [inChannels,kh,kw,outChannels].
 * With stride > 1 several output sizes invert the same conv: forward(x, [outH, outW]) picks one; the
 * default is the smallest, (Hi − 1)·stride − 2·pad + kh.
 */
export class ConvTranspose2d extends ConvLayer {
  constructor(params: Params, name: string, opts: ConvOptions, key: Key) {
    super('ConvTranspose2d', params, name, opts, key, (g) => [g.inChannels, g.kh, g.kw, g.outChannels]);
  }

  forward(x: Tensor, outSize?: readonly [number, number]): Tensor {
    const [outH, outW] = outSize ?? [(x.shape[1] - 1) * this.stride - 2 * this.pad + this.kh, (x.shape[2] - 1) * this.stride - 2 * this.pad + this.kw];
    return conv2d_transpose(x, this.w, this.b, { stride: this.stride, pad: this.pad, outH, outW });
  }
}

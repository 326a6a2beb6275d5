// NVIL's input-dependent baseline (Mnih & Gregor 2014; MuProp's IDB, Gu et al. 2016 §2.2): an MLP
// on the model's input x with one hidden tanh layer (100 units by default) predicting the centred
// learning signal, trained by squared error through the estimator's surrogate.
import type { Backend } from '../backend.js';
import { getBackend } from '../engine.js';
import { ArgumentError, ShapeError, checkNumber, fmtShape } from '../errors.js';
import { MLP } from '../nn/linear.js';
import { Params } from '../nn/params.js';
import { reshape } from '../ops.js';
import { key as makeKey, type Key } from '../random/key.js';
import type { Tensor } from '../tensor.js';

export interface BaselineOptions {
  /** Width of the input x the baseline reads. */
  inputDim: number;
  /** Hidden tanh units (default 100). */
  hidden?: number;
  /** Initialisation key (default key(0x5f)). */
  key?: Key;
  backend?: Backend;
}

export class InputBaseline {
  readonly params: Params;
  readonly inputDim: number;
  private readonly mlp: MLP;

  constructor(opts: BaselineOptions) {
    this.inputDim = checkNumber('baseline', 'inputDim', opts.inputDim, { integer: true, positive: true });
    const hidden = checkNumber('baseline', 'hidden', opts.hidden ?? 100, { integer: true, positive: true });
    this.params = new Params(opts.backend ?? getBackend());
    this.mlp = new MLP(this.params, 'baseline', [this.inputDim, hidden, 1], opts.key ?? makeKey(0x5f), 'tanh');
  }

  /** B(x) per example, [rows]. */
  forward(x: Tensor | undefined, rows: number): Tensor {
    if (!x) throw new ArgumentError('baseline: x (the model input) is required with an input-dependent baseline, found none');
    if (x.rank !== 2 || x.shape[0] !== rows || x.shape[1] !== this.inputDim) throw new ShapeError(`baseline: x must be [${rows}, ${this.inputDim}], found ${fmtShape(x.shape)}`);
    return reshape(this.mlp.forward(x), [rows]);
  }
}

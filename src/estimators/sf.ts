// Score function / REINFORCE (Williams 1992) with MuProp's LR-C-VN variance reduction (Gu et al. 2016
// §2.2; Jang et al. 2017 §3.2) and, optionally, NVIL's input-dependent baseline (Mnih & Gregor 2014):
//   surrogate = mean_b [ f_b + SG((f_b − c − B(x_b)) / max(1, √v))·Σ_i log p(z_i,b | pa) ]
//             + mean_b (B(x_b) − SG(f_b − c))²
// c, v: moving averages (decay 0.99 by default) of f and of the squared centred signal, from earlier
// steps only. B: baseline.ts, off unless opts.baseline (the library's full form) or baselineHidden > 0
// (the CLI's --baseline-hidden; the input width then comes from createEstimator's context) is given;
// its parameters are the estimator's params(), trained by the run's optimizer and learning rate.
// Unbiased while √v ≤ 1; VN rescales the score term by 1/√v otherwise (an adaptive step size, as in
// MuProp and NVIL).
import { ArgumentError } from '../errors.js';
import { mean, mul, scale, square, stopGradient, sub } from '../ops.js';
import type { Key } from '../random/key.js';
import type { Tensor } from '../tensor.js';
import { type BaselineOptions, InputBaseline } from './baseline.js';
import { addAll, objectiveOf, sampleRuns } from './pass.js';
import type { CreateContext, EstimatorDescriptor } from './registry.js';
import { SIGNAL_OPTIONS, SignalEstimator, type SignalOptions } from './signal_stats.js';
import type { EstimatorOptions, Objective, Pass } from './estimator.js';

export interface SfOptions extends SignalOptions {
  /** An input-dependent baseline (NVIL); off by default. */
  baseline?: BaselineOptions;
}

export class ScoreFunction extends SignalEstimator {
  readonly name = 'sf';
  readonly unbiased = true;
  private readonly net: InputBaseline | null;

  constructor(opts: SfOptions = {}) {
    super(opts);
    this.net = opts.baseline ? new InputBaseline(opts.baseline) : null;
  }

  objective(pass: Pass, key: Key, _opts: EstimatorOptions, x?: Tensor): Objective {
    const [{ f, logq: lp }] = sampleRuns(pass, key, 1);
    const fs = stopGradient(f);
    const b = this.net?.forward(x, f.shape[0]);
    const { signal, c } = this.stats.apply(0, fs, b && stopGradient(b));
    const terms = [...(lp ? [mean(mul(signal, lp))] : []), ...(b ? [mean(square(sub(b, scale(fs, 1, -c))))] : [])];
    return objectiveOf(f, addAll(terms) ?? undefined);
  }

  /** The baseline network's parameters (none without one). */
  override params(): Tensor[] {
    return this.net ? this.net.params.list : [];
  }
}

export const sf = (opts?: SfOptions) => new ScoreFunction(opts);

/** sf's options with baselineHidden > 0 turned into a baseline on the context's input width. */
function withBaseline({ baselineHidden: hidden, ...o }: Record<string, unknown>, context: CreateContext): SfOptions {
  if (!hidden) return o;
  if (o.baseline) throw new ArgumentError(`sf: give baseline or baselineHidden, not both, found baselineHidden ${String(hidden)} and a baseline object`);
  if (!context.inputDim) throw new ArgumentError('sf: baselineHidden needs the width of the model input (createEstimator\'s context.inputDim), found none');
  return { ...o, baseline: { inputDim: context.inputDim, hidden: hidden as number } };
}

export const sfEstimator: EstimatorDescriptor = {
  name: 'sf', summary: 'score function (REINFORCE) with C and VN, optionally NVIL\'s input-dependent baseline', reads: [],
  options: [
    ...SIGNAL_OPTIONS,
    { key: 'baselineHidden', help: 'NVIL input-dependent baseline: hidden tanh units of an MLP on the model input, trained by the run\'s optimizer and learning rate (0: none; NVIL used 100)', default: 0, min: 0, max: 4096, integer: true },
  ],
  objectOptions: ['baseline'], unbiased: true, logWeight: true, evaluations: () => 1,
  latents: ['bernoulli', 'categorical'], create: (o, context) => sf(withBaseline(o, context)),
};

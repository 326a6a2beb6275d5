// Score function / REINFORCE (Williams 1992) with MuProp's LR-C-VN variance reduction (Gu et al. 2016
// §2.2; Jang et al. 2017 §3.2) and, optionally, NVIL's input-dependent baseline (Mnih & Gregor 2014):
//   surrogate = mean_b [ f_b + SG((f_b − c − B(x_b)) / max(1, √v))·Σ_i log p(z_i,b | pa) ]
//             + mean_b (B(x_b) − SG(f_b − c))²
// c, v: moving averages (decay 0.99 by default) of f and of the squared centred signal, from earlier
// steps only. B: baseline.ts, off unless opts.baseline is given. Unbiased while √v ≤ 1; VN rescales the
// score term by 1/√v otherwise (an adaptive step size, as in MuProp and NVIL).
import { mean, mul, scale, square, stopGradient, sub } from '../ops.js';
import type { Key } from '../random/key.js';
import type { Tensor } from '../tensor.js';
import { type BaselineOptions, InputBaseline } from './baseline.js';
import { addAll, objectiveOf, sampleRuns } from './pass.js';
import type { EstimatorDescriptor } from './registry.js';
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

export const sfEstimator: EstimatorDescriptor = {
  name: 'sf', summary: 'score function (REINFORCE) with C and VN; NVIL baseline via the library', reads: [],
  options: SIGNAL_OPTIONS, objectOptions: ['baseline'], unbiased: true, logWeight: true, evaluations: () => 1,
  latents: ['bernoulli', 'categorical'], create: (o) => sf(o as SfOptions),
};

// Every estimator by name. createEstimator('sf', { baseline: { inputDim: 392 } }) gives NVIL;
// decay/centre/normalise configure C and VN for sf, darn and muprop.
import { ArgumentError } from '../errors.js';
import { darn } from './darn.js';
import { ESTIMATOR_NAMES, type Estimator, type EstimatorName } from './estimator.js';
import { gumbelSoftmax } from './gumbel_softmax.js';
import { muprop } from './muprop.js';
import { type SfOptions, sf } from './sf.js';
import { slopeSt } from './slope_st.js';
import { st } from './st.js';
import { stGumbelSoftmax } from './st_gumbel_softmax.js';

export * from './estimator.js';
export { ScoreFunction, type SfOptions } from './sf.js';
export { InputBaseline, type BaselineOptions } from './baseline.js';
export { Darn } from './darn.js';
export { MuProp } from './muprop.js';
export { SignalStats, type SignalOptions, straightThrough, layerKey } from './common.js';

/** Options for createEstimator: C/VN settings (sf, darn, muprop) and the NVIL baseline (sf only). */
export type CreateOptions = SfOptions;

const STATEFUL = new Set<EstimatorName>(['sf', 'darn', 'muprop']);

export function createEstimator(name: EstimatorName, opts: CreateOptions = {}): Estimator {
  if (!ESTIMATOR_NAMES.includes(name)) throw new ArgumentError(`createEstimator: name must be one of ${ESTIMATOR_NAMES.join(', ')}, found '${String(name)}'`);
  if (opts.baseline && name !== 'sf') throw new ArgumentError(`createEstimator: baseline (an input-dependent baseline) is only for 'sf', found it for '${name}'`);
  const signalOpts = ['decay', 'centre', 'normalise'] as const;
  const extra = signalOpts.filter((o) => opts[o] !== undefined);
  if (extra.length && !STATEFUL.has(name)) throw new ArgumentError(`createEstimator: ${extra.join(', ')} only apply to sf, darn and muprop, found for '${name}'`);
  switch (name) {
    case 'sf': return sf(opts);
    case 'darn': return darn(opts);
    case 'muprop': return muprop(opts);
    case 'st': return st();
    case 'slope_st': return slopeSt();
    case 'gumbel_softmax': return gumbelSoftmax();
    case 'st_gumbel_softmax': return stGumbelSoftmax();
  }
}

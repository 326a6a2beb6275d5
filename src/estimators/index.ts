// The estimators' public face: the registry (createEstimator, registerEstimator, descriptors) and the
// pieces an estimator of one's own builds on. createEstimator('sf', { baselineHidden: 100 }, { inputDim: 392 })
// (or { baseline: { inputDim: 392 } }) gives NVIL; decay/centre/normalise configure C and VN for sf, darn and muprop.
export * from './estimator.js';
export {
  type CreateContext, type CreateOptions, type EstimatorDescriptor, type OptionSpec,
  createEstimator, estimatorDescriptor, estimatorNames, registerEstimator, resolveOptions,
} from './registry.js';
export { ScoreFunction, type SfOptions } from './sf.js';
export { InputBaseline, type BaselineOptions } from './baseline.js';
export { Darn } from './darn.js';
export { MuProp } from './muprop.js';
export { SignalStats, type SignalOptions } from './signal_stats.js';
export { drive, layerKey, objectiveOf, pathwise, straightThrough } from './pass.js';

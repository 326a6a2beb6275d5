// The paper's numbers (Jang, Gu & Poole, ICLR 2017): a partial table, so registering a new estimator
// neither needs invented numbers nor grows the reproduced tables.
// Table 1: test −log p(x) (VAE, nats) and test NLL of the lower half (SBN), about 550k steps.
// Table 2: semi-supervised M2 on MNIST with 100 labels, test ELBO and accuracy.
import type { EstimatorName } from '../estimators/estimator.js';
import type { LatentKind, ModelName } from '../models/index.js';

export const PAPER_TABLE1: Readonly<Record<ModelName, Record<LatentKind, Readonly<Partial<Record<EstimatorName, number>>>>>> = {
  sbn: {
    bernoulli: { sf: 72.0, darn: 59.7, muprop: 58.9, st: 58.9, slope_st: 58.7, gumbel_softmax: 58.5, st_gumbel_softmax: 59.3 },
    categorical: { sf: 73.1, darn: 67.9, muprop: 63.0, st: 61.8, slope_st: 61.1, gumbel_softmax: 59.0, st_gumbel_softmax: 59.7 },
  },
  vae: {
    bernoulli: { sf: 112.2, darn: 110.9, muprop: 109.7, st: 116.0, slope_st: 111.5, gumbel_softmax: 105.0, st_gumbel_softmax: 111.5 },
    categorical: { sf: 110.6, darn: 128.8, muprop: 107.0, st: 110.9, slope_st: 107.8, gumbel_softmax: 101.5, st_gumbel_softmax: 107.8 },
  },
};

/** The paper's Table 1 number for a cell, or undefined where the paper has none. */
export const paperTable1 = (model: ModelName, latent: LatentKind, estimator: EstimatorName): number | undefined => PAPER_TABLE1[model][latent][estimator];

/** Table 1's columns in the paper's order: the estimator, its header as the paper writes it, its plot colour. */
export const TABLE1_COLUMNS: readonly { estimator: EstimatorName; label: string; color: string }[] = [
  { estimator: 'sf', label: 'SF', color: '#7f7f7f' },
  { estimator: 'darn', label: 'DARN', color: '#8c564b' },
  { estimator: 'muprop', label: 'MuProp', color: '#9467bd' },
  { estimator: 'st', label: 'ST', color: '#2ca02c' },
  { estimator: 'slope_st', label: 'Annealed ST', color: '#17becf' },
  { estimator: 'gumbel_softmax', label: 'Gumbel-S.', color: '#d62728' },
  { estimator: 'st_gumbel_softmax', label: 'ST Gumbel-S.', color: '#ff7f0e' },
];

/** Table 2's rows in the paper's order: how the M2 model's label y is estimated (registry names). */
export const TABLE2_ROWS = ['marginalize', 'gumbel_softmax', 'st_gumbel_softmax'] as const;
export type Table2Estimator = (typeof TABLE2_ROWS)[number];

export const PAPER_TABLE2: Readonly<Record<Table2Estimator, { elbo: number; accuracy: number }>> = {
  marginalize: { elbo: -106.8, accuracy: 0.926 },
  gumbel_softmax: { elbo: -109.6, accuracy: 0.924 },
  st_gumbel_softmax: { elbo: -110.7, accuracy: 0.936 },
};

// The paper's models behind one constructor, for the training loop and the CLI.
import type { Backend } from '../backend.js';
import { ArgumentError } from '../errors.js';
import type { Key } from '../random/key.js';
import type { LatentKind, Model } from './common.js';
import { SBN } from './sbn.js';
import { VAE, type KlForm, type PriorKind } from './vae.js';

export * from './common.js';
export { SBN, type SbnOptions } from './sbn.js';
export { VAE, type VaeOptions, type PriorKind, type KlForm } from './vae.js';

export const MODEL_NAMES = ['sbn', 'vae'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];
export const LATENT_KINDS = ['bernoulli', 'categorical'] as const;

export interface ModelSpec {
  model: ModelName;
  latent: LatentKind;
  /** VAE only. */
  prior?: PriorKind;
  /** VAE only: the KL term in closed form or sampled (score-function estimators; see vae.ts). */
  kl?: KlForm;
  /** VAE only: deterministic hidden layers. */
  hidden?: number[];
  /** Pixels per data row (784 for MNIST-shaped data). */
  dim?: number;
  /** Latent layer size (defaults: 200 Bernoulli units; 20 variables × 10 classes). */
  units?: number;
  vars?: number;
  classes?: number;
}

/** A fresh model: parameters from `key`, output bias from the training rows' mean. */
export function createModel(spec: ModelSpec, key: Key, initData?: Float32Array, backend?: Backend): Model {
  if (!(LATENT_KINDS as readonly string[]).includes(spec.latent)) {
    throw new ArgumentError(`createModel: latent must be one of ${LATENT_KINDS.join(', ')}, found '${String(spec.latent)}'`);
  }
  const dim = spec.dim ?? 784;
  const size = { kind: spec.latent, units: spec.units, vars: spec.vars, classes: spec.classes };
  if (spec.model === 'vae') return new VAE({ ...size, dim, hidden: spec.hidden, prior: spec.prior, kl: spec.kl, key, initData, backend });
  if (spec.model === 'sbn') {
    if (spec.hidden?.length) throw new ArgumentError('createModel: hidden layers are a VAE option; the SBN has none');
    if (dim % 2) throw new ArgumentError(`createModel: the SBN splits rows in halves, so dim must be even, found ${dim}`);
    return new SBN({ ...size, inDim: dim / 2, outDim: dim / 2, key, initData, backend });
  }
  throw new ArgumentError(`createModel: model must be one of ${MODEL_NAMES.join(', ')}, found '${String(spec.model)}'`);
}

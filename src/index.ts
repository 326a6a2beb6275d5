// Public API barrel: no logic here. Data flows CLI → models → estimators → ops → backend → kernel.
export * from './errors.js';

// Backends and the kernel catalogue
export type { Backend } from './backend.js';
export { registerBackend, createBackend, backendNames } from './backend.js';
export { KERNELS, KERNEL_IDS, type Buf, type F, type Kernels, type KernelId, type UnaryOp, type BinaryOp, Bcast } from './kernels.js';
export { createRefBackend } from './backends/ref/index.js';
export { createWasmBackend, type WasmOptions } from './backends/wasm/index.js';
export { createTfjsBackend, TFJS_BACKENDS, type TfjsOptions, type TfjsBackendName } from './backends/tfjs/index.js';
export { setBackend, getBackend, step } from './engine.js';
import './backends/defaults.js';

// Tensors, ops, autograd, randomness
export { Tensor } from './tensor.js';
export * from './ops.js';
export { grad, noGrad } from './autograd/tape.js';
export { customGrad } from './autograd/custom_grad.js';
export { key, split, foldIn, type Key } from './random/key.js';
export { normalHost } from './random/normal.js';

// Layers and optimizers
export { Params } from './nn/params.js';
export { Linear, MLP, glorotUniform, type Activation } from './nn/linear.js';
export { Conv2d, ConvTranspose2d, type ConvOptions } from './nn/conv.js';
export { SGD, Adam, type Optimizer } from './optim/optimizer.js';

// Distributions, estimators, diagnostics
export * from './distributions/index.js';
export * from './estimators/index.js';
export * from './diagnostics/gradient_stats.js';
export * from './train/schedules.js';

// The paper's models; data (runtime-neutral; the Node loader is `gumbel/data/node`)
export * from './models/index.js';
export { SSVAE, type SsvaeOptions, type SsvaeObjective, type SsvaeEvalResult } from './models/ssvae.js';
export * as data from './data/index.js';

// Training (runtime-neutral core of `gumbel train`)
export { Trainer, runKeys, TrainingError, type StepResult } from './train/trainer.js';
export { defaultConfig, patchConfig, savedConfig, validateConfig, DEFAULT_STEPS, type ConfigPatch, type TrainConfig } from './train/config.js';
export { encodeCheckpoint, decodeCheckpoint, type CheckpointState } from './train/checkpoint.js';
export {
  SsvaeTrainer, SSVAE_DEFAULTS, PAPER_TABLE2, savedSsvaeConfig, ssvaeConfig, validateSsvaeConfig, randomLabels, type SsvaeConfig, type SsvaeData, type SsvaePatch,
} from './train/ssvae.js';

// Public API barrel: no logic here.
export * from './errors.js';
export type { Backend } from './backend.js';
export { registerBackend, createBackend, backendNames } from './backend.js';
export { KERNELS, KERNEL_IDS, type Buf, type Kernels, type KernelId, type UnaryOp, type BinaryOp, Bcast } from './kernels.js';
export { Tensor } from './tensor.js';
export { key, split, foldIn, type Key } from './random/key.js';
export { createRefBackend } from './backends/ref/index.js';
export { createWasmBackend, type WasmOptions } from './backends/wasm/index.js';
export { createTfjsBackend, TFJS_BACKENDS, type TfjsOptions, type TfjsBackendName } from './backends/tfjs/index.js';
import './backends/defaults.js';

// The tfjs backends the adapter can run on. A module of its own so that configuration code (the
// training config, the CLI) can name them without importing the adapter and with it tfjs.
export type TfjsBackendName = 'wasm' | 'cpu' | 'tensorflow' | 'webgpu';
export const TFJS_BACKENDS: readonly TfjsBackendName[] = ['wasm', 'cpu', 'tensorflow', 'webgpu'];

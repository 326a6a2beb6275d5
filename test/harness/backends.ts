// forEachBackend: the same test body on every backend (candle test_device!, tfjs ALL_ENVS).
import type { Backend } from '../../src/backend.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { createWasmBackend } from '../../src/backends/wasm/index.js';
import type { BuildName } from '../../src/backends/wasm/features.js';

export interface NamedBackend {
  label: string;
  make: () => Promise<Backend>;
}

/** ref, then every wasm build this runtime can run (scalar and SIMD paths are both tested). */
export const BACKENDS: NamedBackend[] = [
  { label: 'ref', make: async () => createRefBackend() },
  ...(['scalar', 'simd', 'relaxed'] as BuildName[]).map((build) => ({ label: `wasm-${build}`, make: () => createWasmBackend({ build }) })),
];

export const WASM_BACKENDS = BACKENDS.filter((b) => b.label !== 'ref');

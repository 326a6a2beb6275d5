// forEachBackend: the same test body on every backend (candle test_device!, tfjs ALL_ENVS).
import type { Backend } from '../../src/backend.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { createWasmBackend } from '../../src/backends/wasm/index.js';
import { createTfjsBackend } from '../../src/backends/tfjs/index.js';
import type { BuildName } from '../../src/backends/wasm/features.js';

export interface NamedBackend {
  label: string;
  make: () => Promise<Backend>;
}

/** ref, then every wasm build this runtime can run (scalar and SIMD paths are both tested), then the tfjs adapter on tfjs-backend-wasm and -cpu. */
export const BACKENDS: NamedBackend[] = [
  { label: 'ref', make: async () => createRefBackend() },
  ...(['scalar', 'simd', 'relaxed'] as BuildName[]).map((build) => ({ label: `wasm-${build}`, make: () => createWasmBackend({ build }) })),
  { label: 'tfjs-wasm', make: () => createTfjsBackend({ tfjsBackend: 'wasm' }) },
  { label: 'tfjs-cpu', make: () => createTfjsBackend({ tfjsBackend: 'cpu' }) },
];

export const WASM_BACKENDS = BACKENDS.filter((b) => b.label !== 'ref');

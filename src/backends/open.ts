// One backend factory by name, for Node (the CLI, the benches, reproduce): 'wasm' with a thread
// count (0: one per core, up to 4; the numbers do not depend on it) and a check that this build has
// every kernel, 'ref', or 'tfjs' with the tfjs backend that runs the kernels. It creates through the
// registry of backend.ts, where backends/defaults.ts registers the three.
import { availableParallelism } from 'node:os';
import { type Backend, createBackend } from '../backend.js';
import { ArgumentError, NotImplementedError } from '../errors.js';
import { KERNEL_IDS } from '../kernels.js';
import './defaults.js';
import type { TfjsBackendName } from './tfjs/names.js';
import { bestBuild, detectFeatures } from './wasm/features.js';
import { loadModule } from './wasm/index.js';

export const BACKEND_NAMES = ['wasm', 'ref', 'tfjs'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface OpenOptions {
  /** wasm: threads for large matrix products; 0: one per core, up to 4 (default 1). */
  threads?: number;
  /** tfjs: which tfjs backend runs the kernels (default 'wasm'). */
  tfjsBackend?: TfjsBackendName;
  /** tfjs: draw noise with tfjs's own generator (not the same numbers as wasm). */
  nativeRng?: boolean;
}

/** wasm threads for a --threads value: 0 is one per core, up to 4. */
export const wasmThreads = (threads: number): number => (threads > 0 ? threads : Math.min(4, availableParallelism()));

/** The kernels the default wasm build lacks (empty when it has them all). */
export async function missingWasmKernels(): Promise<string[]> {
  const names = new Set(WebAssembly.Module.exports(await loadModule(bestBuild(await detectFeatures()))).map((e) => e.name));
  return KERNEL_IDS.filter((id) => !names.has(`${id}_f32`));
}

/** A new backend by name; dispose it after use. */
export async function openBackend(name: BackendName, opts: OpenOptions = {}): Promise<Backend> {
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) throw new ArgumentError(`openBackend: name must be one of ${BACKEND_NAMES.join(', ')}, found '${String(name)}'`);
  if (name === 'wasm') {
    const missing = await missingWasmKernels();
    if (missing.length) throw new NotImplementedError(`backend 'wasm' lacks the kernels ${missing.join(', ')} in this build: use --backend ref (slow) or rebuild with npm run build:wasm`);
    return createBackend('wasm', { threads: wasmThreads(opts.threads ?? 1) });
  }
  if (name === 'tfjs') return createBackend('tfjs', { tfjsBackend: opts.tfjsBackend ?? 'wasm', nativeRng: opts.nativeRng ?? false });
  return createBackend('ref');
}

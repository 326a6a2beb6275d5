// Which wasm build this runtime can run, decided with WebAssembly.validate on tiny probe modules.

// (module (func (result v128) (v128.const i32x4 0 0 0 0)))
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12,
  ...new Array(16).fill(0), 11,
]);

// (module (func (result v128) (f32x4.relaxed_madd (v128.const 0) (v128.const 0) (v128.const 0))))
const ZERO_V128 = [253, 12, ...new Array(16).fill(0)];
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 61, 1, 59, 0,
  ...ZERO_V128, ...ZERO_V128, ...ZERO_V128, 253, 133, 2, 11,
]);

let relaxedFlagTried = false;

/** On Node 20, relaxed SIMD sits behind a V8 flag that can be set before the first compile. */
async function enableRelaxedOnNode(): Promise<void> {
  if (relaxedFlagTried) return;
  relaxedFlagTried = true;
  const proc = (globalThis as { process?: { versions?: { node?: string; bun?: string } } }).process;
  if (!proc?.versions?.node || proc.versions.bun) return;
  try {
    const v8 = await import(/* @vite-ignore */ 'node:v8');
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    // Not Node after all, or the flag is gone: the probe below decides.
  }
}

export interface WasmFeatures {
  simd: boolean;
  relaxedSimd: boolean;
  /** Shared memory and workers are usable (Node, Deno, Bun; browsers only when cross-origin isolated). */
  threads: boolean;
}

export async function detectFeatures(): Promise<WasmFeatures> {
  await enableRelaxedOnNode();
  const g = globalThis as { crossOriginIsolated?: boolean; process?: { versions?: { node?: string } } };
  const threads =
    typeof SharedArrayBuffer === 'function' &&
    (g.process?.versions?.node !== undefined || (typeof Worker === 'function' && g.crossOriginIsolated === true));
  return { simd: WebAssembly.validate(SIMD_PROBE), relaxedSimd: WebAssembly.validate(RELAXED_PROBE), threads };
}

export type BuildName = 'scalar' | 'simd' | 'relaxed' | 'simd-mt' | 'relaxed-mt';

/** The fastest single-threaded build this runtime runs. */
export function bestBuild(f: WasmFeatures, threaded = false): BuildName {
  const base = f.relaxedSimd ? 'relaxed' : f.simd ? 'simd' : 'scalar';
  if (threaded && base !== 'scalar') return `${base}-mt`;
  return base;
}

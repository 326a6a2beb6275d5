// A profiling wrapper: the same backend, with every kernel call timed and counted by kernel id.
import type { Backend } from '../src/backend.js';
import { KERNEL_IDS } from '../src/kernels.js';

export interface Profile {
  backend: Backend;
  /** Milliseconds and calls per kernel id since the last reset. */
  totals: Map<string, { ms: number; calls: number }>;
  reset(): void;
}

/** With `shapes`, matmul and sparse_matmul calls are keyed by their m×k×n (and transposes) too. */
export function profile(be: Backend, opts: { shapes?: boolean } = {}): Profile {
  const totals = new Map<string, { ms: number; calls: number }>();
  const wrapped = Object.create(be) as Backend & Record<string, unknown>;
  for (const id of KERNEL_IDS) {
    const f = (be[id] as (...a: unknown[]) => void).bind(be);
    wrapped[id] = (...args: unknown[]) => {
      const t0 = performance.now();
      f(...args);
      const dt = performance.now() - t0;
      const key = id === 'unary' || id === 'unary_grad' || id === 'binary' ? `${id}:${String(args[0])}`
        : (id === 'matmul' || id === 'sparse_matmul') && opts.shapes ? `${id} ${args.slice(3, 6).join('×')}${args[6] === true ? ' tA' : ''}${args[7] === true ? ' tB' : ''}` : id;
      const e = totals.get(key) ?? { ms: 0, calls: 0 };
      e.ms += dt;
      e.calls++;
      totals.set(key, e);
    };
  }
  return { backend: wrapped, totals, reset: () => totals.clear() };
}

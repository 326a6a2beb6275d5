// The Backend interface and the registry. A backend owns memory and runs the kernels of
// src/kernels.ts; nothing above this file knows about pointers.
import { ArgumentError } from './errors.js';
import type { Buf, F, Kernels } from './kernels.js';

export interface Backend extends Kernels {
  /** 'ref', 'wasm', 'tfjs', ... */
  readonly name: string;
  /** Which build or device runs the kernels, e.g. 'relaxed-mt' or 'scalar'. */
  readonly variant: string;
  /** Relative tolerance tests allow against `ref` (tfjs testEpsilon idea). */
  readonly floatPrecision: number;
  /** Incremented by every resetScratch(); a scratch tensor from an older generation is dead. */
  readonly generation: number;
  /** size f32 elements; persistent memory survives resetScratch() (parameters, optimizer state). */
  alloc(size: number, persistent: boolean): Buf;
  /** Returns persistent memory. Scratch memory is only returned by resetScratch(). */
  free(buf: Buf): void;
  write(buf: Buf, data: ArrayLike<number>, offset?: number): void;
  /** A copy of elements [offset, offset + length). */
  read(buf: Buf, offset?: number, length?: number): F;
  /** Frees every scratch buffer at once, in O(1). */
  resetScratch(): void;
  dispose(): void;
}

type Factory = (opts?: Record<string, unknown>) => Promise<Backend>;
const factories = new Map<string, Factory>();

export function registerBackend(name: string, factory: Factory): void {
  if (factories.has(name)) throw new ArgumentError(`registerBackend: backend '${name}' is already registered`);
  factories.set(name, factory);
}

export function backendNames(): string[] {
  return [...factories.keys()];
}

/** Creates a new instance of a registered backend. */
export async function createBackend(name: string, opts?: Record<string, unknown>): Promise<Backend> {
  const factory = factories.get(name);
  if (!factory) throw new ArgumentError(`createBackend: backend must be one of ${backendNames().join(', ')}, found '${name}'`);
  return factory(opts);
}

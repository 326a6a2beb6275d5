// The current backend (tfjs-style global), set once by the user or the CLI.
import type { Backend } from './backend.js';
import { GumbelError } from './errors.js';

let current: Backend | null = null;

export function setBackend(be: Backend): void {
  current = be;
}

export function getBackend(): Backend {
  if (!current) throw new GumbelError('no backend: call setBackend(await createWasmBackend()) (or createRefBackend()) first');
  return current;
}

/** Runs fn, then frees every scratch tensor made since the last reset; returns fn's result (read it first). */
export function step<T>(fn: () => T, be: Backend = getBackend()): T {
  try {
    return fn();
  } finally {
    be.resetScratch();
  }
}

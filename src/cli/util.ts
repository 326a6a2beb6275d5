// Shared pieces of the `gumbel` commands: value parsers (one-line errors through commander),
// the I/O streams, and how an error becomes an exit code.
import { InvalidArgumentError } from 'commander';
import { ArgumentError, GumbelError } from '../errors.js';

export interface Stream {
  write(s: string): unknown;
  isTTY?: boolean;
}

export interface IO {
  stdout: Stream;
  stderr: Stream;
}

/** Exit codes: 0 ok, 1 a failure while running, 2 bad arguments, 130 interrupted (Ctrl-C, checkpoint written). */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/** An error that maps to an exit code with a one-line message. */
export class CliError extends Error {
  constructor(message: string, readonly code: number) {
    super(message);
  }
}

export function parseInteger(min: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isInteger(n) || n < min) throw new InvalidArgumentError(`must be an integer >= ${min}.`);
    return n;
  };
}

export function parsePositive(orZero = false): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < 0 || (!orZero && n === 0)) throw new InvalidArgumentError(`must be a number ${orZero ? '>= 0' : '> 0'}.`);
    return n;
  };
}

/** "512,256" → [512, 256]; "" or "none" → []. */
export function parseHidden(v: string): number[] {
  const t = v.trim();
  if (t === '' || t === 'none') return [];
  const parts = t.split(',').map((s) => Number(s.trim()));
  if (parts.some((n) => !Number.isInteger(n) || n < 1)) throw new InvalidArgumentError('must be layer sizes like 512,256 (or none).');
  return parts;
}

/** One line for the user and the exit code an error maps to. */
export function describeError(e: unknown, command: string): { message: string; code: number } {
  if (e instanceof CliError) return { message: `gumbel ${command}: error: ${e.message}`, code: e.code };
  if (e instanceof ArgumentError) return { message: `gumbel ${command}: error: ${e.message}`, code: EXIT.usage };
  if (e instanceof GumbelError) return { message: `gumbel ${command}: ${e.name}: ${e.message}`, code: EXIT.failure };
  const err = e as Error;
  return { message: `gumbel ${command}: unexpected error: ${err?.stack ?? String(e)}`, code: EXIT.failure };
}

// Error types. One message format everywhere: `<where>: <argument> <expected>, found <found>`.

export class GumbelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A shape does not fit an op, e.g. `matmul: b has 3 rows but a has 4 columns (a: [2,4], b: [3,5])`. */
export class ShapeError extends GumbelError {}

/** An argument has the wrong value, e.g. `RelaxedBernoulli: tau must be a finite number in [1e-30, 1e30], found -1`. */
export class ArgumentError extends GumbelError {}

/** A backend lacks a kernel or a runtime lacks a feature. */
export class NotImplementedError extends GumbelError {}

/**
 * A tensor's memory is gone or cannot be had: a scratch tensor used after its step freed it, or an
 * allocation past what the backend can address (the wasm32 limit is 4 GiB).
 */
export class MemoryError extends GumbelError {}

/** A file is malformed, truncated or does not match what was expected. */
export class FormatError extends GumbelError {}

export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

export function check(cond: boolean, make: () => GumbelError): asserts cond {
  if (!cond) throw make();
}

/** Throws ArgumentError unless x is a finite number (optionally > 0 or >= 0). */
export function checkNumber(where: string, name: string, x: unknown, opts: { positive?: boolean; nonNegative?: boolean; integer?: boolean } = {}): number {
  const ok =
    typeof x === 'number' && Number.isFinite(x) &&
    (!opts.positive || x > 0) && (!opts.nonNegative || x >= 0) && (!opts.integer || Number.isInteger(x));
  if (!ok) {
    const what = [opts.integer ? 'an integer' : 'a finite number', opts.positive ? '> 0' : opts.nonNegative ? '>= 0' : ''].join(' ').trim();
    throw new ArgumentError(`${where}: ${name} must be ${what}, found ${String(x)}`);
  }
  return x;
}

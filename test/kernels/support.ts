// Shared pieces of the transcendental kernel tests (unary, softmax family, KLs, cross-entropy):
// run one kernel on a wasm build and on `ref` with the same inputs, and compare every output.
import { expect } from 'vitest';
import { grad } from '../../src/autograd/tape.js';
import type { Backend } from '../../src/backend.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import type { Buf } from '../../src/kernels.js';
import { mul, sum } from '../../src/ops.js';
import type { Tensor } from '../../src/tensor.js';
import { type Tol, expectClose, fillRandom, upload } from '../harness/check_kernel.js';

/** One f32 ulp at 1 (2⁻²³): relative tolerances are written as multiples of it. */
export const ULP = 2 ** -23;

/** Group sizes of the grouped kernels: k < 4 (no full vector), = 4, tails 1…3, k = 10 (MNIST classes). */
export const GROUP_K = [1, 2, 3, 4, 5, 8, 10, 17];
/** Row counts: odd and even, so k ∈ {1, 2} paths that pack rows into a vector get a tail. */
export const ROWS = [0, 1, 2, 3, 5, 8, 33];

/** Input ranges: moderate, the f32 exp overflow region, and far beyond it. */
export const RANGES: [number, number][] = [[-3, 3], [-80, 80], [-1e4, 1e4]];

/** NaN at a few positions (first, middle, last) of a copy of `a`. */
export function withNaN(a: Float32Array): Float32Array {
  const b = a.slice();
  if (b.length) {
    b[0] = NaN;
    b[b.length >> 1] = NaN;
    b[b.length - 1] = NaN;
  }
  return b;
}

export { fillRandom };

export const ref = createRefBackend();

/**
 * Runs `call` on `be` and on ref with the same inputs, then compares each output buffer
 * (sizes `outs`) with `tol`, or with tol(i) for output i.
 */
export function compareWithRef(
  label: string,
  be: Backend,
  inputs: Float32Array[],
  outs: number[],
  call: (b: Backend, ins: Buf[], outs: Buf[]) => void,
  tol: Tol | ((i: number) => Tol),
): void {
  const run = (b: Backend) => runKernel(b, inputs, outs, call);
  const got = run(be), want = run(ref);
  for (let i = 0; i < outs.length; i++) expectClose(`${label} out${i}`, got[i], want[i], widen(be, typeof tol === 'function' ? tol(i) : tol, Math.max(maxAbs(want[i]), maxAbs(...inputs))));
}

/** Uploads the inputs, runs `call` with fresh outputs of sizes `outs`, and returns what they hold. */
export function runKernel(b: Backend, inputs: Float32Array[], outs: number[], call: (b: Backend, ins: Buf[], outs: Buf[]) => void): ArrayLike<number>[] {
  const ins = inputs.map((a) => upload(b, a));
  const os = outs.map((n) => b.alloc(n, false));
  call(b, ins, os);
  const res = os.map((o) => (o.size ? b.read(o) : new Float32Array(0)));
  b.resetScratch();
  return res;
}

/** Bitwise on ref and wasm (a NaN matches any NaN: wasm leaves a NaN's sign and payload open); the tfjs adapter within its declared precision. */
export function expectSameBits(label: string, be: Backend, got: ArrayLike<number>, want: ArrayLike<number>): void {
  if (be.name.startsWith('tfjs')) return expectClose(label, got, want, { atol: be.floatPrecision, rtol: be.floatPrecision });
  const g = Float32Array.from(got), w = Float32Array.from(want);
  const bad = g.findIndex((v, i) => !Object.is(v, w[i]) && !(Number.isNaN(v) && Number.isNaN(w[i])));
  expect(bad < 0 ? '' : `at ${bad}: ${g[bad]} vs ${w[bad]}`, label).toBe('');
}

/** A fused op and the unfused ops it replaces give the same bits forward, and for grad(Σ w ⊙ y) w.r.t. x with either rule (kernel, recorded). */
export function expectFusedOpBitwise(x: Tensor, w: Tensor, fused: () => Tensor, unfused: () => Tensor): void {
  const bits = (t: Tensor) => Buffer.from(Float32Array.from(t.data()).buffer);
  expect(bits(fused()).equals(bits(unfused())), 'forward').toBe(true);
  for (const createGraph of [false, true]) {
    const [g1] = grad(sum(mul(fused(), w)), [x], undefined, { createGraph });
    const [g2] = grad(sum(mul(unfused(), w)), [x], undefined, { createGraph });
    expect(bits(g1!).equals(bits(g2!)), `gradient, createGraph ${createGraph}`).toBe(true);
  }
}

/**
 * The bounds in these tests are derived for our wasm kernels. Other backends in the shared suite
 * (the tfjs adapter) are held to their declared floatPrecision instead (tfjs testEpsilon idea):
 * rtol = max(rtol, floatPrecision), atol = max(atol, floatPrecision·(1e−3 + 1e−2·scale)), where scale
 * is the largest |value| of that output or of the inputs (an f32 formula that cancels loses digits
 * at that size).
 */
export function widen(be: Backend, tol: Tol, scale = 0): Tol {
  if (be.name === 'wasm') return tol;
  const fp = be.floatPrecision;
  return { atol: Math.max(tol.atol ?? 0, fp * (1e-3 + 1e-2 * scale)), rtol: Math.max(tol.rtol ?? 0, fp) };
}

/** Max |x| over the inputs: absolute error of sums of logits scales with it. */
export function maxAbs(...as: ArrayLike<number>[]): number {
  let m = 0;
  for (const a of as) for (let i = 0; i < a.length; i++) if (Math.abs(a[i]) > m && Number.isFinite(a[i])) m = Math.abs(a[i]);
  return m;
}

/** Every (rows, k, range) case of the grouped-kernel sweep, with a per-case seed. */
export function* groupedCases(): Generator<{ rows: number; k: number; lo: number; hi: number; seed: number }> {
  let seed = 1;
  for (const rows of ROWS) for (const k of GROUP_K) for (const [lo, hi] of RANGES) yield { rows, k, lo, hi, seed: seed++ };
}

/** NaN at (row 1, last column) and (row 3, column 0) of a [rows, k] copy: the tail lane and a head lane. */
export function withGroupNaN(a: Float32Array, k: number): Float32Array {
  const b = a.slice();
  if (b.length > 2 * k - 1) b[2 * k - 1] = NaN;
  if (b.length > 3 * k) b[3 * k] = NaN;
  return b;
}

/** Runs a ref kernel on one input and returns its output (for saved forward outputs of grad tests). */
export function refForward(fn: (x: Buf, y: Buf) => void, x: Float32Array, outSize = x.length): Float32Array {
  const bx = ref.alloc(x.length, false), by = ref.alloc(outSize, false);
  if (x.length) ref.write(bx, x);
  fn(bx, by);
  return Float32Array.from(outSize ? ref.read(by) : []);
}

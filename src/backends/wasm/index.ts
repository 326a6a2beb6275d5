// The `wasm` backend: the AssemblyScript core (assembly/) compiled to SIMD WebAssembly.
// It owns one WebAssembly.Memory; each binding passes byte offsets and counts to one export,
// `<kernel id>_f32`, and nothing else.
import type { Backend } from '../../backend.js';
import { NotImplementedError } from '../../errors.js';
import { BINARY_OPS, Bcast, type BinaryOp, type Buf, KERNEL_IDS, type KernelId, type Kernels, UNARY_OPS, type UnaryOp } from '../../kernels.js';
import { Region, grower } from './arena.js';
import { type BuildName, bestBuild, detectFeatures } from './features.js';
import { MAX_THREADS, createPool, pieces } from './pool.js';

class WasmBuf implements Buf {
  constructor(readonly ptr: number, readonly size: number, readonly persistent: boolean) {}
}

const p = (b: Buf): number => (b as WasmBuf).ptr;
/** The Float32Array index of a buffer: byte offsets go up to 4 GiB, so divide, never `>> 2`. */
const index = (b: Buf): number => p(b) / 4;

/** First bytes of memory are never handed out: pointer 0 means "none" (e.g. no bias). */
const RESERVED_PAGES = 1;
/** The thread pool's control block (4.5 KiB) lives in the reserved page, past the module's static data (1024 to ≈ 1.5 KiB). */
const CTRL = 32768;
// Split a kernel only when one thread would take ≳ 10 µs (a pool round trip costs 2–3 µs with the
// workers awake; measured in bench/threads.ts): matmuls from PARALLEL_FLOPS, streams of one cheap
// operation (≈ 0.1 ns per element) from CHEAP_MIN elements, kernels with a transcendental per
// element (0.5–2 ns: Adam, sigmoid, the cross-entropies, KLs; the row kernels counted in elements)
// from COSTLY_MIN.
const PARALLEL_FLOPS = 1e6;
const CHEAP_MIN = 1 << 17;
const COSTLY_MIN = 1 << 14;
const CHEAP_UNARY = new Set<UnaryOp>(['neg', 'abs', 'square', 'relu']);
/** 4 GiB of 64 KiB pages: the wasm32 address space (shared memories declare it as their maximum). */
const MAX_PAGES = 65536;

export interface WasmOptions {
  /** Which build to run; default: the fastest this runtime validates (a `-mt` build when threads > 1). */
  build?: BuildName;
  /** Threads for large matmuls (the caller plus threads − 1 workers); 1 where threads are impossible. */
  threads?: number;
  /** Run on the calling thread alone for a while when the workers do not keep up (default true; pool.ts, Lateness). */
  backoff?: boolean;
  /** A precompiled module (Cloudflare workerd imports it; everyone else can let us load it). */
  module?: WebAssembly.Module;
}

const modules = new Map<string, Promise<WebAssembly.Module>>();

/** Reads build/<name>.wasm next to the package: from disk in Node, Deno and Bun, with fetch elsewhere. */
export function loadModule(build: BuildName): Promise<WebAssembly.Module> {
  let m = modules.get(build);
  if (!m) {
    m = (async () => {
      const url = new URL(`../../../build/${build}.wasm`, import.meta.url);
      let bytes: BufferSource;
      if (url.protocol === 'file:') {
        const fs = await import(/* @vite-ignore */ 'node:fs/promises');
        bytes = new Uint8Array(await fs.readFile(url));
      } else {
        bytes = await (await fetch(url)).arrayBuffer();
      }
      return WebAssembly.compile(bytes);
    })();
    modules.set(build, m);
  }
  return m;
}

type Exports = Record<string, (...args: number[]) => number | void>;

export async function createWasmBackend(opts: WasmOptions = {}): Promise<Backend> {
  const features = await detectFeatures();
  const wantThreads = Math.min(MAX_THREADS, Math.max(1, Math.floor(opts.threads ?? 1)));
  const build = opts.build ?? bestBuild(features, wantThreads > 1 && features.threads);
  const module = opts.module ?? (await loadModule(build));
  const shared = build.endsWith('-mt');
  const threads = shared ? wantThreads : 1;
  const memory = new WebAssembly.Memory(shared ? { initial: RESERVED_PAGES, maximum: MAX_PAGES, shared: true } : { initial: RESERVED_PAGES });
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const ex = instance.exports as unknown as Exports;

  const grow = grower(memory, MAX_PAGES);
  const persistent = new Region(grow);
  const scratch = new Region(grow);
  let generation = 0;

  let f32 = new Float32Array(memory.buffer);
  const view = (): Float32Array => {
    if (f32.buffer !== memory.buffer) f32 = new Float32Array(memory.buffer);
    return f32;
  };

  const fn = (id: KernelId): ((...args: number[]) => number | void) => {
    const f = ex[`${id}_f32`];
    if (typeof f === 'function') return f;
    return () => {
      throw new NotImplementedError(`backend 'wasm' (${build}) has no kernel '${id}'`);
    };
  };
  // An op's code is its position in UNARY_OPS / BINARY_OPS (assembly/codes.ts; test/op_codes.test.ts).
  const unaryCode = (op: UnaryOp) => UNARY_OPS.indexOf(op);
  const binaryCode = (op: BinaryOp) => BINARY_OPS.indexOf(op);

  // matmul packs its operands into a persistent workspace per thread, regrown when a larger product comes.
  const ws = Array.from({ length: threads }, () => ({ ptr: 0, bytes: 0 }));
  const matmulWs = (m: number, kk: number, n: number, t = 0): number => {
    const need = ex.matmul_ws_bytes_f32(m, kk, n) as number, w = ws[t];
    if (need > w.bytes) {
      if (w.bytes) persistent.free(w.ptr, w.bytes);
      w.ptr = persistent.alloc(need);
      w.bytes = need;
    }
    return w.ptr;
  };
  const pool = threads > 1 ? await createPool(module, memory, threads, CTRL, opts.backoff ?? true) : null;
  const jobs = new Map(KERNEL_IDS.map((id) => [id, pool?.exportIndex(`${id}_f32`) ?? -1]));
  /**
   * Runs kernel `id` on one thread, or, with `units` ≥ `min`, on all of them: chunk [u0, u1) of the
   * units (one per thread, cut at multiples of `grain`) moves argument i by stride[i]·u0 bytes and
   * sets argument `count` to u1 − u0. Chunks are whole rows or elements, so no sum is ever split.
   * `stride` is a function so that the calls that run on one thread (most, at training sizes) build nothing.
   */
  const split = (id: KernelId, args: number[], units: number, min: number, grain: number, stride: () => number[], count: number): void => {
    if (!pool || units < min || units < 2 * grain || pool.backingOff()) {
      k[id](...args);
      return;
    }
    const st = stride();
    const chunks = pieces(units, grain, threads).map(([u0, u1]) => args.map((a, i) => (i === count ? u1 - u0 : a + (st[i] ?? 0) * u0)));
    pool.run(jobs.get(id)!, chunks, -1, [], (a) => k[id](...a));
  };
  // Elementwise kernels: arguments [first, first + pointers) are pointers (4 bytes per element), the count follows them.
  const elementwise = (id: KernelId, args: number[], min: number, first: number, pointers: number) =>
    split(id, args, args[first + pointers], min, 16, () => [...Array(first).fill(0), ...Array(pointers).fill(4)], first + pointers);
  // Row kernels (x[rows, k] → y[rows, k] or y[rows]): `widths` gives each pointer's floats per row; rows, k, then `tail` follow them.
  const rowwise = (id: KernelId, args: number[], rows: number, kk: number, widths: number[], tail: number[] = []) =>
    split(id, [...args, rows, kk, ...tail], rows, COSTLY_MIN / Math.max(kk, 1), 4, () => widths.map((w) => w * 4), args.length);
  // Random kernels: a chunk [u0, u1) is the stream's elements from `start` = u0 (a multiple of 16).
  const random = (id: KernelId, ptrs: number[], n: number, k0: number, k1: number) =>
    split(id, [...ptrs, n, k0 | 0, k1 | 0, 0], n, COSTLY_MIN, 16, () => [...ptrs.map(() => 4), 0, 0, 0, 1], ptrs.length);
  const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
  // Fused noise + softmax/sigmoid: by whole rows, each chunk's first element at a multiple of 16 of
  // the stream (grain 16/gcd(k, 16) rows), so every chunk draws the noise one call would.
  const noisy = (id: KernelId, l: number, y: number, rows: number, kk: number, rest: number[]) =>
    split(id, [l, y, rows, ...rest, 0], rows, COSTLY_MIN / Math.max(kk, 1), 16 / gcd(kk, 16), () => [4 * kk, 4 * kk, 0, ...rest.map(() => 0), kk], 2);
  // binary: by elements where b is whole or a scalar (the kernel runs those flat), else by rows.
  const binary = (op: number, a: number, b: number, y: number, r: number, c: number, bc: number) => {
    if (bc === Bcast.None || bc === Bcast.Scalar) split('binary', [op, a, b, y, r * c, 1, bc], r * c, CHEAP_MIN, 16, () => [0, 4, bc === Bcast.None ? 4 : 0, 4], 4);
    else split('binary', [op, a, b, y, r, c, bc], r, CHEAP_MIN / Math.max(c, 1), 1, () => [0, 4 * c, bc === Bcast.Col ? 4 : 0, 4 * c], 4);
  };

  // sigmoid_xent_rows(_grad): row i reads target row ⌊i/s⌋, so pieces start at multiples of s.
  // `rowPtrs` are the row-indexed pointers after l and t, with their floats per row (1 for y and dy, c for dl).
  const sigmoidXentRows = (id: 'sigmoid_xent_rows' | 'sigmoid_xent_rows_grad', l: number, t: number, rowPtrs: [number, number][], r: number, c: number, s: number) => {
    const args = [l, t, ...rowPtrs.map(([ptr]) => ptr), r, c, s];
    if (!pool || r * c < COSTLY_MIN || r < 2 * s || pool.backingOff()) {
      k[id](...args);
      return;
    }
    const chunks = pieces(r, s, threads).map(([u0, u1]) => [l + 4 * u0 * c, t + 4 * (u0 / s) * c, ...rowPtrs.map(([ptr, w]) => ptr + 4 * u0 * w), u1 - u0, c, s]);
    pool.run(jobs.get(id)!, chunks, -1, [], (a) => k[id](...a));
  };

  // reduce_sum: column sums (axis 0) by column ranges, each thread reading every row of its columns
  // (the kernel's last argument is x's row stride); row sums by rows. Each output is one thread's sum
  // in the same order as on one thread.
  const reduceSum = (x: number, y: number, r: number, c: number, axis: number) => {
    if (axis === 0) split('reduce_sum', [x, y, r, c, 0, c], c, CHEAP_MIN / Math.max(r, 1), 16, () => [4, 4], 3);
    else split('reduce_sum', [x, y, r, c, 1, c], r, CHEAP_MIN / Math.max(c, 1), 1, () => [4 * c, 4], 2);
  };
  // im2col / col2im by whole images (image b owns its x[b] and its ho·wo rows of cols).
  const images = (id: 'im2col' | 'col2im', src: number, dst: number, n: number, ...g: number[]) => {
    const [h, w, c, kh, kw, , , ho, wo] = g, img = 4 * h * w * c, rows = 4 * ho * wo * kh * kw * c;
    split(id, [src, dst, n, ...g], n, CHEAP_MIN / (rows / 4), 1, () => (id === 'im2col' ? [img, rows] : [rows, img]), 2);
  };

  // A matmul is split when it is worth a round trip: by output columns (16-column boundaries), or
  // with n < m by rows of C (whole rows, each piece ≥ 16 rows so it takes the same kernel path as
  // the full product; each thread then packs only its rows of A). Aᵀ·B goes by rows only when its
  // Aᵀ is large (≥ 4 MiB: most of the M2's weight gradients, e.g. 800×24500×64, 8192×500×784; each
  // thread packs its columns of the stored Aᵀ, read with the whole product's lda): the M2's 2-thread
  // step −2 to −3 %, but at k = 100 (the VAEs' weight gradients) 2-thread steps were 10–12 % slower.
  const matmul = (a: number, b: number, c: number, m: number, kk: number, n: number, ta: number, tb: number, acc: number, bias: number) => {
    const lda = ta ? m : kk, byRows = n < m && m >= 32 * threads && (!ta || m * kk >= 1 << 20);
    if (!pool || 2 * m * kk * n < PARALLEL_FLOPS || (!byRows && n < 32) || pool.backingOff()) {
      k.matmul(a, b, c, m, kk, n, ta, tb, acc, bias, matmulWs(m, kk, n), 0, n, lda);
      return;
    }
    const wsList = ws.map((_, t) => matmulWs(m, kk, n, t));
    const chunks = pieces(byRows ? m : n, 16, threads).map(([u0, u1]) =>
      byRows
        ? [a + 4 * u0 * (ta ? 1 : kk), b, c + u0 * n * 4, u1 - u0, kk, n, ta, tb, acc, bias, 0, 0, n, lda]
        : [a, b, c, m, kk, n, ta, tb, acc, bias, 0, u0, u1, lda],
    );
    pool.run(jobs.get('matmul')!, chunks, 10, wsList, (args) => k.matmul(...args));
  };

  // One line per kernel: unwrap buffers to byte offsets, booleans and enums to integers.
  const k = Object.fromEntries(
    KERNEL_IDS.map((id) => [id, fn(id)]),
  ) as Record<KernelId, (...args: number[]) => number | void>;
  const kernels: Kernels = {
    fill: (y, n, v) => void k.fill(p(y), n, v),
    scale: (x, y, n, a, b) => elementwise('scale', [p(x), p(y), n, a, b], CHEAP_MIN, 0, 2),
    unary: (op, x, y, n) => elementwise('unary', [unaryCode(op), p(x), p(y), n], CHEAP_UNARY.has(op) ? CHEAP_MIN : COSTLY_MIN, 1, 2),
    unary_grad: (op, x, y, dy, dx, n) => elementwise('unary_grad', [unaryCode(op), p(x), p(y), p(dy), p(dx), n], CHEAP_MIN, 1, 4),
    binary: (op, a, b, y, r, c, bc) => binary(binaryCode(op), p(a), p(b), p(y), r, c, bc),
    reduce_sum: (x, y, r, c, axis) => reduceSum(p(x), p(y), r, c, axis),
    matmul: (a, b, c, m, kk, n, ta, tb, acc, bias) => matmul(p(a), p(b), p(c), m, kk, n, +ta, +tb, +acc, bias ? p(bias) : 0),
    // By rows of A and C: a row costs about its non-zeros × n, taken as kk × n / 10 (one-hot rows).
    sparse_matmul: (a, b, c, m, kk, n, bias) => split('sparse_matmul', [p(a), p(b), p(c), m, kk, n, bias ? p(bias) : 0], m, (10 * PARALLEL_FLOPS) / Math.max(2 * kk * n, 1), 4, () => [4 * kk, 0, 4 * n], 3),
    im2col: (x, cols, n, h, w, c, kh, kw, s, pad, ho, wo) => images('im2col', p(x), p(cols), n, h, w, c, kh, kw, s, pad, ho, wo),
    col2im: (cols, x, n, h, w, c, kh, kw, s, pad, ho, wo) => images('col2im', p(cols), p(x), n, h, w, c, kh, kw, s, pad, ho, wo),
    softmax: (x, y, r, kk) => rowwise('softmax', [p(x), p(y)], r, kk, [kk, kk]),
    softmax_grad: (y, dy, dx, r, kk) => rowwise('softmax_grad', [p(y), p(dy), p(dx)], r, kk, [kk, kk, kk]),
    log_softmax: (x, y, r, kk) => rowwise('log_softmax', [p(x), p(y)], r, kk, [kk, kk]),
    log_softmax_grad: (y, dy, dx, r, kk) => rowwise('log_softmax_grad', [p(y), p(dy), p(dx)], r, kk, [kk, kk, kk]),
    logsumexp: (x, y, r, kk) => rowwise('logsumexp', [p(x), p(y)], r, kk, [kk, 1]),
    sigmoid_xent: (l, t, y, n) => elementwise('sigmoid_xent', [p(l), p(t), p(y), n], COSTLY_MIN, 0, 3),
    sigmoid_xent_grad: (l, t, dy, dl, n) => elementwise('sigmoid_xent_grad', [p(l), p(t), p(dy), p(dl), n], COSTLY_MIN, 0, 4),
    sigmoid_xent_rows: (l, t, y, r, c, s) => sigmoidXentRows('sigmoid_xent_rows', p(l), p(t), [[p(y), 1]], r, c, s),
    sigmoid_xent_rows_grad: (l, t, dy, dl, r, c, s) => sigmoidXentRows('sigmoid_xent_rows_grad', p(l), p(t), [[p(dy), 1], [p(dl), c]], r, c, s),
    kl_categorical: (q, pp, y, r, kk) => rowwise('kl_categorical', [p(q), p(pp), p(y)], r, kk, [kk, kk, 1]),
    kl_categorical_grad: (q, pp, dy, dq, dp, r, kk) => rowwise('kl_categorical_grad', [p(q), p(pp), p(dy), p(dq), p(dp)], r, kk, [kk, kk, 1, kk, kk]),
    kl_bernoulli: (a, b, y, n) => elementwise('kl_bernoulli', [p(a), p(b), p(y), n], COSTLY_MIN, 0, 3),
    kl_bernoulli_grad: (a, b, dy, da, db, n) => elementwise('kl_bernoulli_grad', [p(a), p(b), p(dy), p(da), p(db), n], COSTLY_MIN, 0, 5),
    random_uniform: (y, n, k0, k1) => random('random_uniform', [p(y)], n, k0, k1),
    random_gumbel: (y, n, k0, k1) => random('random_gumbel', [p(y)], n, k0, k1),
    random_logistic: (y, n, k0, k1) => random('random_logistic', [p(y)], n, k0, k1),
    bernoulli_sample: (l, y, n, k0, k1) => random('bernoulli_sample', [p(l), p(y)], n, k0, k1),
    gumbel_softmax: (l, y, r, kk, a, k0, k1) => noisy('gumbel_softmax', p(l), p(y), r, kk, [kk, a, k0 | 0, k1 | 0]),
    gumbel_softmax_grad: (y, dy, dl, r, kk, a) => rowwise('gumbel_softmax_grad', [p(y), p(dy), p(dl)], r, kk, [kk, kk, kk], [a]),
    gumbel_sigmoid: (l, y, n, a, k0, k1) => noisy('gumbel_sigmoid', p(l), p(y), n, 1, [a, k0 | 0, k1 | 0]),
    gumbel_sigmoid_grad: (y, dy, dl, n, a) => elementwise('gumbel_sigmoid_grad', [p(y), p(dy), p(dl), n, a], CHEAP_MIN, 0, 3),
    argmax_onehot: (x, y, r, kk) => rowwise('argmax_onehot', [p(x), p(y)], r, kk, [kk, kk]),
    sgd_momentum: (pp, g, v, n, lr, mu) => elementwise('sgd_momentum', [p(pp), p(g), p(v), n, lr, mu], CHEAP_MIN, 0, 3),
    adam: (pp, g, m, v, n, lr, b1, b2, eps, t) => elementwise('adam', [p(pp), p(g), p(m), p(v), n, lr, b1, b2, eps, t], COSTLY_MIN, 0, 4),
  };

  return {
    ...kernels,
    name: 'wasm',
    variant: threads > 1 ? `${build}×${threads}` : build,
    floatPrecision: 1e-5,
    get generation() {
      return generation;
    },
    alloc(size, keep) {
      return new WasmBuf((keep ? persistent : scratch).alloc(size * 4), size, keep);
    },
    free(buf) {
      const b = buf as WasmBuf;
      if (b.persistent) persistent.free(b.ptr, b.size * 4);
    },
    write(buf, data, offset = 0) {
      view().set(data, index(buf) + offset);
    },
    read(buf, offset = 0, length = buf.size - offset) {
      const start = index(buf) + offset;
      return view().slice(start, start + length);
    },
    resetScratch() {
      scratch.reset();
      generation++;
    },
    dispose() {
      pool?.dispose();
    },
  };
}

// The `wasm` backend: the AssemblyScript core (assembly/) compiled to SIMD WebAssembly.
// It owns one WebAssembly.Memory; each binding passes byte offsets and counts to one export,
// `<kernel id>_f32`, and nothing else.
import type { Backend } from '../../backend.js';
import { NotImplementedError } from '../../errors.js';
import { BINARY_OPS, type BinaryOp, type Buf, KERNEL_IDS, type KernelId, type Kernels, UNARY_OPS, type UnaryOp } from '../../kernels.js';
import { Region, grower } from './arena.js';
import { type BuildName, bestBuild, detectFeatures } from './features.js';
import { MAX_THREADS, createPool } from './pool.js';

class WasmBuf implements Buf {
  constructor(readonly ptr: number, readonly size: number, readonly persistent: boolean) {}
}

const p = (b: Buf): number => (b as WasmBuf).ptr;
/** The Float32Array index of a buffer: byte offsets go up to 4 GiB, so divide, never `>> 2`. */
const index = (b: Buf): number => p(b) / 4;

/** First bytes of memory are never handed out: pointer 0 means "none" (e.g. no bias). */
const RESERVED_PAGES = 1;
/** The thread pool's control block lives in the reserved page. */
const CTRL = 256;
const PARALLEL_FLOPS = 4e6;
/** 4 GiB of 64 KiB pages: the wasm32 address space (shared memories declare it as their maximum). */
const MAX_PAGES = 65536;

export interface WasmOptions {
  /** Which build to run; default: the fastest this runtime validates (a `-mt` build when threads > 1). */
  build?: BuildName;
  /** Threads for large matmuls (the caller plus threads − 1 workers); 1 where threads are impossible. */
  threads?: number;
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
  const pool = threads > 1 ? await createPool(module, memory, threads, CTRL) : null;
  // Split a matmul across threads only when it is worth a round trip (≈ 50+ µs of work on one core).
  const matmul = (a: number, b: number, c: number, m: number, kk: number, n: number, ta: number, tb: number, acc: number, bias: number) => {
    if (!pool || 2 * m * kk * n < PARALLEL_FLOPS || n < 32) {
      k.matmul(a, b, c, m, kk, n, ta, tb, acc, bias, matmulWs(m, kk, n), 0, n);
      return;
    }
    const wsList = ws.map((_, t) => matmulWs(m, kk, n, t));
    pool.matmul([a, b, c, m, kk, n, ta, tb, acc, bias], wsList, (n0, n1) => k.matmul(a, b, c, m, kk, n, ta, tb, acc, bias, wsList[0], n0, n1));
  };

  // One line per kernel: unwrap buffers to byte offsets, booleans and enums to integers.
  const k = Object.fromEntries(
    KERNEL_IDS.map((id) => [id, fn(id)]),
  ) as Record<KernelId, (...args: number[]) => number | void>;
  const kernels: Kernels = {
    fill: (y, n, v) => void k.fill(p(y), n, v),
    scale: (x, y, n, a, b) => void k.scale(p(x), p(y), n, a, b),
    unary: (op, x, y, n) => void k.unary(unaryCode(op), p(x), p(y), n),
    unary_grad: (op, x, y, dy, dx, n) => void k.unary_grad(unaryCode(op), p(x), p(y), p(dy), p(dx), n),
    binary: (op, a, b, y, r, c, bc) => void k.binary(binaryCode(op), p(a), p(b), p(y), r, c, bc),
    reduce_sum: (x, y, r, c, axis) => void k.reduce_sum(p(x), p(y), r, c, axis),
    matmul: (a, b, c, m, kk, n, ta, tb, acc, bias) => matmul(p(a), p(b), p(c), m, kk, n, +ta, +tb, +acc, bias ? p(bias) : 0),
    sparse_matmul: (a, b, c, m, kk, n, bias) => void k.sparse_matmul(p(a), p(b), p(c), m, kk, n, bias ? p(bias) : 0),
    im2col: (x, cols, n, h, w, c, kh, kw, s, pad, ho, wo) => void k.im2col(p(x), p(cols), n, h, w, c, kh, kw, s, pad, ho, wo),
    col2im: (cols, x, n, h, w, c, kh, kw, s, pad, ho, wo) => void k.col2im(p(cols), p(x), n, h, w, c, kh, kw, s, pad, ho, wo),
    softmax: (x, y, r, kk) => void k.softmax(p(x), p(y), r, kk),
    softmax_grad: (y, dy, dx, r, kk) => void k.softmax_grad(p(y), p(dy), p(dx), r, kk),
    log_softmax: (x, y, r, kk) => void k.log_softmax(p(x), p(y), r, kk),
    log_softmax_grad: (y, dy, dx, r, kk) => void k.log_softmax_grad(p(y), p(dy), p(dx), r, kk),
    logsumexp: (x, y, r, kk) => void k.logsumexp(p(x), p(y), r, kk),
    sigmoid_xent: (l, t, y, n) => void k.sigmoid_xent(p(l), p(t), p(y), n),
    sigmoid_xent_grad: (l, t, dy, dl, n) => void k.sigmoid_xent_grad(p(l), p(t), p(dy), p(dl), n),
    sigmoid_xent_rows: (l, t, y, r, c, s) => void k.sigmoid_xent_rows(p(l), p(t), p(y), r, c, s),
    kl_categorical: (q, pp, y, r, kk) => void k.kl_categorical(p(q), p(pp), p(y), r, kk),
    kl_categorical_grad: (q, pp, dy, dq, dp, r, kk) => void k.kl_categorical_grad(p(q), p(pp), p(dy), p(dq), p(dp), r, kk),
    kl_bernoulli: (a, b, y, n) => void k.kl_bernoulli(p(a), p(b), p(y), n),
    kl_bernoulli_grad: (a, b, dy, da, db, n) => void k.kl_bernoulli_grad(p(a), p(b), p(dy), p(da), p(db), n),
    random_uniform: (y, n, k0, k1) => void k.random_uniform(p(y), n, k0 | 0, k1 | 0),
    random_gumbel: (y, n, k0, k1) => void k.random_gumbel(p(y), n, k0 | 0, k1 | 0),
    random_logistic: (y, n, k0, k1) => void k.random_logistic(p(y), n, k0 | 0, k1 | 0),
    bernoulli_sample: (l, y, n, k0, k1) => void k.bernoulli_sample(p(l), p(y), n, k0 | 0, k1 | 0),
    argmax_onehot: (x, y, r, kk) => void k.argmax_onehot(p(x), p(y), r, kk),
    sgd_momentum: (pp, g, v, n, lr, mu) => void k.sgd_momentum(p(pp), p(g), p(v), n, lr, mu),
    adam: (pp, g, m, v, n, lr, b1, b2, eps, t) => void k.adam(p(pp), p(g), p(m), p(v), n, lr, b1, b2, eps, t),
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

// The tfjs backend against ref: every catalogue kernel on tfjs-backend-wasm and tfjs-backend-cpu,
// at sizes 0, below, at and above 4, with NaN inputs, in-place aliasing and a guard tail after every
// buffer (a kernel writes its n elements and nothing else); random kernels bit-identical to ref;
// no tensor leak across steps; the optional backends' install messages.
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { createTfjsBackend } from '../../src/backends/tfjs/index.js';
import { TFJS_KERNELS } from '../../src/backends/tfjs/kernels.js';
import { ArgumentError, NotImplementedError } from '../../src/errors.js';
import { BINARY_OPS, Bcast, type Buf, KERNEL_IDS, type KernelId, UNARY_OPS } from '../../src/kernels.js';
import { type Tol, expectClose, fillRandom } from '../harness/check_kernel.js';

const installed = (pkg: string): boolean => {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
};

/** Guard values after every buffer: must survive every kernel. */
const GUARD = [7.25, -7.25];

/** One kernel call: named buffers (their initial contents), which of them it writes, how to call it. */
interface Case {
  id: KernelId;
  label: string;
  bufs: Record<string, ArrayLike<number>>;
  outs: string[];
  call: (be: Backend, b: Record<string, Buf>) => void;
  tol?: Tol;
}

const SIZES = [0, 1, 3, 4, 5, 9];
const GROUPS: [number, number][] = [[0, 3], [1, 1], [1, 4], [3, 3], [2, 5], [4, 4]];

let seed = 1;
/** Random data with a NaN in the middle when `nan` (and n > 0). */
function data(n: number, { lo = -3, hi = 3, nan = false } = {}): Float32Array {
  const a = fillRandom(n, seed++, lo, hi);
  if (nan && n > 0) a[n >> 1] = NaN;
  return a;
}

/** Runs ref's kernel to build dependent inputs (y = f(x) for the gradients). */
const ref = createRefBackend();
function refOut(run: (y: Buf) => void, size: number): Float32Array {
  const y = ref.alloc(size, false);
  run(y);
  return ref.read(y) as Float32Array;
}
const up = (a: ArrayLike<number>): Buf => {
  const b = ref.alloc(a.length, false);
  ref.write(b, a);
  return b;
};

function cases(): Case[] {
  const cs: Case[] = [];
  const add = (c: Case) => cs.push(c);
  for (const n of SIZES) {
    for (const value of [2.5, NaN]) add({ id: 'fill', label: `n=${n} v=${value}`, bufs: { y: data(n) }, outs: ['y'], call: (be, b) => be.fill(b.y, n, value) });
    add({ id: 'scale', label: `n=${n}`, bufs: { x: data(n, { nan: true }), y: data(n) }, outs: ['y'], call: (be, b) => be.scale(b.x, b.y, n, -1.5, 0.25) });
    add({ id: 'scale', label: `n=${n} in place`, bufs: { x: data(n) }, outs: ['x'], call: (be, b) => be.scale(b.x, b.x, n, 3, -1) });
    for (const op of UNARY_OPS) {
      const x = data(n, { nan: true });
      add({ id: 'unary', label: `${op} n=${n}`, bufs: { x, y: data(n) }, outs: ['y'], call: (be, b) => be.unary(op, b.x, b.y, n) });
      const y = refOut((yb) => ref.unary(op, up(x), yb, n), n);
      add({
        id: 'unary_grad', label: `${op} n=${n}`, bufs: { x, y, dy: data(n), dx: data(n) }, outs: ['dx'],
        call: (be, b) => be.unary_grad(op, b.x, b.y, b.dy, b.dx, n),
      });
    }
    add({ id: 'unary', label: `exp n=${n} in place`, bufs: { x: data(n) }, outs: ['x'], call: (be, b) => be.unary('exp', b.x, b.x, n) });
    add({ id: 'sigmoid_xent', label: `n=${n}`, bufs: { l: data(n, { nan: true }), t: data(n, { lo: 0, hi: 1 }), y: data(n) }, outs: ['y'], call: (be, b) => be.sigmoid_xent(b.l, b.t, b.y, n) });
    add({
      id: 'sigmoid_xent_grad', label: `n=${n}`, bufs: { l: data(n, { nan: true }), t: data(n, { lo: 0, hi: 1 }), dy: data(n), dl: data(n) }, outs: ['dl'],
      call: (be, b) => be.sigmoid_xent_grad(b.l, b.t, b.dy, b.dl, n),
    });
    add({ id: 'gumbel_sigmoid', label: `n=${n}`, bufs: { l: data(n, { nan: true }), y: data(n) }, outs: ['y'], call: (be, b) => be.gumbel_sigmoid(b.l, b.y, n, 2, 3, 4) });
    add({
      id: 'gumbel_sigmoid_grad', label: `n=${n}`, bufs: { y: data(n, { lo: 0, hi: 1 }), dy: data(n), dl: data(n) }, outs: ['dl'],
      call: (be, b) => be.gumbel_sigmoid_grad(b.y, b.dy, b.dl, n, 2),
    });
    add({ id: 'kl_bernoulli', label: `n=${n}`, bufs: { a: data(n, { nan: true }), b: data(n), y: data(n) }, outs: ['y'], call: (be, b) => be.kl_bernoulli(b.a, b.b, b.y, n) });
    add({
      id: 'kl_bernoulli_grad', label: `n=${n}`, bufs: { a: data(n, { nan: true }), b: data(n), dy: data(n), da: data(n), db: data(n) }, outs: ['da', 'db'],
      call: (be, b) => be.kl_bernoulli_grad(b.a, b.b, b.dy, b.da, b.db, n),
    });
    for (const [k0, k1] of [[0, 0], [0xdeadbeef, 12345]]) {
      const exact = { atol: 0, rtol: 0 };
      add({ id: 'random_uniform', label: `n=${n} key=${k0},${k1}`, bufs: { y: data(n) }, outs: ['y'], call: (be, b) => be.random_uniform(b.y, n, k0, k1), tol: exact });
      add({ id: 'random_gumbel', label: `n=${n} key=${k0},${k1}`, bufs: { y: data(n) }, outs: ['y'], call: (be, b) => be.random_gumbel(b.y, n, k0, k1), tol: exact });
      add({ id: 'random_logistic', label: `n=${n} key=${k0},${k1}`, bufs: { y: data(n) }, outs: ['y'], call: (be, b) => be.random_logistic(b.y, n, k0, k1), tol: exact });
      add({
        id: 'bernoulli_sample', label: `n=${n} key=${k0},${k1}`, bufs: { l: data(n, { nan: true }), y: data(n) }, outs: ['y'],
        call: (be, b) => be.bernoulli_sample(b.l, b.y, n, k0, k1), tol: exact,
      });
    }
    add({
      id: 'sgd_momentum', label: `n=${n}`, bufs: { p: data(n, { nan: true }), g: data(n), v: data(n) }, outs: ['p', 'v'],
      call: (be, b) => be.sgd_momentum(b.p, b.g, b.v, n, 0.1, 0.9),
    });
    for (const t of [1, 7]) {
      add({
        id: 'adam', label: `n=${n} t=${t}`, bufs: { p: data(n), g: data(n, { nan: true }), m: data(n), v: data(n, { lo: 0, hi: 2 }) }, outs: ['p', 'm', 'v'],
        call: (be, b) => be.adam(b.p, b.g, b.m, b.v, n, 1e-3, 0.9, 0.999, 1e-8, t),
      });
    }
  }
  for (const [rows, cols] of [[0, 3], [3, 0], [1, 1], [1, 4], [3, 5], [4, 4], [5, 9]]) {
    for (const op of BINARY_OPS) {
      for (const bc of [Bcast.None, Bcast.Row, Bcast.Col, Bcast.Scalar]) {
        const nb = bc === Bcast.None ? rows * cols : bc === Bcast.Row ? cols : bc === Bcast.Col ? rows : 1;
        add({
          id: 'binary', label: `${op} ${rows}x${cols} bcast=${bc}`, bufs: { a: data(rows * cols, { nan: true }), b: data(nb, { nan: nb > 2 }), y: data(rows * cols) }, outs: ['y'],
          call: (be, b) => be.binary(op, b.a, b.b, b.y, rows, cols, bc),
        });
      }
    }
    add({
      id: 'binary', label: `max ${rows}x${cols} in place`, bufs: { a: data(rows * cols), b: data(rows * cols) }, outs: ['a'],
      call: (be, b) => be.binary('max', b.a, b.b, b.a, rows, cols, Bcast.None),
    });
    for (const axis of [0, 1] as const) {
      add({
        id: 'reduce_sum', label: `${rows}x${cols} axis ${axis}`, bufs: { x: data(rows * cols, { nan: rows * cols > 4 }), y: data(axis === 0 ? cols : rows) }, outs: ['y'],
        call: (be, b) => be.reduce_sum(b.x, b.y, rows, cols, axis),
      });
    }
  }
  // +∞ and −∞ against each other and NaN, both orders
  const sp = [Infinity, -Infinity, NaN, 0, Infinity, -Infinity, 1, NaN];
  const sq = [-Infinity, Infinity, 1, NaN, Infinity, -Infinity, NaN, NaN];
  for (const op of BINARY_OPS) {
    add({ id: 'binary', label: `${op} infinities`, bufs: { a: sp, b: sq, y: data(8) }, outs: ['y'], call: (be, b) => be.binary(op, b.a, b.b, b.y, 2, 4, Bcast.None) });
  }
  const special = [NaN, Infinity, -Infinity, 0, -0, 1e-30, 50, -50, 100, -100];
  for (const op of UNARY_OPS) {
    add({ id: 'unary', label: `${op} special values`, bufs: { x: special, y: data(special.length) }, outs: ['y'], call: (be, b) => be.unary(op, b.x, b.y, special.length) });
  }
  for (const op of ['abs', 'relu'] as const) {
    add({
      id: 'unary_grad', label: `${op} special values`, bufs: { x: special, y: data(10), dy: [1, 2, 3, Infinity, NaN, 4, 5, 6, 7, 8], dx: data(10) }, outs: ['dx'],
      call: (be, b) => be.unary_grad(op, b.x, b.y, b.dy, b.dx, 10),
    });
  }
  for (const [m, k, n] of [[1, 1, 1], [3, 4, 5], [5, 3, 4], [4, 4, 4], [2, 0, 3], [0, 3, 2], [9, 5, 3]]) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        for (const [acc, bias] of [[false, false], [true, false], [false, true], [true, true]]) {
          const bufs: Record<string, ArrayLike<number>> = { a: data(m * k, { nan: m * k > 6 }), b: data(k * n), c: data(m * n) };
          if (bias) bufs.bias = data(n);
          add({
            id: 'matmul', label: `${m}x${k}x${n} ta=${ta} tb=${tb} acc=${acc} bias=${bias}`, bufs, outs: ['c'],
            call: (be, b) => be.matmul(b.a, b.b, b.c, m, k, n, ta, tb, acc, bias ? b.bias : null),
            tol: { atol: 1e-5, rtol: 1e-5 },
          });
        }
      }
    }
  }
  // sparse_matmul: A with zeros (and a NaN), with and without bias; sigmoid_xent_rows: cols around 4, s ∈ {1, 2}
  for (const [m, k, n] of [[1, 1, 1], [3, 4, 5], [4, 6, 9], [2, 0, 3], [0, 3, 2]]) {
    for (const bias of [false, true]) {
      const a = data(m * k, { nan: m * k > 6 }).map((v, i) => (i % 3 ? 0 : v));
      const bufs: Record<string, ArrayLike<number>> = { a, b: data(k * n), c: data(m * n) };
      if (bias) bufs.bias = data(n);
      add({
        id: 'sparse_matmul', label: `${m}x${k}x${n} bias=${bias}`, bufs, outs: ['c'],
        call: (be, b) => be.sparse_matmul(b.a, b.b, b.c, m, k, n, bias ? b.bias : null), tol: { atol: 1e-5, rtol: 1e-5 },
      });
    }
  }
  for (const cols of [0, 1, 3, 4, 5, 9]) {
    for (const s of [1, 2]) {
      add({
        id: 'sigmoid_xent_rows', label: `4x${cols} s=${s}`, bufs: { l: data(4 * cols, { nan: cols > 4 }), t: data((4 / s) * cols, { lo: 0, hi: 1 }), y: data(4) }, outs: ['y'],
        call: (be, b) => be.sigmoid_xent_rows(b.l, b.t, b.y, 4, cols, s), tol: { atol: 1e-5, rtol: 1e-5 },
      });
      add({
        id: 'sigmoid_xent_rows_grad', label: `4x${cols} s=${s}`, bufs: { l: data(4 * cols, { nan: cols > 4 }), t: data((4 / s) * cols, { lo: 0, hi: 1 }), dy: data(4), dl: data(4 * cols) }, outs: ['dl'],
        call: (be, b) => be.sigmoid_xent_rows_grad(b.l, b.t, b.dy, b.dl, 4, cols, s),
      });
    }
  }
  // im2col / col2im: channels below/at/above 4, stride 1 and 2, pad 0–2, n = 0, a NaN (exact copies for im2col)
  for (const [n, h, w, c, kh, kw, stride, pad] of [[1, 4, 5, 3, 3, 3, 1, 1], [2, 5, 4, 4, 2, 3, 2, 0], [1, 5, 5, 5, 3, 3, 2, 2], [0, 3, 3, 2, 2, 2, 1, 0], [1, 3, 3, 1, 1, 1, 2, 2]]) {
    const ho = Math.floor((h + 2 * pad - kh) / stride) + 1, wo = Math.floor((w + 2 * pad - kw) / stride) + 1;
    const nx = n * h * w * c, nc = n * ho * wo * kh * kw * c, label = `n=${n} ${h}x${w}x${c} k=${kh}x${kw} s=${stride} p=${pad}`;
    add({
      id: 'im2col', label, bufs: { x: data(nx, { nan: nx > 4 }), cols: data(nc) }, outs: ['cols'], tol: { atol: 0, rtol: 0 },
      call: (be, b) => be.im2col(b.x, b.cols, n, h, w, c, kh, kw, stride, pad, ho, wo),
    });
    add({
      id: 'col2im', label, bufs: { cols: data(nc, { nan: nc > 4 }), x: data(nx) }, outs: ['x'],
      call: (be, b) => be.col2im(b.cols, b.x, n, h, w, c, kh, kw, stride, pad, ho, wo),
    });
  }
  for (const [rows, k] of GROUPS) {
    const n = rows * k, nan = rows > 2;
    const x = data(n, { nan });
    add({ id: 'softmax', label: `${rows}x${k}`, bufs: { x, y: data(n) }, outs: ['y'], call: (be, b) => be.softmax(b.x, b.y, rows, k) });
    add({ id: 'log_softmax', label: `${rows}x${k}`, bufs: { x, y: data(n) }, outs: ['y'], call: (be, b) => be.log_softmax(b.x, b.y, rows, k) });
    add({ id: 'logsumexp', label: `${rows}x${k}`, bufs: { x, y: data(rows) }, outs: ['y'], call: (be, b) => be.logsumexp(b.x, b.y, rows, k) });
    add({ id: 'argmax_onehot', label: `${rows}x${k}`, bufs: { x, y: data(n) }, outs: ['y'], call: (be, b) => be.argmax_onehot(b.x, b.y, rows, k), tol: { atol: 0, rtol: 0 } });
    const ys = refOut((yb) => ref.softmax(up(x), yb, rows, k), n), yl = refOut((yb) => ref.log_softmax(up(x), yb, rows, k), n);
    add({ id: 'softmax_grad', label: `${rows}x${k}`, bufs: { y: ys, dy: data(n), dx: data(n) }, outs: ['dx'], call: (be, b) => be.softmax_grad(b.y, b.dy, b.dx, rows, k) });
    add({ id: 'log_softmax_grad', label: `${rows}x${k}`, bufs: { y: yl, dy: data(n), dx: data(n) }, outs: ['dx'], call: (be, b) => be.log_softmax_grad(b.y, b.dy, b.dx, rows, k) });
    add({ id: 'gumbel_softmax', label: `${rows}x${k}`, bufs: { x, y: data(n) }, outs: ['y'], call: (be, b) => be.gumbel_softmax(b.x, b.y, rows, k, 2, 5, 6) });
    add({ id: 'gumbel_softmax_grad', label: `${rows}x${k}`, bufs: { y: ys, dy: data(n), dx: data(n) }, outs: ['dx'], call: (be, b) => be.gumbel_softmax_grad(b.y, b.dy, b.dx, rows, k, 2) });
    add({ id: 'kl_categorical', label: `${rows}x${k}`, bufs: { lq: x, lp: data(n), y: data(rows) }, outs: ['y'], call: (be, b) => be.kl_categorical(b.lq, b.lp, b.y, rows, k) });
    add({
      id: 'kl_categorical_grad', label: `${rows}x${k}`, bufs: { lq: data(n), lp: data(n, { nan }), dy: data(rows), dlq: data(n), dlp: data(n) }, outs: ['dlq', 'dlp'],
      call: (be, b) => be.kl_categorical_grad(b.lq, b.lp, b.dy, b.dlq, b.dlp, rows, k),
    });
  }
  // ties (first maximum wins), ±∞ and an all −∞ group in the grouped kernels
  const g = [1, 3, 3, 0, 2, 2, 2, 2, -Infinity, -Infinity, -Infinity, -Infinity, Infinity, 1, Infinity, 0, 5, NaN, 5, 1];
  for (const id of ['softmax', 'log_softmax', 'argmax_onehot'] as const) {
    add({ id, label: '5x4 ties and infinities', bufs: { x: g, y: data(20) }, outs: ['y'], call: (be, b) => be[id](b.x, b.y, 5, 4) });
  }
  add({ id: 'logsumexp', label: '5x4 ties and infinities', bufs: { x: g, y: data(5) }, outs: ['y'], call: (be, b) => be.logsumexp(b.x, b.y, 5, 4) });
  return cs;
}

/** Runs one case on a backend: every buffer has a guard tail; returns the written buffers in full. */
function runCase(be: Backend, c: Case): Record<string, Float32Array> {
  const b: Record<string, Buf> = {};
  for (const [name, init] of Object.entries(c.bufs)) {
    b[name] = be.alloc(init.length + GUARD.length, false);
    be.write(b[name], [...Array.from(init), ...GUARD]);
  }
  c.call(be, b);
  const out: Record<string, Float32Array> = {};
  for (const name of c.outs) out[name] = Float32Array.from(be.read(b[name]));
  be.resetScratch();
  return out;
}

const ALL = cases();

describe('tfjs kernel table', () => {
  it('has one entry per catalogue kernel, and this file tests each', () => {
    expect(Object.keys(TFJS_KERNELS).sort()).toEqual([...KERNEL_IDS].sort());
    expect([...new Set(ALL.map((c) => c.id))].sort()).toEqual([...KERNEL_IDS].sort());
  });
});

for (const which of ['wasm', 'cpu'] as const) {
  describe(`tfjs-${which} against ref`, () => {
    let be: Backend;
    beforeAll(async () => {
      be = await createTfjsBackend({ tfjsBackend: which });
    });
    afterAll(() => be.dispose());

    it('reports its name and variant', () => {
      expect(be.name).toBe('tfjs');
      expect(be.variant).toBe(`tfjs-${which}`);
    });

    for (const id of KERNEL_IDS) {
      it(`${id}: every size, NaN, in place, guard tail`, () => {
        for (const c of ALL.filter((x) => x.id === id)) {
          const want = runCase(ref, c), got = runCase(be, c);
          for (const name of c.outs) {
            const n = want[name].length - GUARD.length;
            expectClose(`${id} ${c.label}: ${name}`, got[name].subarray(0, n), want[name].subarray(0, n), c.tol);
            expect([...got[name].subarray(n)], `${id} ${c.label}: ${name} guard tail`).toEqual(GUARD);
          }
        }
      });
    }

    it('random kernels: the same key gives ref’s bits at a large odd size', () => {
      const n = 4099, l = data(n);
      for (const id of ['random_uniform', 'random_gumbel', 'random_logistic'] as const) {
        const c: Case = { id, label: 'big', bufs: { y: new Float32Array(n) }, outs: ['y'], call: (b, x) => b[id](x.y, n, 0x1234, 0x9876) };
        expect(runCase(be, c).y).toEqual(runCase(ref, c).y);
      }
      const c: Case = { id: 'bernoulli_sample', label: 'big', bufs: { l, y: new Float32Array(n) }, outs: ['y'], call: (b, x) => b.bernoulli_sample(x.l, x.y, n, 7, 8) };
      expect(runCase(be, c).y).toEqual(runCase(ref, c).y);
    });

    it('no tensor leak: tf.memory().numTensors is flat over 100 steps', () => {
      const p = be.alloc(64, true), v = be.alloc(64, true), m = be.alloc(64, true);
      be.write(p, data(64));
      const step = (t: number) => {
        const x = be.alloc(64, false), h = be.alloc(64, false), g = be.alloc(16, false), s = be.alloc(8, false);
        be.random_gumbel(x, 64, t, 1);
        be.matmul(x, p, h, 8, 8, 8, false, false, false, null);
        be.unary('tanh', h, h, 64);
        be.softmax(h, h, 16, 4);
        be.reduce_sum(h, g, 4, 16, 0);
        be.kl_categorical(h, x, s, 8, 8);
        be.adam(p, h, m, v, 64, 1e-3, 0.9, 0.999, 1e-8, t);
        be.read(s);
        be.resetScratch();
      };
      step(1);
      const base = tf.memory().numTensors;
      for (let t = 2; t <= 100; t++) step(t);
      expect(tf.memory().numTensors).toBe(base);
      for (const b of [p, v, m]) be.free(b);
      expect(tf.memory().numTensors).toBe(base - 3);
    });

    it('a scratch buffer used after resetScratch throws; generation counts resets', () => {
      const g0 = be.generation;
      const x = be.alloc(4, false);
      be.fill(x, 4, 1);
      be.resetScratch();
      expect(be.generation).toBe(g0 + 1);
      expect(() => be.read(x)).toThrow(/earlier step/);
    });

    it('unwritten buffers read as zeros; partial writes keep the rest', () => {
      const x = be.alloc(6, true);
      expect([...be.read(x)]).toEqual([0, 0, 0, 0, 0, 0]);
      be.write(x, [1, 2], 3);
      be.write(x, [9], 0);
      expect([...be.read(x, 1, 4)]).toEqual([0, 0, 1, 2]);
      expect([...be.read(x)]).toEqual([9, 0, 0, 1, 2, 0]);
      be.free(x);
    });
  });
}

describe('tfjs backends side by side', () => {
  it('tfjs-wasm and tfjs-cpu interleave in one process and agree', async () => {
    const w = await createTfjsBackend({ tfjsBackend: 'wasm' }), c = await createTfjsBackend({ tfjsBackend: 'cpu' });
    const xs = data(40);
    const run = (be: Backend) => {
      const x = be.alloc(40, false), y = be.alloc(40, false);
      be.write(x, xs);
      be.log_softmax(x, y, 4, 10);
      return y;
    };
    const yw = run(w), yc = run(c);
    w.unary('exp', yw, yw, 40);
    c.unary('exp', yc, yc, 40);
    expectClose('exp(log_softmax) wasm vs cpu', w.read(yw), c.read(yc));
    w.dispose();
    c.dispose();
  });

  it('nativeRng: tf.randomUniform, deterministic per key, in (0, 1), not ref’s bits', async () => {
    const be = await createTfjsBackend({ tfjsBackend: 'cpu', nativeRng: true });
    const draw = (k0: number) => {
      const y = be.alloc(1000, false);
      be.random_uniform(y, 1000, k0, 2);
      return be.read(y);
    };
    const a = draw(1), b = draw(1), c = draw(3);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(Math.min(...a)).toBeGreaterThan(0);
    expect(Math.max(...a)).toBeLessThan(1);
    const r = createRefBackend(), yr = r.alloc(1000, false);
    r.random_uniform(yr, 1000, 1, 2);
    expect(a).not.toEqual(r.read(yr));
    const g = be.alloc(1000, false);
    be.random_gumbel(g, 1000, 5, 6);
    expect(be.read(g).every(Number.isFinite)).toBe(true);
    be.dispose();
  });

  it.skipIf(installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu'))('tensorflow (tfjs-node), when absent, says exactly what to install', async () => {
    const err = await createTfjsBackend({ tfjsBackend: 'tensorflow' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotImplementedError);
    expect(String(err)).toMatch(/npm install @tensorflow\/tfjs-node-gpu .*or npm install @tensorflow\/tfjs-node/);
  });

  it.skipIf(installed('@tensorflow/tfjs-backend-webgpu'))('webgpu, when absent, says exactly what to install', async () => {
    await expect(createTfjsBackend({ tfjsBackend: 'webgpu' })).rejects.toThrow(/npm install @tensorflow\/tfjs-backend-webgpu/);
  });

  it('an unknown tfjs backend is an ArgumentError', async () => {
    await expect(createTfjsBackend({ tfjsBackend: 'gpu' as never })).rejects.toThrow(ArgumentError);
  });
});

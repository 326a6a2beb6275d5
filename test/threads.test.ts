// The thread pool: every kernel split across threads (matmul by output columns or rows, the
// elementwise and row kernels by element or row ranges) is bitwise identical to one thread (split
// the output, never the reduction), and a whole training run is too.
import { describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend.js';
import { createWasmBackend } from '../src/backends/wasm/index.js';
import { Lateness } from '../src/backends/wasm/pool.js';
import { Bcast, BINARY_OPS, type Buf, UNARY_OPS } from '../src/kernels.js';
import { makeDataset } from '../src/data/index.js';
import { setBackend } from '../src/engine.js';
import { defaultConfig, patchConfig } from '../src/train/config.js';
import { Trainer } from '../src/train/trainer.js';
import { fillRandom, upload } from './harness/check_kernel.js';

// Column splits (n ≥ m) and row splits (n < m; one with m − 32·3 leftover rows under 16).
const SHAPES: [number, number, number, boolean, boolean][] = [
  [100, 784, 512, false, false], [784, 100, 512, true, false], [100, 512, 784, false, true], [100, 784, 200, false, false], [100, 200, 784, false, false], [37, 53, 129, false, false],
  [500, 300, 120, false, false], [500, 300, 120, false, true], [301, 400, 100, false, false], [109, 333, 20, false, true], [1000, 784, 8, false, false],
  // Aᵀ·B by columns (Aᵀ < 4 MiB), and Aᵀ·B, Aᵀ·Bᵀ by rows (each thread packs its columns of the stored Aᵀ).
  [784, 100, 200, true, false], [800, 2450, 64, true, false], [301, 4000, 100, true, true], [97, 12000, 40, true, false],
];

// Sizes past every split threshold, odd so that pieces end mid-vector.
const N = 300_007, R = 30_011;

/** Each split kernel, run on a backend: its outputs. */
const KERNELS: [string, (be: Backend, out: (n: number) => Buf) => Buf[]][] = [
  ['scale', (be, out) => { const y = out(N); be.scale(upload(be, fillRandom(N, 1)), y, N, 1.5, -0.25); return [y]; }],
  ...UNARY_OPS.map((op): [string, (be: Backend, out: (n: number) => Buf) => Buf[]] => [`unary ${op}`, (be, out) => {
    const x = upload(be, fillRandom(N, 2, op === 'log' || op === 'sqrt' ? 0.1 : -3)), y = out(N), dx = out(N);
    be.unary(op, x, y, N);
    be.unary_grad(op, x, y, upload(be, fillRandom(N, 3)), dx, N);
    return [y, dx];
  }]),
  ...BINARY_OPS.flatMap((op) => [Bcast.None, Bcast.Row, Bcast.Col, Bcast.Scalar].map((bc): [string, (be: Backend, out: (n: number) => Buf) => Buf[]] => [`binary ${op} ${bc}`, (be, out) => {
    const rows = 1001, cols = 301, y = out(rows * cols);
    const nb = [rows * cols, cols, rows, 1][bc];
    be.binary(op, upload(be, fillRandom(rows * cols, 4)), upload(be, fillRandom(nb, 5)), y, rows, cols, bc);
    return [y];
  }])),
  ...(['softmax', 'log_softmax'] as const).flatMap((id) => [1, 2, 10, 37].map((k): [string, (be: Backend, out: (n: number) => Buf) => Buf[]] => [`${id} k=${k}`, (be, out) => {
    const x = upload(be, fillRandom(R * k, 6)), y = out(R * k), dx = out(R * k);
    be[id](x, y, R, k);
    be[`${id}_grad`](y, upload(be, fillRandom(R * k, 7)), dx, R, k);
    const l = out(R), a = out(R * k);
    be.logsumexp(x, l, R, k);
    be.argmax_onehot(x, a, R, k);
    return [y, dx, l, a];
  }])),
  ...[1, 3, 10].map((k): [string, (be: Backend, out: (n: number) => Buf) => Buf[]] => [`gumbel_softmax and gumbel_sigmoid k=${k}`, (be, out) => {
    const l = upload(be, fillRandom(R * k, 26)), y = out(R * k), dl = out(R * k), s = out(R * k), ds = out(R * k);
    be.gumbel_softmax(l, y, R, k, 1.7, 5, -9);
    be.gumbel_softmax_grad(y, upload(be, fillRandom(R * k, 27)), dl, R, k, 1.7);
    be.gumbel_sigmoid(l, s, R * k, 0.6, 11, 4);
    be.gumbel_sigmoid_grad(s, upload(be, fillRandom(R * k, 28)), ds, R * k, 0.6);
    return [y, dl, s, ds];
  }]),
  ['sigmoid_xent', (be, out) => {
    const l = upload(be, fillRandom(N, 8)), t = upload(be, fillRandom(N, 9, 0, 1)), y = out(N), dl = out(N);
    be.sigmoid_xent(l, t, y, N);
    be.sigmoid_xent_grad(l, t, upload(be, fillRandom(N, 10)), dl, N);
    return [y, dl];
  }],
  ['sigmoid_xent_rows', (be, out) => {
    const s = 7, rows = 7 * 3001, c = 37, y = out(rows);
    const l = upload(be, fillRandom(rows * c, 24)), t = upload(be, fillRandom(3001 * c, 25, 0, 1)), dl = out(rows * c);
    be.sigmoid_xent_rows(l, t, y, rows, c, s);
    be.sigmoid_xent_rows_grad(l, t, upload(be, fillRandom(rows, 29)), dl, rows, c, s);
    return [y, dl];
  }],
  ['sparse_matmul', (be, out) => {
    const m = 2003, kk = 60, n = 301, a = fillRandom(m * kk, 26).map((v, i) => (i % 10 === 3 ? v : 0)), c = out(m * n);
    be.sparse_matmul(upload(be, a), upload(be, fillRandom(kk * n, 27)), c, m, kk, n, upload(be, fillRandom(n, 28)));
    return [c];
  }],
  ...([[1001, 301], [7001, 37]] as const).map(([rows, cols]): [string, (be: Backend, out: (n: number) => Buf) => Buf[]] => [`reduce_sum ${rows}×${cols}`, (be, out) => {
    const x = upload(be, fillRandom(rows * cols, 29)), sums = out(cols), rowSums = out(rows);
    be.reduce_sum(x, sums, rows, cols, 0);
    be.reduce_sum(x, rowSums, rows, cols, 1);
    return [sums, rowSums];
  }]),
  ['im2col and col2im', (be, out) => {
    // 17 images 21×21×3, 5×5 kernel, stride 2, pad 2: 11×11 outputs, 75 floats per cols row.
    const g = [17, 21, 21, 3, 5, 5, 2, 2, 11, 11] as const, size = 17 * 21 * 21 * 3, cols = 17 * 121 * 75;
    const c = out(cols), x = out(size);
    be.im2col(upload(be, fillRandom(size, 30)), c, ...g);
    be.col2im(upload(be, fillRandom(cols, 31)), x, ...g);
    return [c, x];
  }],
  ['kl_categorical', (be, out) => {
    const k = 10, q = upload(be, fillRandom(R * k, 11)), pp = upload(be, fillRandom(R * k, 12)), y = out(R), dq = out(R * k), dp = out(R * k);
    be.kl_categorical(q, pp, y, R, k);
    be.kl_categorical_grad(q, pp, upload(be, fillRandom(R, 13)), dq, dp, R, k);
    return [y, dq, dp];
  }],
  ['kl_bernoulli', (be, out) => {
    const a = upload(be, fillRandom(N, 14)), b = upload(be, fillRandom(N, 15)), y = out(N), da = out(N), db = out(N);
    be.kl_bernoulli(a, b, y, N);
    be.kl_bernoulli_grad(a, b, upload(be, fillRandom(N, 16)), da, db, N);
    return [y, da, db];
  }],
  ['random', (be, out) => {
    const ys = [out(N), out(N), out(N), out(N)];
    be.random_uniform(ys[0], N, 7, -3);
    be.random_gumbel(ys[1], N, 8, 2);
    be.random_logistic(ys[2], N, 9, 1);
    be.bernoulli_sample(upload(be, fillRandom(N, 23)), ys[3], N, 10, 4);
    return ys;
  }],
  ['adam and sgd_momentum', (be, out) => {
    const pa = upload(be, fillRandom(N, 17)), m = upload(be, fillRandom(N, 18)), v = upload(be, fillRandom(N, 19, 0, 1)), g = upload(be, fillRandom(N, 20));
    be.adam(pa, g, m, v, N, 1e-3, 0.9, 0.999, 1e-8, 7);
    const ps = upload(be, fillRandom(N, 21)), vs = upload(be, fillRandom(N, 22));
    be.sgd_momentum(ps, g, vs, N, 0.01, 0.9);
    void out;
    return [pa, m, v, ps, vs];
  }],
];

const same = (a: ArrayBufferView, b: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('threads', () => {
  it('the pool backs off to the caller alone after four jobs in a row without the workers, 10 ms doubling up to 1 s', () => {
    const l = new Lateness();
    const late = (now: number) => l.record(0.3, 4, false, now); // waited a time slice for a worker's chunk
    l.record(1, 0.05, false, 0); // waited 50 µs after 1 ms of its own: punctual
    l.record(0.3, 0.2, false, 0); // waited 0.2 ms, less than its own 0.3 ms: punctual
    for (let i = 0; i < 4; i++) l.record(0.05, 0, true, 0); // ran both chunks, but in 50 µs: a worker could not have helped
    expect(l.serial(0)).toBe(false);
    for (let i = 0; i < 3; i++) late(100); // the first jobs after a pause, while a worker wakes
    expect(l.serial(100)).toBe(false);
    l.record(2, 0, true, 100); // ran every chunk of a 2 ms job itself: the fourth strike
    expect([l.serial(109), l.serial(111)]).toEqual([true, false]);
    for (let i = 0; i < 3; i++) late(200);
    l.record(1, 0.01, false, 200); // punctual: strikes start again, the back-off halves (20 → 10)
    for (let i = 0; i < 4; i++) late(300);
    expect([l.serial(309), l.serial(311)]).toEqual([true, false]);
    for (let i = 0; i < 40; i++) late(400);
    expect([l.serial(1399), l.serial(1401)]).toEqual([true, false]);
  });

  it('the -mt build runs on 2 and 3 threads and says so in its variant', async () => {
    const be = await createWasmBackend({ threads: 2 });
    expect(be.variant).toMatch(/-mt×2$/);
    be.dispose();
  });

  it('matmul is bitwise identical on 1, 2 and 3 threads in all three forms, split by columns or rows', async () => {
    for (const build of ['relaxed-mt', 'simd-mt'] as const) {
    const one = await createWasmBackend({ threads: 1, build });
    const many = [await createWasmBackend({ threads: 2, build, backoff: false }), await createWasmBackend({ threads: 3, build, backoff: false })];
    for (const [m, k, n, ta, tb] of SHAPES) {
      const a = fillRandom(m * k, m + k), b = fillRandom(k * n, k + n), bias = fillRandom(n, n);
      const run = (be: typeof one) => {
        const c = be.alloc(m * n, false);
        be.matmul(upload(be, a), upload(be, b), c, m, k, n, ta, tb, false, upload(be, bias));
        return be.read(c);
      };
      const want = run(one);
      for (const be of many) expect(same(run(be), want), `${m}×${k}×${n} ${ta} ${tb} on ${be.variant}`).toBe(true);
    }
    for (const be of [one, ...many]) be.dispose();
    }
  });

  it('every elementwise, row and optimizer kernel is bitwise identical on 1, 2 and 3 threads', async () => {
    const one = await createWasmBackend({ threads: 1, build: 'relaxed-mt' });
    const many = [await createWasmBackend({ threads: 2, backoff: false }), await createWasmBackend({ threads: 3, backoff: false })];
    for (const [name, f] of KERNELS) {
      const run = (be: Backend) => {
        be.resetScratch();
        // Outputs start as NaN: a piece no thread wrote shows up.
        return f(be, (n) => upload(be, new Float32Array(n).fill(NaN))).map((b) => be.read(b));
      };
      const want = run(one);
      for (const be of many) run(be).forEach((got, i) => expect(same(got, want[i]), `${name} output ${i} on ${be.variant}`).toBe(true));
    }
    for (const be of [one, ...many]) be.dispose();
  }, 60_000);

  it('300 training steps of the categorical VAE give bitwise identical losses and parameters on 1 and 2 threads', async () => {
    const n = 1000, x = new Float32Array(n * 784).map((_, i) => ((i * 2654435761) >>> 0) % 7 === 0 ? 1 : 0);
    const cfg = patchConfig(defaultConfig('vae'), { optimizer: { batch: 100, steps: 300 } });
    const runWith = async (threads: number) => {
      const be = await createWasmBackend({ threads, build: 'relaxed-mt', backoff: false });
      setBackend(be);
      const t = new Trainer(cfg, makeDataset(x, 784), be);
      const losses: number[] = [];
      for (let s = 0; s < cfg.optimizer.steps; s++) losses.push(t.trainStep().loss);
      const params = Float32Array.from(t.model.params.list.flatMap((p) => [...p.data()]));
      be.dispose();
      return { losses, params };
    };
    const a = await runWith(1), b = await runWith(2);
    expect(b.losses).toEqual(a.losses);
    expect(Buffer.from(b.params.buffer).equals(Buffer.from(a.params.buffer))).toBe(true);
    expect(a.losses[299]).toBeLessThan(a.losses[0]);
  }, 240_000);
});

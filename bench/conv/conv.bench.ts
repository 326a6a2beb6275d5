// conv2d and conv2d_transpose at the paper's layer shapes (batch 100), forward and forward+backward,
// in GFLOP/s (2·B·Ho·Wo·kh·kw·C·Cout per product: forward one product, backward two: dx and dW,
// plus the bias sums), ours (wasm relaxed, 1 thread, and relaxed-mt on 2) against tfjs-backend-wasm
// (XNNPACK) in the same run, and the ratio ours / tfjs.
//
// tfjs side: forward tf.conv2d / tf.conv2dTranspose. tfjs-backend-wasm 4.22 has no
// Conv2DBackpropFilter kernel (tf.grads of a conv throws there), so its backward is composed from
// kernels it has: dx = tf.conv2dTranspose(dy) for a conv (tf.conv2d(dy) for a transposed conv), db =
// tf.sum, and dW by the standard identity dW = conv(xᵀ, dyᵀ) with the batch as the channel axis and
// the stride as the filter's dilation, cropped to kh×kw. The first run checks those gradients
// against ours (stderr). A fourth row, `tfjs-wasm, no dW`, times forward + dx + db only (two
// products), i.e. tfjs's native kernels without the composition. `npm run bench -- conv [--json] [--seconds=S]`
import type * as tfc from '@tensorflow/tfjs-core';
import type { Backend } from '../../src/backend.js';
import { grad } from '../../src/autograd/tape.js';
import { createWasmBackend } from '../../src/backends/wasm/index.js';
import { conv2d, conv2d_transpose, tensor, variable } from '../../src/ops.js';
import type { Tensor } from '../../src/tensor.js';
import { type BenchContext, type Case, type Row, measure } from '../harness.js';
import { data } from '../kernels/support.js';
import { tfjsWasm } from '../peers/tfjs.js';

type TF = Awaited<ReturnType<typeof tfjsWasm>>;
type T4 = tfc.Tensor4D;

interface Layer {
  kind: 'conv2d' | 'conv2d_transpose';
  /** input [B, H, W, C] */
  h: number;
  c: number;
  k: number;
  cout: number;
  stride: number;
  pad: number;
  /** output height = width */
  out: number;
}

const B = 100;
const LAYERS: Layer[] = [
  { kind: 'conv2d', h: 28, c: 1, k: 5, cout: 32, stride: 2, pad: 2, out: 14 },
  { kind: 'conv2d', h: 28, c: 11, k: 5, cout: 32, stride: 2, pad: 2, out: 14 },
  { kind: 'conv2d', h: 14, c: 32, k: 5, cout: 64, stride: 2, pad: 2, out: 7 },
  { kind: 'conv2d', h: 7, c: 64, k: 5, cout: 128, stride: 2, pad: 2, out: 4 },
  { kind: 'conv2d_transpose', h: 1, c: 64, k: 3, cout: 128, stride: 2, pad: 1, out: 2 },
  { kind: 'conv2d_transpose', h: 2, c: 128, k: 3, cout: 64, stride: 2, pad: 1, out: 4 },
  { kind: 'conv2d_transpose', h: 4, c: 64, k: 3, cout: 32, stride: 2, pad: 1, out: 8 },
  { kind: 'conv2d_transpose', h: 8, c: 32, k: 3, cout: 32, stride: 2, pad: 1, out: 16 },
];

const label = (l: Layer) => `${l.kind === 'conv2d' ? 'conv' : 'convT'}${l.k}×${l.k}/${l.stride} ${l.h}×${l.h}×${l.c}→${l.out}×${l.out}×${l.cout}`;

/** Flops of one product: the conv's output pixels (or the transposed conv's input pixels) × kh·kw·C·Cout × 2. */
const productFlops = (l: Layer) => 2 * B * (l.kind === 'conv2d' ? l.out * l.out : l.h * l.h) * l.k * l.k * l.c * l.cout;

interface Inputs {
  x: Float32Array;
  w: Float32Array;
  b: Float32Array;
  dy: Float32Array;
}

function inputs(l: Layer): Inputs {
  return {
    x: data(B * l.h * l.h * l.c, 1, -1, 1),
    w: data(l.k * l.k * l.c * l.cout, 2, -0.1, 0.1),
    b: data(l.cout, 3, -1, 1),
    dy: data(B * l.out * l.out * l.cout, 4, -1, 1),
  };
}

/**
 * Our op on persistent tensors; `backward` also takes the gradients of x, w and b for the cotangent dy.
 * run() frees the step's scratch memory; check() returns the outputs' values once.
 */
function oursCase(be: Backend, l: Layer, d: Inputs, backward: boolean): { run: () => void; check: () => Float32Array[] } {
  const wShape = l.kind === 'conv2d' ? [l.k, l.k, l.c, l.cout] : [l.c, l.k, l.k, l.cout];
  const x = variable(d.x, [B, l.h, l.h, l.c], be), w = variable(d.w, wShape, be), b = variable(d.b, [l.cout], be);
  const dy = tensor(d.dy, [B, l.out, l.out, l.cout], { persistent: true, backend: be });
  const outs = (): Tensor[] => {
    const y = l.kind === 'conv2d' ? conv2d(x, w, b, { stride: l.stride, pad: l.pad }) : conv2d_transpose(x, w, b, { stride: l.stride, pad: l.pad, outH: l.out, outW: l.out });
    return backward ? [y, ...grad(y, [x, w, b], [dy]).map((g) => g!)] : [y];
  };
  return {
    run: () => {
      outs();
      be.resetScratch();
    },
    check: () => {
      const vals = outs().map((t) => Float32Array.from(t.data()));
      be.resetScratch();
      return vals;
    },
  };
}

/** dW of a conv with input `inp` [B,H,W,C] and output cotangent `g` [B,Ho,Wo,Cout], as [kh,kw,C,Cout]. */
function backpropFilter(tf: TF, inp: T4, g: T4, l: Layer): T4 {
  const xt = tf.transpose(inp, [3, 1, 2, 0]); // [C, H, W, B]
  const gt = tf.transpose(g, [1, 2, 0, 3]); // [Ho, Wo, B, Cout]: a filter with the batch as its input channels
  const full = tf.conv2d(xt, gt as unknown as tfc.Tensor4D, 1, l.pad, 'NHWC', l.stride); // [C, ≥kh, ≥kw, Cout]
  return tf.transpose(tf.slice(full, [0, 0, 0, 0], [-1, l.k, l.k, -1]), [1, 2, 0, 3]);
}

/** `withDw: false` leaves out the composed dW (the row that shows tfjs's native kernels alone). */
function tfjsCase(tf: TF, l: Layer, d: Inputs, backward: boolean, withDw = true): { run: () => tfc.Tensor[]; dispose: () => void } {
  const x = tf.tensor4d(d.x, [B, l.h, l.h, l.c]), b = tf.tensor1d(d.b), dy = tf.tensor4d(d.dy, [B, l.out, l.out, l.cout]);
  // tfjs filters: conv2d [kh,kw,C,Cout]; conv2dTranspose [kh,kw,outChannels,inChannels]
  const w = l.kind === 'conv2d'
    ? tf.tensor4d(d.w, [l.k, l.k, l.c, l.cout])
    : tf.tidy(() => tf.transpose(tf.tensor4d(d.w, [l.c, l.k, l.k, l.cout]), [1, 2, 3, 0]) as T4);
  const outShape: [number, number, number, number] = [B, l.out, l.out, l.cout];
  const run = () =>
    tf.tidy(() => {
      if (l.kind === 'conv2d') {
        const y = tf.add(tf.conv2d(x, w, l.stride, l.pad), b);
        if (!backward) return [y];
        const dx = tf.conv2dTranspose(dy, w, [B, l.h, l.h, l.c], l.stride, l.pad), db = tf.sum(dy, [0, 1, 2]);
        return withDw ? [y, dx, backpropFilter(tf, x, dy, l), db] : [y, dx, db];
      }
      const y = tf.add(tf.conv2dTranspose(x, w, outShape, l.stride, l.pad), b);
      if (!backward) return [y];
      // y = convT(x, w) is the input gradient of conv(·, w): dx = conv(dy, w); dW = backpropFilter with the roles of x and dy swapped
      const dx = tf.conv2d(dy, w, l.stride, l.pad), db = tf.sum(dy, [0, 1, 2]);
      if (!withDw) return [y, dx, db];
      const dwT = backpropFilter(tf, dy, x, l); // [kh,kw,Cout,Cin], tfjs's transposed-filter layout
      return [y, dx, tf.transpose(dwT, [3, 0, 1, 2]), db];
    });
  return { run, dispose: () => [x, w, b, dy].forEach((t) => t.dispose()) };
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0, scale = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m / (scale || 1);
}

export async function run(ctx: BenchContext): Promise<Row[]> {
  const tf = await tfjsWasm();
  const seconds = Number(ctx.args.find((a) => a.startsWith('--seconds='))?.slice(10) ?? 1);
  const ours1 = await createWasmBackend({ build: 'relaxed' });
  const ours2 = await createWasmBackend({ build: 'relaxed-mt', threads: 2 });
  console.error(`# tfjs-backend-wasm threads: ${String(tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'))}, SIMD: ${String(tf.env().getBool('WASM_HAS_SIMD_SUPPORT'))}`);
  const rows: Row[] = [];
  for (const l of LAYERS) {
    const d = inputs(l), shape = label(l);
    for (const backward of [false, true]) {
      const flops = productFlops(l) * (backward ? 3 : 1);
      const kernel = backward ? `${l.kind} fwd+bwd` : `${l.kind} fwd`;
      const o1 = oursCase(ours1, l, d, backward), o2 = oursCase(ours2, l, d, backward), t = tfjsCase(tf, l, d, backward);
      // Sanity: the tfjs composition computes what ours computes (stderr only).
      const tOut = t.run(), tVals = tOut.map((x) => x.dataSync());
      tOut.forEach((x) => x.dispose());
      const ourOuts = o1.check();
      console.error(`# ${kernel} ${shape}: max |ours − tfjs| / max |tfjs| per output: ${ourOuts.map((v, i) => maxRelDiff(v, tVals[i]).toExponential(1)).join(', ')}`);
      const cases: Case[] = [
        { impl: 'wasm-relaxed', fn: o1.run, rate: (s) => flops / s / 1e9 },
        { impl: 'wasm-relaxed×2', fn: o2.run, rate: (s) => flops / s / 1e9 },
        // tfjs-backend-wasm runs synchronously: the results exist when the ops return (nobody reads them back, as for ours)
        { impl: 'tfjs-wasm', fn: () => t.run().forEach((x) => x.dispose()), rate: (s) => flops / s / 1e9 },
      ];
      // tfjs without the composed dW: forward + dx + db, two products (its native kernels only)
      const tNoDw = backward ? tfjsCase(tf, l, d, true, false) : null;
      if (tNoDw) cases.push({ impl: 'tfjs-wasm, no dW', fn: () => tNoDw.run().forEach((x) => x.dispose()), rate: (s) => (2 * productFlops(l)) / s / 1e9 });
      for (const c of cases) for (let i = 0; i < 10; i++) c.fn();
      const got = await measure(kernel, shape, 'GFLOP/s', cases, { maxTime: seconds });
      rows.push(...got);
      const rate = (impl: string) => got.find((r) => r.impl === impl)!.median;
      rows.push({ kernel, shape, impl: 'ours/tfjs (1 thr)', median: rate('wasm-relaxed') / rate('tfjs-wasm'), unit: '×' });
      t.dispose();
      tNoDw?.dispose();
    }
  }
  return rows;
}

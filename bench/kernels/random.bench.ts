// Random kernels in M samples/s: random_uniform and random_gumbel at n = 51,200 (one 100×512
// layer of logits) and 1e6; random_logistic and bernoulli_sample at 51,200. Implementations: ref,
// the wasm builds, plain JS (Math.random, plus two Math.log for Gumbel / logistic and one Math.exp
// for Bernoulli: what a hand-rolled sampler does), and tfjs-backend-wasm (tf.randomUniform; Gumbel
// composed from log/neg ops, since tfjs has no Gumbel sampler). tfjs-backend-wasm runs its kernels
// eagerly, so no result is read back for any implementation.
// `npm run bench -- kernels random [--json]`
import type { Backend } from '../../src/backend.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { createWasmBackend } from '../../src/backends/wasm/index.js';
import type { BuildName } from '../../src/backends/wasm/features.js';
import { type BenchContext, type Case, type Row, measure } from '../harness.js';
import { tfjsWasm } from '../peers/tfjs.js';

const BUILDS: BuildName[] = ['scalar', 'simd', 'relaxed'];
/** V8 runs the first calls of a wasm function in Liftoff; time the optimized code only. */
const WARMUP_CALLS = 60;

type Kind = 'random_uniform' | 'random_gumbel' | 'random_logistic' | 'bernoulli_sample';

function backendCase(impl: string, be: Backend, kind: Kind, n: number, warmup = WARMUP_CALLS): Case {
  const y = be.alloc(n, true);
  let fn: () => void;
  if (kind === 'bernoulli_sample') {
    const l = be.alloc(n, true);
    be.write(l, Float32Array.from({ length: n }, (_, i) => ((i % 13) - 6) / 2));
    let step = 0;
    fn = () => be.bernoulli_sample(l, y, n, step++, 7);
  } else {
    let step = 0;
    fn = () => be[kind](y, n, step++, 7); // a new key per call, as in training
  }
  for (let i = 0; i < warmup; i++) fn();
  return { impl, fn, rate: (t) => n / t / 1e6 };
}

/** Plain JS: Math.random, and two Math.log for the transformed noise. */
function jsCase(kind: Kind, n: number): Case {
  const y = new Float32Array(n);
  const l = Float32Array.from({ length: n }, (_, i) => ((i % 13) - 6) / 2);
  const fns: Record<Kind, () => void> = {
    random_uniform: () => {
      for (let i = 0; i < n; i++) y[i] = Math.random();
    },
    random_gumbel: () => {
      for (let i = 0; i < n; i++) y[i] = -Math.log(-Math.log(Math.random()));
    },
    random_logistic: () => {
      for (let i = 0; i < n; i++) {
        const u = Math.random();
        y[i] = Math.log(u) - Math.log(1 - u);
      }
    },
    bernoulli_sample: () => {
      for (let i = 0; i < n; i++) y[i] = Math.random() * (1 + Math.exp(-l[i])) < 1 ? 1 : 0; // u < σ(l)
    },
  };
  return { impl: 'js-math-random', fn: fns[kind], rate: (t) => n / t / 1e6 };
}

export async function run(_ctx: BenchContext): Promise<Row[]> {
  const tf = await tfjsWasm();
  const wasm = await Promise.all(BUILDS.map((build) => createWasmBackend({ build })));
  const ref = createRefBackend();
  const rows: Row[] = [];
  const plan: [Kind, number][] = [
    ['random_uniform', 51_200], ['random_uniform', 1_000_000],
    ['random_gumbel', 51_200], ['random_gumbel', 1_000_000],
    ['random_logistic', 51_200], ['bernoulli_sample', 51_200],
  ];
  for (const [kind, n] of plan) {
    const shape = `n=${n}`;
    const cases = BUILDS.map((build, i) => backendCase(`wasm-${build}`, wasm[i], kind, n));
    cases.push(jsCase(kind, n));
    if (kind === 'random_uniform' || kind === 'random_gumbel') {
      let seed = 1;
      const tfFn =
        kind === 'random_uniform'
          ? () => tf.randomUniform([n], 0, 1, 'float32', seed++).dispose()
          : () =>
              tf.tidy(() => {
                const u = tf.randomUniform([n], 0, 1, 'float32', seed++);
                return tf.neg(tf.log(tf.neg(tf.log(u))));
              }).dispose();
      for (let i = 0; i < 5; i++) tfFn();
      cases.push({ impl: 'tfjs-wasm', fn: tfFn, rate: (t) => n / t / 1e6 });
    }
    rows.push(...(await measure(kind, shape, 'M samples/s', cases)));
    rows.push(...(await measure(kind, shape, 'M samples/s', [backendCase('ref', ref, kind, n, 2)], { maxTime: 0.1 })));
  }
  return rows;
}

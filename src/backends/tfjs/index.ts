// The `tfjs` backend: every kernel of the catalogue as TensorFlow.js ops (table in kernels.ts), on
// whichever tfjs backend is asked for: 'wasm' (@tensorflow/tfjs-backend-wasm), 'cpu'
// (@tensorflow/tfjs-backend-cpu), 'tensorflow' (@tensorflow/tfjs-node or -node-gpu, libtensorflow
// with CUDA) or 'webgpu' (@tensorflow/tfjs-backend-webgpu). It exists to compare our WASM core with
// tfjs, GPUs included, on the same models.
//
// Memory: a buffer holds the tf.Tensor of its current value (1-D, `size` elements; none until first
// written, which reads as zeros). A kernel runs its table entry inside tf.tidy and then swaps each
// output buffer's tensor for the new one, disposing the old: data stays in tfjs between kernels.
// resetScratch() disposes every scratch buffer's tensor; persistent buffers live until free().
//
// Randomness: by default the noise is our Philox (the ref kernels, on the host) uploaded as a
// tensor, so tfjs and wasm runs with one seed see identical noise. `nativeRng: true` uses
// tf.randomUniform seeded from the key instead: not equal to ref nor reproducible across tfjs
// versions (and in tfjs 4.22 it is also generated on the host, by seedrandom).
//
// tfjs has one global engine: several instances (e.g. tfjs-wasm and tfjs-cpu) coexist because each
// kernel call first makes its own tfjs backend the active one (a synchronous switch once initialised).
import type { Backend } from '../../backend.js';
import { ArgumentError, GumbelError, NotImplementedError } from '../../errors.js';
import { type Buf, KERNEL_IDS, type KernelId, type Kernels } from '../../kernels.js';
import { random_gumbel, random_logistic, random_uniform } from '../ref/kernels/random.js';
import { type Io, type T, type TF, TFJS_KERNELS } from './kernels.js';

import { TFJS_BACKENDS, type TfjsBackendName } from './names.js';

export { TFJS_BACKENDS, type TfjsBackendName } from './names.js';

export interface TfjsOptions {
  /** Which tfjs backend runs the ops; default 'wasm'. */
  tfjsBackend?: TfjsBackendName;
  /** Draw noise with tf.randomUniform (seeded from the key) instead of uploading our Philox noise: NOT equal to
   *  ref and not reproducible across backends or tfjs versions. (tfjs 4.22 generates it on the host as well.) */
  nativeRng?: boolean;
  /** 'tensorflow' only: which package provides it; default: tfjs-node-gpu if installed, else tfjs-node. */
  nodePackage?: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node';
  /** 'wasm' only, outside Node: where the tfjs-backend-wasm*.wasm files are served (tf.wasm.setWasmPaths). */
  wasmPaths?: string;
}

/** What to install for each optional tfjs backend. */
const INSTALL: Record<'tensorflow' | 'webgpu', string> = {
  tensorflow:
    'npm install @tensorflow/tfjs-node-gpu (CUDA GPU on Linux x64; needs CUDA 11.2 and cuDNN 8.1; its install script downloads libtensorflow 2.9.1) or npm install @tensorflow/tfjs-node (CPU)',
  webgpu: 'npm install @tensorflow/tfjs-backend-webgpu (needs a runtime with WebGPU: a browser, or Deno)',
};

class TfBuf implements Buf {
  /** The current value; null until first written (reads as zeros). */
  t: T | null = null;
  dead = false;
  constructor(readonly size: number, readonly persistent: boolean) {}
}

/** The namespace of an imported module, whether it came as ESM or as CommonJS behind `default`. */
function ns(m: Record<string, unknown>): TF {
  const d = m.default as Record<string, unknown> | undefined;
  return (d && typeof d.tidy === 'function' ? d : m) as unknown as TF;
}

/** Imports a module by a name TypeScript does not resolve (optional peers that may be absent). */
const importOptional = (name: string): Promise<Record<string, unknown>> => import(/* @vite-ignore */ name);

/** The import failed because `pkg` itself is not installed (not because it failed to load). */
const isMissing = (e: unknown, pkg: string): boolean => {
  const code = (e as { code?: string }).code;
  // Node says ERR_MODULE_NOT_FOUND; Vite (tests, bundles) says 'Could not resolve' for a missing optional peer.
  const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /Cannot find (module|package)|Could not resolve/.test(String(e));
  return missing && String((e as Error).message ?? e).includes(pkg);
};

interface Loaded {
  tf: TF;
  /** The engine's name for the backend. */
  engineName: string;
  /** The variant we report, e.g. 'tfjs-wasm', 'tfjs-node-gpu'. */
  variant: string;
}

const loads = new Map<string, Promise<Loaded>>();

async function load(opts: TfjsOptions): Promise<Loaded> {
  const which = opts.tfjsBackend ?? 'wasm';
  if (which === 'tensorflow') {
    // tfjs-node re-exports the whole tfjs API on its own tfjs-core: use that namespace.
    const pkgs = opts.nodePackage ? [opts.nodePackage] : ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];
    for (const pkg of pkgs) {
      try {
        const tf = ns(await importOptional(pkg));
        await tf.setBackend('tensorflow');
        return { tf, engineName: 'tensorflow', variant: pkg.replace('@tensorflow/', '') };
      } catch (e) {
        if (!isMissing(e, pkg)) throw e;
      }
    }
    throw new NotImplementedError(`createTfjsBackend: tfjsBackend 'tensorflow' needs ${pkgs.join(' or ')}, which is not installed: run ${INSTALL.tensorflow}`);
  }
  const tf = ns(await import('@tensorflow/tfjs-core'));
  if (which === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (opts.wasmPaths) (wasm.setWasmPaths ?? (wasm as unknown as { default: typeof wasm }).default.setWasmPaths)(opts.wasmPaths);
  } else if (which === 'cpu') {
    await import('@tensorflow/tfjs-backend-cpu');
  } else if (!tf.findBackendFactory('webgpu')) {
    // (a page that imported @tensorflow/tfjs-backend-webgpu itself has registered it already)
    try {
      await importOptional('@tensorflow/tfjs-backend-webgpu');
    } catch (e) {
      if (isMissing(e, '@tensorflow/tfjs-backend-webgpu')) throw new NotImplementedError(`createTfjsBackend: tfjsBackend 'webgpu' needs @tensorflow/tfjs-backend-webgpu, which is not installed: run ${INSTALL.webgpu}`);
      throw e;
    }
  }
  if (!(await tf.setBackend(which))) throw new NotImplementedError(`createTfjsBackend: tfjs backend '${which}' failed to initialise in this runtime`);
  // tfjs-backend-cpu advertises tfjs-node on first use in Node; the user chose cpu on purpose.
  if (which === 'cpu') (tf.findBackend('cpu') as unknown as { firstUse?: boolean }).firstUse = false;
  return { tf, engineName: which, variant: `tfjs-${which}` };
}

/** A Backend whose kernels are tfjs ops; see the file header. Loading takes about a second (once per process). */
export async function createTfjsBackend(opts: TfjsOptions = {}): Promise<Backend> {
  const which = opts.tfjsBackend ?? 'wasm';
  if (!TFJS_BACKENDS.includes(which)) {
    throw new ArgumentError(`createTfjsBackend: tfjsBackend must be one of ${TFJS_BACKENDS.join(', ')}, found '${String(which)}'`);
  }
  const key = `${which}|${opts.nodePackage ?? ''}|${opts.wasmPaths ?? ''}`;
  let p = loads.get(key);
  if (!p) {
    p = load(opts);
    loads.set(key, p);
    p.catch(() => loads.delete(key));
  }
  const { tf, engineName, variant } = await p;

  let generation = 0;
  let scratch: TfBuf[] = [];
  const persistent = new Set<TfBuf>();

  const activate = (): void => {
    // Synchronous once the backend is initialised (it is: load() awaited it).
    if (tf.getBackend() !== engineName) void tf.setBackend(engineName);
  };

  const live = (b: Buf, where: string): TfBuf => {
    const tb = b as TfBuf;
    if (tb.dead) throw new GumbelError(`tfjs backend: ${where}: buffer of ${tb.size} elements was ${tb.persistent ? 'freed' : 'scratch memory of an earlier step'} and is gone`);
    return tb;
  };

  /** Outputs of the running kernel: [buffer, new value], swapped in after tf.tidy. */
  let pending: [TfBuf, T][] = [];

  const io: Io = {
    tf,
    get(b, shape) {
      const tb = live(b, 'read');
      const n = shape.reduce((a, d) => a * d, 1);
      if (!tb.t) return tf.zeros(shape);
      return tf.reshape(n === tb.size ? tb.t : tf.slice(tb.t, 0, n), shape);
    },
    set(b, t) {
      const tb = live(b, 'write');
      if (t.size > tb.size) throw new GumbelError(`tfjs backend: internal error: a ${t.size}-element result for a ${tb.size}-element buffer`);
      let flat = tf.reshape(t, [t.size]);
      if (flat.size < tb.size) flat = tf.concat([flat, tb.t ? tf.slice(tb.t, flat.size) : tf.zeros([tb.size - flat.size])]);
      pending.push([tb, flat]);
    },
    noise(kind, n, k0, k1) {
      if (opts.nativeRng) {
        // u in [2⁻²⁴, 1 − 2⁻²⁴], like ours: never 0 or 1.
        const u = tf.randomUniform([n], 2 ** -24, 1 - 2 ** -24, 'float32', `${k0 >>> 0}:${k1 >>> 0}`);
        if (kind === 'uniform') return u;
        if (kind === 'gumbel') return tf.neg(tf.log(tf.neg(tf.log(u))));
        return tf.sub(tf.log(u), tf.log(tf.sub(1, u)));
      }
      const host = new Float32Array(n);
      (kind === 'uniform' ? random_uniform : kind === 'gumbel' ? random_gumbel : random_logistic)(host, n, k0, k1);
      return tf.tensor1d(host, 'float32');
    },
  };

  const run = (id: KernelId, args: unknown[]): void => {
    activate();
    pending = [];
    const entry = TFJS_KERNELS[id] as (io: Io, ...a: unknown[]) => void;
    const outs = tf.tidy(() => {
      entry(io, ...args);
      return pending.map(([, t]) => t);
    });
    const done = pending;
    pending = [];
    for (let i = 0; i < done.length; i++) {
      const b = done[i][0], old = b.t;
      b.t = outs[i];
      if (old && old !== b.t) old.dispose();
    }
  };

  const kernels = Object.fromEntries(KERNEL_IDS.map((id) => [id, (...args: unknown[]) => run(id, args)])) as unknown as Kernels;

  /** b's value becomes `fresh` (tfjs may keep the array itself: never pass one we still use). */
  const upload = (b: TfBuf, fresh: Float32Array): void => {
    const t = tf.tensor1d(fresh, 'float32');
    b.t?.dispose();
    b.t = t;
  };
  const drop = (b: TfBuf): void => {
    b.t?.dispose();
    b.t = null;
    b.dead = true;
  };
  const resetScratch = (): void => {
    for (const b of scratch) drop(b);
    scratch = [];
    generation++;
  };

  const readAll = (b: TfBuf): Float32Array => (b.t ? (b.t.dataSync() as Float32Array) : new Float32Array(b.size));

  return {
    ...kernels,
    name: 'tfjs',
    variant,
    // f32 ops that round differently from ref's f64 loops: measured worst 2.3e-5 relative
    // (tfjs-wasm matmul with k = 1031), 7e-6 for sums; elementwise ops within 2e-6
    floatPrecision: 1e-4,
    get generation() {
      return generation;
    },
    alloc(size, keep) {
      const b = new TfBuf(size, keep);
      (keep ? persistent.add(b) : scratch.push(b));
      return b;
    },
    free(buf) {
      const b = buf as TfBuf;
      if (!b.persistent || b.dead) return;
      drop(b);
      persistent.delete(b);
    },
    write(buf, data, offset = 0) {
      const b = live(buf, 'write');
      activate();
      if (offset === 0 && data.length === b.size) return upload(b, Float32Array.from(data));
      const all = Float32Array.from(readAll(b));
      all.set(data, offset);
      upload(b, all);
    },
    read(buf, offset = 0, length = buf.size - offset) {
      const b = live(buf, 'read');
      return readAll(b).slice(offset, offset + length);
    },
    resetScratch,
    dispose() {
      resetScratch();
      for (const b of persistent) drop(b);
      persistent.clear();
    },
  };
}

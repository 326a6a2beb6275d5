// The thread pool of the wasm backend: one shared WebAssembly.Memory, the same compiled module
// instantiated in N−1 workers (worker/pool_worker.mjs) plus the calling thread. A job is "call
// export F once per thread, each with its own arguments": the caller cuts the output into disjoint
// pieces (rows, columns or element ranges; never a reduction), so results are bitwise identical for
// any thread count. Workers spin ~2 ms after a job, then sleep in Atomics.wait.
//
// Control block at byte offset `ctrl` (inside the reserved first page):
//   Int32 words: 0 generation (bumped per job)  1 done count  2 quit  3 export index  4 argument count
//                32 + t: thread t has a piece (1) or none (0)
//   Float64 at byte 256 + 8·(MAX_ARGS·t + i): argument i of thread t (pointers, counts and the
//                f32/f64 scalars all round-trip exactly through a double); 4.3 KiB at 32 threads
const GEN = 0, DONE = 1, QUIT = 2, FN = 3, NARGS = 4, ACTIVE = 32, ARGS_BYTE = 256;
export const MAX_THREADS = 32;
export const MAX_ARGS = 16;
/** The caller spins this long for the workers' share before it sleeps (a futex wake costs 50+ µs). */
const SPIN_MS = 1;

interface PoolWorker {
  terminate(): unknown;
}

export interface Pool {
  readonly threads: number;
  /** The job number of a function export of the module. */
  exportIndex(name: string): number;
  /** Calls export number `fn` once per thread with `args[t]` (null: no piece); `own` runs the caller's piece. */
  run(fn: number, args: (number[] | null)[], own: () => void): void;
  dispose(): void;
}

/** [u0, u1) of each thread: near-equal pieces of `units`, cut at multiples of `grain`. */
export function pieces(units: number, grain: number, threads: number): [number, number][] {
  const cut = (t: number) => (t >= threads ? units : Math.min(units, Math.round((t * units) / (threads * grain)) * grain));
  return Array.from({ length: threads }, (_, t) => [cut(t), cut(t + 1)]);
}

async function spawn(url: URL, data: Record<string, unknown>): Promise<PoolWorker> {
  const g = globalThis as { process?: { versions?: { node?: string } }; Worker?: new (u: URL, o: object) => Worker };
  if (g.process?.versions?.node !== undefined && typeof (globalThis as { Deno?: unknown }).Deno === 'undefined') {
    const { Worker } = await import(/* @vite-ignore */ 'node:worker_threads');
    const w = new Worker(url, { workerData: data });
    w.unref();
    await new Promise<void>((resolve, reject) => {
      w.once('message', () => resolve());
      w.once('error', reject);
    });
    return w;
  }
  const w = new g.Worker!(url, { type: 'module' });
  await new Promise<void>((resolve, reject) => {
    w.onmessage = () => resolve();
    w.onerror = (e) => reject(e);
    w.postMessage(data);
  });
  return w;
}

export async function createPool(module: WebAssembly.Module, memory: WebAssembly.Memory, threads: number, ctrl: number): Promise<Pool> {
  const w = new Int32Array(memory.buffer, ctrl, ARGS_BYTE / 4);
  const f64 = new Float64Array(memory.buffer, ctrl + ARGS_BYTE, MAX_ARGS * MAX_THREADS);
  const fns = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name);
  const url = new URL('../../../worker/pool_worker.mjs', import.meta.url);
  const workers = await Promise.all(Array.from({ length: threads - 1 }, (_, i) => spawn(url, { module, memory, index: i + 1, ctrl, fns })));
  return {
    threads,
    exportIndex: (name) => fns.indexOf(name),
    run(fn, args, own) {
      let nargs = 0;
      for (let t = 1; t < threads; t++) {
        const a = args[t];
        w[ACTIVE + t] = a ? 1 : 0;
        if (a) {
          f64.set(a, t * MAX_ARGS);
          nargs = a.length;
        }
      }
      w[FN] = fn;
      w[NARGS] = nargs;
      Atomics.store(w, DONE, 0);
      Atomics.add(w, GEN, 1);
      Atomics.notify(w, GEN);
      if (args[0]) own();
      const t0 = performance.now();
      for (let d = Atomics.load(w, DONE); d < threads - 1; d = Atomics.load(w, DONE)) {
        // The workers usually finish within microseconds of us: spin, then sleep.
        if (performance.now() - t0 > SPIN_MS) Atomics.wait(w, DONE, d, 50);
      }
    },
    dispose() {
      Atomics.store(w, QUIT, 1);
      Atomics.add(w, GEN, 1);
      Atomics.notify(w, GEN);
      for (const wk of workers) wk.terminate();
    },
  };
}

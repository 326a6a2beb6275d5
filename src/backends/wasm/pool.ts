// The thread pool of the wasm backend: one shared WebAssembly.Memory, the same compiled module
// instantiated in N−1 workers (worker/pool_worker.mjs) plus the calling thread. A matmul is split
// by output columns at 16-column boundaries (never the k reduction), so results are bitwise
// identical for any thread count. Workers spin ~2 ms after a job, then sleep in Atomics.wait.
//
// Control block (Int32 words at byte offset `ctrl`, inside the reserved first page):
//   0 generation (bumped per job)  1 done count  2 quit  3 job kind (1 = matmul)
//   4..13 matmul args (a, b, c, m, k, n, transA, transB, accumulate, bias)
//   20..20+T per-thread workspace pointers
const GEN = 0, DONE = 1, QUIT = 2, KIND = 3, ARGS = 4, WS = 20;
export const MAX_THREADS = 32;

interface PoolWorker {
  terminate(): unknown;
}

export interface Pool {
  readonly threads: number;
  /** Runs matmul on every thread; `ws` gives each thread's workspace (index 0 is the caller's). */
  matmul(args: number[], ws: number[], own: (n0: number, n1: number) => void): void;
  dispose(): void;
}

export function columnRange(n: number, threads: number, index: number): [number, number] {
  const chunk = Math.ceil(n / threads / 16) * 16;
  return [Math.min(n, index * chunk), Math.min(n, (index + 1) * chunk)];
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
  const w = new Int32Array(memory.buffer, ctrl, 64);
  const url = new URL('../../../worker/pool_worker.mjs', import.meta.url);
  const workers = await Promise.all(Array.from({ length: threads - 1 }, (_, i) => spawn(url, { module, memory, index: i + 1, threads, ctrl })));
  return {
    threads,
    matmul(args, ws, own) {
      for (let i = 0; i < 10; i++) w[ARGS + i] = args[i];
      for (let i = 0; i < threads; i++) w[WS + i] = ws[i];
      Atomics.store(w, KIND, 1);
      Atomics.store(w, DONE, 0);
      Atomics.add(w, GEN, 1);
      Atomics.notify(w, GEN);
      const [n0, n1] = columnRange(args[5], threads, 0);
      if (n1 > n0) own(n0, n1);
      for (let d = Atomics.load(w, DONE); d < threads - 1; d = Atomics.load(w, DONE)) {
        // The workers are usually still spinning and finish within microseconds of us.
        Atomics.wait(w, DONE, d, 50);
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

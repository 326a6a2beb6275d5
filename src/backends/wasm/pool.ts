// The thread pool of the wasm backend: one shared WebAssembly.Memory, the same compiled module
// instantiated in N−1 workers (worker/pool_worker.mjs) plus the calling thread. A job is "call
// export F once per chunk, each chunk with its own arguments": the caller cuts the output into
// disjoint chunks (rows, columns or element ranges; never a reduction), so results are bitwise
// identical for any thread count. Threads claim chunks (compare-and-swap on the job word), the
// caller too: a worker that is late (asleep, or descheduled on a busy machine) leaves its chunk to
// the caller instead of stalling the job. Workers spin 0.5 ms after a job, then sleep in Atomics.wait.
//
// Control block at byte offset `ctrl` (inside the reserved first page):
//   Int32 words: 0 job word: generation (20 bits) << 12 | chunks << 6 | chunks claimed
//                1 chunks done  2 quit  3 export index  4 argument count  5 workspace argument (−1: none)
//                6 workers asleep  7 caller asleep (notify only when someone sleeps: a notify costs ~1 µs)
//   Float64 at byte 256 + 8·t: thread t's workspace (set as the workspace argument of its chunks)
//   Float64 at byte 512 + 8·(MAX_ARGS·c + i): argument i of chunk c (pointers, counts and the
//                f32/f64 scalars all round-trip exactly through a double); 4.5 KiB in all
// The word indices, offsets, claiming and waiting are in worker/pool_sync.mjs, shared with the workers.
import { ARGS_BYTE, CALLER_ASLEEP, DONE, FN, JOB, MAX_ARGS, NARGS, QUIT, WORKERS_ASLEEP, WSARG, WS_BYTE, claim, waitFor } from '../../../worker/pool_sync.mjs';

export const MAX_THREADS = 32;
/** The caller spins this long for the workers' chunks before it sleeps (a futex wake costs 50+ µs). */
const SPIN_MS = 0.5;
const LATE_MS = 0.1, STRIKES = 4, BACKOFF_MS = [10, 1000];

/**
 * Backs off from splitting while the workers do not keep up. On a quiet machine a spinning worker
 * claims its chunk within a microsecond and finishes within microseconds of the caller. On a busy
 * one it is descheduled or asleep: the caller runs every chunk itself, or waits a time slice for a
 * chunk the worker holds, and each job wakes a worker that then spins for the CPU time the caller
 * needs (measured at load 9 on 2 cores: the caller ran all chunks of 71 % of the jobs, and 2 threads
 * ran training steps 1.2–1.7× slower than 1). After STRIKES such jobs in a row (a few are the
 * first jobs after an idle pause, while the worker wakes, or a brief preemption; "such": the caller
 * ran every chunk of a job over LATE_MS itself, or waited over LATE_MS, and longer than its own
 * chunks took, for a worker's) the pool runs everything on the caller for `backoff` ms (10, doubled by each back-off up to 1 s,
 * halved by each punctual job), then tries again. With 2 strikes, brief preemptions by low-priority
 * work cost 2–9 % on 2 threads; with 4, none measurable.
 */
export class Lateness {
  private until = 0;
  private backoff = BACKOFF_MS[0];
  private strikes = 0;
  /** A split job: the caller's own chunks took `ownMs` (all of them: `alone`), then it waited `waitMs` for the workers'. */
  record(ownMs: number, waitMs: number, alone: boolean, now: number): void {
    if ((waitMs > LATE_MS && waitMs > ownMs) || (alone && ownMs > LATE_MS)) {
      if (++this.strikes < STRIKES) return;
      this.strikes = 0;
      this.until = now + this.backoff;
      this.backoff = Math.min(2 * this.backoff, BACKOFF_MS[1]);
    } else {
      this.strikes = 0;
      this.backoff = Math.max(this.backoff / 2, BACKOFF_MS[0]);
    }
  }
  /** Whether to run on the caller alone at time `now`. */
  serial(now: number): boolean {
    return now < this.until;
  }
}

interface PoolWorker {
  terminate(): unknown;
}

export interface Pool {
  readonly threads: number;
  /** The job number of a function export of the module. */
  exportIndex(name: string): number;
  /**
   * Calls export number `fn` once per chunk with `chunks[c]` (at most MAX_THREADS chunks), argument
   * `wsArg` (−1: none) set to the running thread's `ws`; `own` runs a chunk the caller claimed.
   */
  run(fn: number, chunks: number[][], wsArg: number, ws: number[], own: (args: number[]) => void): void;
  /** Whether to run kernels on the caller alone for now (the workers were late: see Lateness). */
  backingOff(): boolean;
  dispose(): void;
}

/** [u0, u1) of each of `count` chunks: near-equal non-empty pieces of `units`, cut at multiples of `grain`. */
export function pieces(units: number, grain: number, count: number): [number, number][] {
  const cut = (t: number) => (t >= count ? units : Math.min(units, Math.round((t * units) / (count * grain)) * grain));
  return Array.from({ length: count }, (_, t): [number, number] => [cut(t), cut(t + 1)]).filter(([u0, u1]) => u1 > u0);
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

export async function createPool(module: WebAssembly.Module, memory: WebAssembly.Memory, threads: number, ctrl: number, backoff = true): Promise<Pool> {
  const w = new Int32Array(memory.buffer, ctrl, WS_BYTE / 4);
  const wsOf = new Float64Array(memory.buffer, ctrl + WS_BYTE, MAX_THREADS);
  const f64 = new Float64Array(memory.buffer, ctrl + ARGS_BYTE, MAX_ARGS * MAX_THREADS);
  const fns = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name);
  const url = new URL('../../../worker/pool_worker.mjs', import.meta.url);
  const workers = await Promise.all(Array.from({ length: threads - 1 }, (_, i) => spawn(url, { module, memory, index: i + 1, ctrl, fns })));
  let gen = Atomics.load(w, JOB) >>> 12;
  const lateness = new Lateness();
  const publish = (chunks: number) => {
    gen = (gen + 1) & 0xfffff;
    Atomics.store(w, JOB, (gen << 12) | (chunks << 6));
    if (Atomics.load(w, WORKERS_ASLEEP)) Atomics.notify(w, JOB);
  };
  return {
    threads,
    exportIndex: (name) => fns.indexOf(name),
    run(fn, chunks, wsArg, ws, own) {
      chunks.forEach((a, c) => f64.set(a, c * MAX_ARGS));
      wsOf.set(ws);
      w[FN] = fn;
      w[NARGS] = chunks[0].length;
      w[WSARG] = wsArg;
      Atomics.store(w, DONE, 0);
      const t0 = performance.now();
      publish(chunks.length);
      let mine = 0;
      for (let c = claim(w, gen); c >= 0; c = claim(w, gen), mine++) {
        if (wsArg >= 0) chunks[c][wsArg] = ws[0];
        own(chunks[c]);
        Atomics.add(w, DONE, 1);
      }
      // A worker is running the rest and usually finishes within microseconds of us.
      const t1 = performance.now();
      waitFor(w, DONE, (d) => d >= chunks.length, SPIN_MS, CALLER_ASLEEP, 50);
      const t2 = performance.now();
      lateness.record(t1 - t0, t2 - t1, mine === chunks.length, t2);
    },
    backingOff: () => backoff && lateness.serial(performance.now()),
    dispose() {
      Atomics.store(w, QUIT, 1);
      publish(0);
      Atomics.notify(w, JOB);
      for (const wk of workers) wk.terminate();
    },
  };
}

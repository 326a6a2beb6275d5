// The control block of the wasm thread pool, shared by the caller (src/backends/wasm/pool.ts, which
// describes the layout) and its workers (pool_worker.mjs): word indices, claiming a chunk, and
// waiting for a word to change. Plain JavaScript, loaded by path like the worker.
export const JOB = 0, DONE = 1, QUIT = 2, FN = 3, NARGS = 4, WSARG = 5, WORKERS_ASLEEP = 6, CALLER_ASLEEP = 7;
export const WS_BYTE = 256, ARGS_BYTE = 512, MAX_ARGS = 16;
// A gap this long between two looks at the clock means the thread was descheduled: the cores are
// oversubscribed and spinning would only take CPU time from the pool's other threads (measured: with
// 2 ms of spin on a busy 2-core machine, 2 threads ran a training step 1.8× slower than 1).
const PREEMPTED_MS = 0.2;

/** Claims the next chunk of job `gen`: its index, or −1 when the job is over or fully claimed. */
export function claim(w, gen) {
  for (;;) {
    const v = Atomics.load(w, JOB);
    if (v >>> 12 !== gen || (v & 63) >= ((v >>> 6) & 63)) return -1;
    if (Atomics.compareExchange(w, JOB, v, v + 1) === v) return v & 63;
  }
}

/**
 * Waits until ready(w[index]): spins for spinMs (or until descheduled), then sleeps in Atomics.wait
 * counted in w[asleep], so that whoever changes the word notifies only when someone sleeps.
 */
export function waitFor(w, index, ready, spinMs, asleep, timeoutMs) {
  const t0 = performance.now();
  let last = t0;
  for (let v = Atomics.load(w, index); !ready(v); v = Atomics.load(w, index)) {
    const now = performance.now();
    if (now - t0 > spinMs || now - last > PREEMPTED_MS) {
      Atomics.add(w, asleep, 1);
      Atomics.wait(w, index, v, timeoutMs);
      Atomics.sub(w, asleep, 1);
    }
    last = performance.now();
  }
}

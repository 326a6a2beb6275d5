// A worker of the wasm thread pool (src/backends/wasm/pool.ts). Plain JavaScript on purpose: it is
// loaded by path from the installed package, in Node (worker_threads) and in Web Workers alike.
// It instantiates the shared module against the shared memory and runs its piece of each job:
// export fns[FN] called with this thread's arguments. Layout of the control block: see pool.ts.
const GEN = 0, DONE = 1, QUIT = 2, FN = 3, NARGS = 4, ACTIVE = 32, ARGS_BYTE = 256, MAX_ARGS = 16;
const SPIN_MS = 2; // spin this long before sleeping: waking a sleeping worker costs 100+ µs

async function start({ module, memory, index, ctrl, fns }) {
  const { exports } = await WebAssembly.instantiate(module, { env: { memory } });
  const w = new Int32Array(memory.buffer, ctrl, ARGS_BYTE / 4);
  const args = new Float64Array(memory.buffer, ctrl + ARGS_BYTE + 8 * MAX_ARGS * index, MAX_ARGS);
  const table = fns.map((name) => exports[name]);
  let seen = Atomics.load(w, GEN);
  return () => {
    for (;;) {
      const t0 = performance.now();
      while (Atomics.load(w, GEN) === seen) {
        if (performance.now() - t0 > SPIN_MS) Atomics.wait(w, GEN, seen, 1000);
      }
      seen = Atomics.load(w, GEN);
      if (Atomics.load(w, QUIT)) return;
      if (w[ACTIVE + index]) table[w[FN]].apply(null, args.subarray(0, w[NARGS]));
      Atomics.add(w, DONE, 1);
      Atomics.notify(w, DONE);
    }
  };
}

// Node and Bun run this file in worker_threads (Bun also defines `self` there, so test for the
// worker_threads context itself); Deno and browsers in a Web Worker.
const wt = typeof process !== 'undefined' && process.versions?.node !== undefined ? await import('node:worker_threads').catch(() => null) : null;
if (wt?.parentPort && wt.workerData) {
  const loop = await start(wt.workerData);
  wt.parentPort.postMessage('ready');
  loop();
} else {
  self.onmessage = async (e) => {
    const loop = await start(e.data);
    self.postMessage('ready');
    loop();
  };
}

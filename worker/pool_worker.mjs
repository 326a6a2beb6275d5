// A worker of the wasm thread pool (src/backends/wasm/pool.ts). Plain JavaScript on purpose: it is
// loaded by path from the installed package, in Node (worker_threads) and in Web Workers alike.
// It instantiates the shared module against the shared memory and runs its share of each job:
// the output columns [n0, n1) of a matmul. Layout of the control block: see pool.ts.
const GEN = 0, DONE = 1, QUIT = 2, KIND = 3, ARGS = 4, WS = 20;
const SPIN_MS = 2; // spin this long before sleeping: waking a sleeping worker costs 100+ µs

async function start({ module, memory, index, threads, ctrl }) {
  const { exports } = await WebAssembly.instantiate(module, { env: { memory } });
  const w = new Int32Array(memory.buffer, ctrl, 64);
  let seen = Atomics.load(w, GEN);
  return () => {
    for (;;) {
      const t0 = performance.now();
      while (Atomics.load(w, GEN) === seen) {
        if (performance.now() - t0 > SPIN_MS) Atomics.wait(w, GEN, seen, 1000);
      }
      seen = Atomics.load(w, GEN);
      if (Atomics.load(w, QUIT)) return;
      if (Atomics.load(w, KIND) === 1) {
        const [a, b, c, m, k, n, ta, tb, acc, bias] = w.subarray(ARGS, ARGS + 10);
        const chunk = Math.ceil(n / threads / 16) * 16;
        const n0 = Math.min(n, index * chunk), n1 = Math.min(n, (index + 1) * chunk);
        if (n1 > n0) exports.matmul_f32(a, b, c, m, k, n, ta, tb, acc, bias, w[WS + index], n0, n1);
      }
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

// A worker of the wasm thread pool (src/backends/wasm/pool.ts). Plain JavaScript on purpose: it is
// loaded by path from the installed package, in Node (worker_threads) and in Web Workers alike.
// It instantiates the shared module against the shared memory and, for each job, claims chunks
// and calls export fns[FN] on each with the chunk's arguments. Control block layout: see pool.ts.
const JOB = 0, DONE = 1, QUIT = 2, FN = 3, NARGS = 4, WSARG = 5, ASLEEP = 6, CALLER_ASLEEP = 7, WS_BYTE = 256, ARGS_BYTE = 512, MAX_ARGS = 16;
// Spin this long for the next job before sleeping (waking a sleeping worker costs 50+ µs; within a
// training step the next split kernel comes sooner), and sleep at once after a gap of PREEMPTED_MS
// between two looks at the clock: the thread was descheduled, the cores are oversubscribed, and a
// spinning thread would only take CPU time from the caller (measured: with 2 ms of spin on a busy
// 2-core machine, 2 threads ran a step 1.8× slower than 1).
const SPIN_MS = 0.5, PREEMPTED_MS = 0.2;

// pool.ts' claim(): the next chunk of job `gen`, or −1.
function claim(w, gen) {
  for (;;) {
    const v = Atomics.load(w, JOB);
    if (v >>> 12 !== gen || (v & 63) >= ((v >>> 6) & 63)) return -1;
    if (Atomics.compareExchange(w, JOB, v, v + 1) === v) return v & 63;
  }
}

async function start({ module, memory, index, ctrl, fns }) {
  const { exports } = await WebAssembly.instantiate(module, { env: { memory } });
  const w = new Int32Array(memory.buffer, ctrl, WS_BYTE / 4);
  const ws = new Float64Array(memory.buffer, ctrl + WS_BYTE, index + 1);
  const chunkArgs = new Float64Array(memory.buffer, ctrl + ARGS_BYTE, MAX_ARGS * 32);
  const table = fns.map((name) => exports[name]);
  const args = new Array(MAX_ARGS);
  let seen = Atomics.load(w, JOB) >>> 12;
  return () => {
    for (;;) {
      const t0 = performance.now();
      let last = t0;
      for (let v = Atomics.load(w, JOB); v >>> 12 === seen; v = Atomics.load(w, JOB)) {
        const now = performance.now();
        if (now - t0 > SPIN_MS || now - last > PREEMPTED_MS) {
          Atomics.add(w, ASLEEP, 1);
          Atomics.wait(w, JOB, v, 1000);
          Atomics.sub(w, ASLEEP, 1);
        }
        last = performance.now();
      }
      if (Atomics.load(w, QUIT)) return;
      seen = Atomics.load(w, JOB) >>> 12;
      for (let c = claim(w, seen); c >= 0; c = claim(w, seen)) {
        const n = w[NARGS], wsArg = w[WSARG];
        args.length = n;
        for (let i = 0; i < n; i++) args[i] = chunkArgs[MAX_ARGS * c + i];
        if (wsArg >= 0) args[wsArg] = ws[index];
        table[w[FN]].apply(null, args);
        Atomics.add(w, DONE, 1);
        if (Atomics.load(w, CALLER_ASLEEP)) Atomics.notify(w, DONE);
      }
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

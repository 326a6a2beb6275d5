// A worker of the wasm thread pool (src/backends/wasm/pool.ts). Plain JavaScript on purpose: it is
// loaded by path from the installed package, in Node (worker_threads) and in Web Workers alike.
// It instantiates the shared module against the shared memory and, for each job, claims chunks
// and calls export fns[FN] on each with the chunk's arguments. Control block layout: see pool.ts.
import { ARGS_BYTE, CALLER_ASLEEP, DONE, FN, JOB, MAX_ARGS, NARGS, QUIT, WORKERS_ASLEEP, WSARG, WS_BYTE, claim, waitFor } from './pool_sync.mjs';

// Spin this long for the next job before sleeping: waking a sleeping worker costs 50+ µs, and
// within a training step the next split kernel comes sooner.
const SPIN_MS = 0.5;

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
      waitFor(w, JOB, (v) => v >>> 12 !== seen, SPIN_MS, WORKERS_ASLEEP, 1000);
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

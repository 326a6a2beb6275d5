// The parent side of `gumbel reproduce`'s workers (worker.ts): `n` child processes take jobs from one
// queue (Table 1 cells, Table 2 runs); Ctrl-C (the abort signal) asks each to checkpoint and stop.
import { type ChildProcess, fork } from 'node:child_process';
import { scriptEntry } from './entry.js';
import type { FromWorker, Job, ToWorker } from './worker.js';

export type JobEnd = FromWorker & { type: 'done' | 'error' | 'stopped' };

export interface PoolOptions {
  signal?: AbortSignal;
  /** A running job's latest progress line. */
  onProgress?: (job: Job, line: string) => void;
  /** A job is sent to a worker. */
  onStart?: (job: Job) => void;
}

/** Runs the jobs on `n` worker processes; `onResult` sees each job's last message, in order. */
export async function runPool<J extends Job>(jobs: J[], n: number, onResult: (job: J, m: JobEnd) => Promise<void>, o: PoolOptions = {}): Promise<{ interrupted: boolean }> {
  const queue = [...jobs];
  const entry = scriptEntry('worker');
  let stopping = o.signal?.aborted ?? false;
  const live = new Set<ChildProcess>();
  let chain = Promise.resolve();
  const report = (job: J, m: JobEnd) => {
    chain = chain.then(() => onResult(job, m));
    return chain;
  };

  const onAbort = () => {
    stopping = true;
    for (const w of live) if (w.connected) w.send({ type: 'stop' } satisfies ToWorker);
  };
  o.signal?.addEventListener('abort', onAbort);

  const oneWorker = () => new Promise<void>((done) => {
    const w = fork(entry.path, [], { execArgv: entry.execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'json' });
    live.add(w);
    let current: J | null = null;
    let stderrTail = '';
    w.stderr?.on('data', (b: Buffer) => { stderrTail = (stderrTail + b.toString()).slice(-2000); });
    const next = () => {
      const job = stopping ? undefined : queue.shift();
      if (!job) {
        current = null;
        w.disconnect();
        return;
      }
      current = job;
      o.onStart?.(job);
      w.send({ type: 'run', job } satisfies ToWorker);
    };
    w.on('message', (m: FromWorker) => {
      if (m.type === 'ready') return next();
      if (m.type === 'progress') {
        if (current) o.onProgress?.(current, m.line);
        return;
      }
      const job = current;
      current = null;
      if (job) void report(job, m).then(next);
      else next();
    });
    w.on('exit', (code, signal) => {
      live.delete(w);
      if (current) {
        const job = current;
        const why = stderrTail.trim().split('\n').filter((l) => l.trim()).pop() ?? '';
        void report(job, { type: 'error', id: job.id, message: `worker exited (${signal ?? `code ${code}`})${why ? `: ${why}` : ''}` });
        // Its job is lost for this session; the rest of the queue gets a fresh worker.
        if (!stopping && queue.length) void oneWorker().then(done);
        else done();
        return;
      }
      done();
    });
  });

  try {
    await Promise.all(Array.from({ length: n }, () => oneWorker()));
    await chain;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
  return { interrupted: stopping };
}

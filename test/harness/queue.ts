// What the `gumbel reproduce … --queue` tests share: whether redis-server is here, a private one for
// a test file, worker processes
// (queue_worker.ts, each in its own process group: a machine), their results and log lines, polling,
// results without their timing fields, and `gumbel reproduce status` as text.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { main } from '../../src/cli/index.js';
import type { QueueOptions, QueueResult } from '../../src/reproduce/queue.js';
import type { Table1Report } from '../../src/reproduce/report.js';
import { exists } from '../../src/train/files.js';
import { startRedis, type TestRedis } from './redis.js';

// Debian's redis-server: .ci/run installs it (CI=1 there, so it is required); on a machine without
// it the suites say why they skip.
export const hasRedis = (() => {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasRedis) {
  if (process.env.CI) throw new Error('redis-server is not installed: CI needs it for the queue tests (.ci/run installs it)');
  console.warn('queue tests: skipped, redis-server is not installed (apt-get install redis-server; .ci/run installs it)');
}

const TIMING = new Set(['seconds', 'trainSeconds', 'evalSeconds', 'stepsPerSec', 'msPerStep']);
/** A copy without the timing fields (they differ between any two runs). */
export const untimed = (x: unknown): unknown =>
  Array.isArray(x) ? x.map(untimed) : x && typeof x === 'object' ? Object.fromEntries(Object.entries(x).filter(([k]) => !TIMING.has(k)).map(([k, v]) => [k, untimed(v)])) : x;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until<T>(what: string, ms: number, f: () => Promise<T | null | undefined | false>): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(200);
  }
}

export interface Proc {
  child: ChildProcess;
  err: string;
  out: string;
  exit: Promise<number | null>;
}

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const started: Proc[] = [];

/** One worker process in its own process group (a machine). */
export function worker(o: Omit<QueueOptions, 'stderr' | 'signal'>): Proc {
  const child = spawn(process.execPath, ['--import', tsx, 'test/harness/queue_worker.ts', JSON.stringify(o)], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const p: Proc = { child, err: '', out: '', exit: new Promise((res) => child.on('exit', (code) => res(code))) };
  child.stdout!.on('data', (b: Buffer) => (p.out += b));
  child.stderr!.on('data', (b: Buffer) => (p.err += b));
  started.push(p);
  return p;
}

/** Kills the process group of every worker still running (afterAll). */
export function killWorkers(): void {
  for (const p of started) if (p.child.exitCode === null && p.child.signalCode === null) try { process.kill(-p.child.pid!, 'SIGKILL'); } catch { /* gone */ }
}

/** A worker's QueueResult (its last stdout line). */
export const result = <R = Table1Report>(p: Proc) => JSON.parse(p.out.trim().split('\n').pop()!) as QueueResult<R>;
/** How many times the workers logged `[done here n] <id>:`. */
export const doneHere = (ps: Proc[], id: string) => ps.reduce((n, p) => n + p.err.split('\n').filter((l) => l.startsWith('[done here') && l.includes(`] ${id}:`)).length, 0);

/** `gumbel reproduce status --queue url`: its stdout and exit code. */
export async function status(url: string): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await main(['node', 'gumbel', 'reproduce', 'status', '--queue', url], { stdout: { write: (s: string) => (out += s) }, stderr: process.stderr });
  return { code, out };
}

/** A private redis-server for a test file's tests (from beforeAll to afterAll, which also kills leftover workers); checks the compiled processor is built. */
export function queueRedis(o: { persist?: boolean } = {}): TestRedis {
  let r: TestRedis | undefined;
  beforeAll(async () => {
    if (!hasRedis) return;
    if (!(await exists('dist/reproduce/queue_processor.js'))) throw new Error('dist/reproduce/queue_processor.js is missing: npm run build:ts first');
    r = await startRedis(o);
  });
  afterAll(async () => {
    killWorkers();
    await r?.stop();
  });
  return { get url() { return r!.url; }, get port() { return r!.port; }, restart: () => r!.restart(), stop: () => r!.stop() };
}

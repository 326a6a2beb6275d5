// A run folder on disk (Node): its file names, the writer's lock, the metrics history and the
// clean-up after a crash.
//
// <out>/lock           {pid, host} of the process writing the folder (created with O_EXCL, removed at exit)
// <out>/config.json    the run's configuration (for reading; the checkpoint carries its own copy)
// <out>/metrics.jsonl  one JSON line per logged step
// <out>/checkpoint     model + optimizer + estimator state and config, step
// <out>/result.json    final metrics; samples.png, curves.svg, accuracy.svg: artifacts
// Crash consistency: metrics.jsonl is written before the checkpoint, and a resumed run drops the
// lines after its checkpoint's step, so a crash between the two writes loses nothing; every file is
// written to `<name>.<pid>.<hex>.tmp` and renamed, and resume removes such orphans.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { readdir, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ArgumentError, FormatError } from '../errors.js';
import { decodeCheckpoint, type CheckpointState } from './checkpoint.js';
import { writeAtomic } from './files.js';

export const FILES = {
  lock: 'lock', config: 'config.json', metrics: 'metrics.jsonl', checkpoint: 'checkpoint', result: 'result.json',
  samples: 'samples.png', curves: 'curves.svg', accuracy: 'accuracy.svg',
} as const;

/** Another process is writing the run folder. */
export class RunLockedError extends ArgumentError {}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Takes the run folder's lock: `lock` created atomically (O_EXCL) with this process's pid and host.
 * A lock left by a dead process on this host is taken over; a live holder is a RunLockedError.
 * Returns the release function (also run at process exit).
 */
export function lockRun(dir: string): () => void {
  const path = join(dir, FILES.lock);
  const me = { pid: process.pid, host: hostname() };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify(me) + '\n');
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
      let holder: { pid?: number; host?: string } = {};
      try {
        holder = JSON.parse(readFileSync(path, 'utf8'));
      } catch {
        // an unreadable lock (a crash while writing it) counts as stale
      }
      const stale = holder.pid === undefined || (holder.host === me.host && !alive(holder.pid));
      if (!stale) throw new RunLockedError(`--out ${dir} is being written by another run (pid ${holder.pid} on ${holder.host}, ${path}); wait for it or choose another --out`);
      unlinkSync(path);
    }
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.removeListener('exit', release);
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  };
  process.on('exit', release);
  return release;
}

/** Removes the orphan temporary files (`*.<pid>.<hex>.tmp`) a crashed writer left in dir. */
export async function removeOrphans(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((f) => /\.\d+\.[0-9a-f]+\.tmp$/.test(f));
  await Promise.all(names.map((f) => unlink(join(dir, f)).catch(() => undefined)));
  return names;
}

/**
 * The metrics lines up to step `upTo` (a resumed run drops the lines after its checkpoint). A line that
 * is not a JSON object with a numeric step is skipped and named through `warn`; the others are kept.
 */
export function parseMetrics<M extends { step: number }>(text: string, upTo: number, warn: (msg: string) => void = () => undefined): M[] {
  const out: M[] = [];
  text.split('\n').forEach((l, i) => {
    if (!l.trim()) return;
    let m: M | null = null;
    try {
      m = JSON.parse(l) as M;
    } catch {
      // named below
    }
    if (!m || typeof m !== 'object' || typeof m.step !== 'number') warn(`${FILES.metrics} line ${i + 1} is not a metrics line, skipped: ${l.slice(0, 60)}`);
    else if (m.step <= upTo) out.push(m);
  });
  return out;
}

export async function readMetrics<M extends { step: number }>(dir: string, upTo: number, warn?: (msg: string) => void): Promise<M[]> {
  const text = await readFile(join(dir, FILES.metrics), 'utf8').catch(() => '');
  return parseMetrics<M>(text, upTo, warn);
}

export const writeMetrics = (dir: string, lines: readonly object[]): Promise<void> =>
  writeAtomic(join(dir, FILES.metrics), lines.map((m) => JSON.stringify(m)).join('\n') + (lines.length ? '\n' : ''));

/** The run's checkpoint: its state and the config it was written with (one file, so never half of a run). */
export async function readCheckpoint(dir: string): Promise<CheckpointState> {
  const path = join(dir, FILES.checkpoint);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new FormatError(`checkpoint: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return decodeCheckpoint(bytes, path);
}

/** Throws an ArgumentError naming `what` unless dir is a folder. */
/**
 * A new run may go into a folder that is absent, or holds no run file, or is one of ours that
 * stopped before its first checkpoint (its config.json is a run config). Anything else a new run
 * would overwrite (a user's own config.json, say) is refused, so nothing a user wrote is lost.
 */
export async function checkFreshRunDir(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const ours = new Set<string>(Object.values(FILES));
  const clash = names.filter((n) => ours.has(n) && n !== FILES.lock);
  if (!clash.length) return;
  const config = await readFile(join(dir, FILES.config), 'utf8').then((t) => JSON.parse(t) as unknown, () => null);
  const isRun = !!config && typeof config === 'object' && ('model' in config || 'yEstimator' in config);
  if (!isRun) throw new ArgumentError(`--out ${dir} holds ${clash.join(', ')}, not a gumbel run's, which a new run would overwrite: choose another --out`);
}

export async function checkRunDir(dir: string, what: string): Promise<void> {
  const s = await stat(dir).catch((e: NodeJS.ErrnoException) => e);
  if (s instanceof Error || !s.isDirectory()) throw new ArgumentError(`${what} must be a run folder, found ${dir} (${s instanceof Error ? s.code ?? s.message : 'not a directory'})`);
}

// Shared pieces of the `gumbel` commands: commander options made from the option table (ranges
// checked with one-line errors), the I/O streams, the check of an output path at the door, Ctrl-C / SIGTERM, and how an error
// becomes an exit code.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import { ArgumentError, GumbelError } from '../errors.js';
import { type OptionSpec, parseOption, rangeText, type Section } from '../train/options.js';

export interface Stream {
  write(s: string): unknown;
  isTTY?: boolean;
}

export interface IO {
  stdout: Stream;
  stderr: Stream;
}

/**
 * Exit codes (README "Options and exit codes"): 0 ok; 1 a runtime or data error; 2 usage (bad arguments, found
 * before anything is written); 130 / 143 interrupted by SIGINT / SIGTERM after writing a checkpoint
 * (128 + the signal number, as shells report a signal).
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130, terminated: 143 } as const;

/** An error that maps to an exit code with a one-line message. */
export class CliError extends Error {
  constructor(message: string, readonly code: number) {
    super(message);
  }
}

/** A number that must be finite is not (a diverged run's NaN/Infinity): exit 1, never reported as a result. */
export class NonFiniteError extends GumbelError {}

const SECTIONS: Record<Section, string> = {
  model: 'Model options:', optimizer: 'Optimization options:', schedule: 'Temperature options:', evaluation: 'Evaluation and logging options:',
  runtime: 'Runtime options:', estimator: 'Estimator options:',
};

/** A number option outside the table (a command's own), declared the same way. */
export function numberSpec(flag: string, help: string, kind: 'int' | 'number', min: number, max: number): OptionSpec {
  return { key: '', flag, help, section: 'runtime', models: [], kind, min, max, default: null };
}

/**
 * The commander option of a table entry: its help (range, and whether it may change on --resume),
 * help section, choices or a parser that checks the range with a one-line error naming the limit.
 * `dflt` overrides the table's default (undefined: none, e.g. "the run's").
 */
export function cliOption(o: OptionSpec, dflt: unknown = o.default, section = true): Option {
  const notes = [o.models.length && o.models.length < 3 ? `[${o.models.join(', ')}]` : '', o.kind === 'int' || o.kind === 'number' || o.kind === 'list' ? rangeText(o) : '', o.resume ? 'may change on --resume' : ''].filter(Boolean);
  const opt = new Option(o.flag, `${o.help}${notes.length ? `; ${notes.join('; ')}` : ''}`);
  if (section) opt.helpGroup(SECTIONS[o.section]);
  if (o.kind === 'choice') opt.choices(o.choices ?? []);
  else if (o.kind !== 'flag') {
    opt.argParser((v: string) => {
      try {
        return parseOption(o, v);
      } catch (e) {
        if (e instanceof ArgumentError) throw new InvalidArgumentError(`must be ${rangeText(o)}.`);
        throw e;
      }
    });
  }
  if (dflt !== null && dflt !== undefined && o.kind !== 'flag') opt.default(dflt, Array.isArray(dflt) && !dflt.length ? 'none' : undefined);
  return opt;
}

/** An OS error (ENOSPC, EACCES, ...) as Node throws it: it has a code and usually the path and syscall. */
function isErrno(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && /^E[A-Z0-9]+$/.test((e as NodeJS.ErrnoException).code!);
}

/** "no space left on device (ENOSPC)": the OS's words from Node's message `CODE: words, syscall 'path'`. */
function osReason(e: NodeJS.ErrnoException): string {
  const words = /^E[A-Z0-9]+: ([^,]+)/.exec(e.message)?.[1];
  return words ? `${words} (${e.code})` : e.code!;
}

/** The file a write was for: writeAtomic writes `<path>.<pid>.<hex>.tmp` first. */
const userPath = (p: string) => p.replace(/\.\d+\.[0-9a-f]{8}\.tmp$/, '');

/** One line for the user and the exit code an error maps to; never a stack trace for an OS error. */
export function describeError(e: unknown, command: string): { message: string; code: number } {
  if (e instanceof CliError) return { message: `gumbel ${command}: error: ${e.message}`, code: e.code };
  if (e instanceof ArgumentError) return { message: `gumbel ${command}: error: ${e.message}`, code: EXIT.usage };
  if (e instanceof GumbelError) return { message: `gumbel ${command}: ${e.name}: ${e.message}`, code: EXIT.failure };
  if (isErrno(e)) {
    const where = e.path ? `${e.syscall ? `cannot ${e.syscall} ` : ''}${userPath(String(e.path))}` : (e.syscall ?? 'file system');
    return { message: `gumbel ${command}: error: ${where}: ${osReason(e)}`, code: EXIT.failure };
  }
  const err = e as Error;
  return { message: `gumbel ${command}: unexpected error: ${err?.stack ?? String(e)}`, code: EXIT.failure };
}

/** The OS reason of a failed check, for a usage error. */
const reasonOf = (e: unknown) => (isErrno(e) ? osReason(e) : String(e));

/** Throws a usage error naming `option` unless `dir` can be written (without creating it): it is a writable folder, or its nearest existing ancestor is. */
async function checkWritable(option: string, path: string, dir: string): Promise<void> {
  for (let d = resolve(dir); ; d = dirname(d)) {
    const s = await stat(d).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw new CliError(`${option} ${path}: ${reasonOf(e)}`, EXIT.usage);
    });
    if (!s) continue; // not there yet: it will be created under its parent
    if (!s.isDirectory()) throw new CliError(`${option} ${path}: ${d} is a file, not a folder`, EXIT.usage);
    await access(d, constants.W_OK).catch((e) => {
      throw new CliError(`${option} ${path}: cannot write in ${d}: ${reasonOf(e)}`, EXIT.usage);
    });
    return;
  }
}

/** Checks a run folder given to `option` at the door: not empty, not a file, creatable or writable. */
export async function checkOutDir(option: string, path: string): Promise<void> {
  if (path.trim() === '') throw new CliError(`${option} must be a folder path, found ''`, EXIT.usage);
  await checkWritable(option, path, path);
}

/** Checks an output file given to `option` at the door: not empty, not a folder or device, in a folder that exists and can be written. */
export async function checkOutFile(option: string, path: string): Promise<void> {
  if (path.trim() === '') throw new CliError(`${option} must be a file path, found ''`, EXIT.usage);
  const s = await stat(path).catch(() => null);
  if (s?.isDirectory()) throw new CliError(`${option} must be a file path, found the folder ${path}`, EXIT.usage);
  // The file is written to a temporary name and renamed over `path`: that would replace a device or FIFO.
  if (s && !s.isFile()) throw new CliError(`${option} must be a regular file path, found ${path}, a device, FIFO or socket`, EXIT.usage);
  await checkWritable(option, path, dirname(path));
  // The file is written into its folder, which is not created.
  if (!(await stat(dirname(path)).catch(() => null))) throw new CliError(`${option} ${path}: the folder ${dirname(path)} does not exist`, EXIT.usage);
}

/** The exit code of a run stopped by `signal` after its checkpoint. */
export const signalExit = (signal: NodeJS.Signals) => (signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted);

/**
 * Runs `run` with SIGINT (Ctrl-C) and SIGTERM (timeout, Docker, job schedulers) setting
 * stop.signal: the run checkpoints after its current step and returns. A second signal quits at once.
 */
export async function onInterrupt<T>(
  io: IO, run: (stop: { stop: boolean; signal?: NodeJS.Signals }) => Promise<T>,
  { what = 'writing a checkpoint after this step', onStop }: { what?: string; onStop?: () => void } = {},
): Promise<T> {
  const stop: { stop: boolean; signal?: NodeJS.Signals } = { stop: false };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.stop) process.exit(signalExit(signal));
    stop.stop = true;
    stop.signal = signal;
    onStop?.();
    io.stderr.write(`\n${signal === 'SIGINT' ? 'interrupt' : signal}: ${what} (${signal === 'SIGINT' ? 'Ctrl-C' : 'the signal'} again to quit at once)\n`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await run(stop);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

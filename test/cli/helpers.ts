// Shared fixtures of the CLI tests: `gumbel ...args` in-process and in a real process, temporary
// folders removed after the file, and a quick training configuration.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { main } from '../../src/cli/index.js';

const dirs: string[] = [];
export const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), 'gumbel-cli-'));
  dirs.push(d);
  return d;
};
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Runs `gumbel ...args` in-process; returns the exit code and what it wrote. */
export async function gumbel(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await main(['node', 'gumbel', ...args], {
    stdout: { write: (s: string) => (out += s), isTTY: false },
    stderr: { write: (s: string) => (err += s), isTTY: false },
  });
  return { code, out, err };
}

/** Runs `gumbel ...args` in a child process (signals, process.exitCode). */
export function spawnGumbel(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  child.stdout.on('data', (b) => (out += b));
  child.stderr.on('data', (b) => (err += b));
  const done = new Promise<number>((res) => child.on('close', (code, signal) => res(code ?? (signal ? -1 : -2))));
  return { child, done, out: () => out, err: () => err };
}

/** A quick run: tiny latent layers and data subsets (the backend is chosen per test). */
export const QUICK = [
  '--steps', '12', '--batch', '10', '--units', '8', '--vars', '4', '--classes', '4',
  '--eval-every', '6', '--log-every', '4', '--valid-size', '20', '--valid-samples', '3',
  '--train-size', '200', '--test-size', '12', '--eval-samples', '6',
];

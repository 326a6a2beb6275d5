// Shared fixtures of the CLI tests: `gumbel ...args` in-process and in a real process, temporary
// folders removed after the file, and a quick training configuration.
import { spawn } from 'node:child_process';
import { tempDirs } from '../train/helpers.js';

export { gumbel } from '../train/helpers.js';
export const tempDir = tempDirs('gumbel-cli-');

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

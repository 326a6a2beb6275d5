// Shared by the runtime tests: paths, running a child process with a deadline, and the checks
// that the built package (dist/, build/) is there before a test spawns another runtime on it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = {
  deno: fileURLToPath(new URL('../../node_modules/.bin/deno', import.meta.url)),
  bun: fileURLToPath(new URL('../../node_modules/.bin/bun', import.meta.url)),
};

/**
 * The Chromium to drive: $CHROMIUM_PATH, else the system's /usr/bin/chromium (Debian), else the
 * build that the dev dependency @sparticuz/chromium ships in its npm tarball (brotli-compressed,
 * unpacked to <tmpdir>/chromium on first use; no download), so `npm install && npm test` needs no apt.
 */
export async function chromiumPath(): Promise<string> {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  const { default: bundled } = await import('@sparticuz/chromium');
  return bundled.executablePath();
}

/** Throws a one-line message naming the build command when dist/ or build/ is missing. */
export function requireBuilt(): void {
  for (const [path, cmd] of [['dist/index.js', 'npm run build:ts'], ['build/relaxed.wasm', 'npm run build:wasm']] as const) {
    if (!existsSync(ROOT + path)) throw new Error(`${path} is missing: run ${cmd} (the runtime tests import the built package)`);
  }
}

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs cmd in the repository root; kills it (and reports so) after timeoutMs. */
export function run(cmd: string, args: string[], timeoutMs = 60_000, env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      stderr += `\n[killed after ${timeoutMs} ms]`;
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

/** The last line of stdout that parses as JSON; a readable error with the output otherwise. */
export function lastJson<T>(r: Ran, what: string): T {
  const lines = r.stdout.trim().split('\n').reverse();
  for (const line of lines) {
    try {
      return JSON.parse(line) as T;
    } catch {
      // not this one
    }
  }
  throw new Error(`${what} printed no JSON (exit ${r.code}):\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
}

/** Largest |a−b| / max(1, |b|) over two equal-length lists. */
export function maxRelDiff(a: number[], b: number[]): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return m;
}

// Runs a PyTorch peer script of bench/peers with Debian's /usr/bin/python3 (python3-torch); its JSON
// lines, or [] with a note on stderr when torch is not there.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export function torchPeer<T>(script: string, args: string[]): T[] {
  const py = '/usr/bin/python3';
  if (!existsSync(py)) return [];
  try {
    const out = execFileSync(py, [new URL(script, import.meta.url).pathname, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.trim().split('\n').map((l) => JSON.parse(l) as T);
  } catch {
    console.error(`torch: ${script} did not run (install Debian python3-torch and libopenblas0-openmp)`);
    return [];
  }
}

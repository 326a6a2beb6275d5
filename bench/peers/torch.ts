// Runs a PyTorch peer script of bench/peers with Debian's /usr/bin/python3 (python3-torch); its JSON
// lines, or [] with a note on stderr when torch is not there.
// The peer gets OpenBLAS's native kernels: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE (set on these
// machines, they force the AVX2 Haswell kernels) are removed from its environment only, and the core
// OpenBLAS picked (OPENBLAS_VERBOSE=2 prints "Core: ...") is added to every row as blas_verbose_core.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export function torchPeer<T>(script: string, args: string[]): T[] {
  const py = '/usr/bin/python3';
  if (!existsSync(py)) return [];
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_VERBOSE: '2' };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync(py, [new URL(script, import.meta.url).pathname, ...args], { encoding: 'utf8', env, maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    console.error(`torch: ${script} did not run (install Debian python3-torch and libopenblas0-openmp)\n${(r.stderr ?? '').slice(-2000)}`);
    return [];
  }
  const core = /^Core: (\S+)/m.exec(r.stderr)?.[1] ?? 'not reported';
  return r.stdout.trim().split('\n').map((l) => ({ ...(JSON.parse(l) as T), blas_verbose_core: core }));
}

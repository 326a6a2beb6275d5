// The semi-supervised M2 model (gumbel reproduce speed's step, k = 10, batch 100 + 100 labeled, random
// labels): training steps per second with y marginalized and with one Gumbel-Softmax sample, ours on
// 1 and 2 wasm threads against the same model in PyTorch on CPU (bench/peers/torch_ssvae.py --speed,
// when /usr/bin/python3 has torch), in the same run. Rows: {model, impl, threads, steps_per_s, vs_torch}.
// `npm run bench -- models ssvae [--seconds=S]`.
import { defaultMnistDir } from '../../src/data/node.js';
import { measureSsvaeSteps } from '../../src/reproduce/speed.js';
import { loadSsvaeData } from '../../src/train/ssvae_run.js';
import type { BenchContext } from '../harness.js';
import { torchPeer } from '../peers/torch.js';

interface SsvaeRow {
  model: string;
  impl: string;
  threads: number;
  steps_per_s: number;
  vs_torch?: number;
  [k: string]: unknown;
}

const METHODS = ['marginalize', 'gumbel_softmax'] as const;

function torch(threads: number, seconds: number): SsvaeRow[] {
  return torchPeer<{ yEstimator: string; stepsPerSec: number }>('./torch_ssvae.py', ['--mnist', defaultMnistDir(), '--speed', '--threads', String(threads), '--seconds', String(seconds)])
    .map((r) => ({ model: `ssvae-${r.yEstimator}`, impl: 'torch', threads, steps_per_s: +r.stepsPerSec.toFixed(4) }));
}

export async function run(ctx: BenchContext): Promise<SsvaeRow[]> {
  const only = ctx.args.filter((a) => !a.startsWith('--'));
  if (only.length && !only.includes('ssvae')) return [];
  const seconds = Number(ctx.args.find((a) => a.startsWith('--seconds='))?.slice(10) ?? 10);
  const data = await loadSsvaeData();
  const rows: SsvaeRow[] = [];
  for (const threads of [1, 2]) {
    for (const m of METHODS) {
      const c = await measureSsvaeSteps({ data, classes: 10, yEstimator: m, batch: 100, seconds, minSteps: 2, threads });
      rows.push({ model: `ssvae-${m}`, impl: 'wasm', threads, steps_per_s: +c.stepsPerSec.toFixed(4), variant: c.backend.variant });
    }
    rows.push(...torch(threads, seconds));
  }
  for (const r of rows.filter((x) => x.impl === 'wasm')) {
    const p = rows.find((x) => x.impl === 'torch' && x.model === r.model && x.threads === r.threads);
    if (p) r.vs_torch = +(r.steps_per_s / p.steps_per_s).toFixed(2);
  }
  return rows;
}

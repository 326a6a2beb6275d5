// The m-sample importance-sampled evaluation (issue 18 item 4: the test bound of every Table 1
// cell), timed on the wasm backend with 1 and 2 threads: `model.evaluate` of freshly initialised
// models on the first `--n=N` (default 200) fixed-binarized MNIST test examples at `--m=M` (1000).
// Useful GFLOP/s counts the matrix products the bound needs, 2·in·out per row and layer: the
// per-sample layers (VAE decoder; SBN layers 1 and 2) at n·m rows, the per-example layers (VAE
// encoder; SBN layer 0) at n rows; `peak` is that rate over the 128-bit multiply-add peak of the
// threads used, measured on this machine first (bench/peak.ts; Zen 4: ~58 GFLOP/s per core). The
// first per-sample layer takes the sampled z through sparse_matmul (one-hot rows for the categorical
// models, 0/1 rows for the Bernoulli ones) but counts as dense, so vae-cat, sbn-cat (≈ 10× fewer
// real multiply-adds in that layer) and vae-bern read high, above 1 on a fast core: `peak` means
// something for vae-mlp, whose dense layers dominate, and for comparing builds.
// A per-kernel breakdown of a separate profiled run goes to stderr.
// Rows: {model, threads, n, m, seconds (wall), cpu_s (this process's CPU time, all threads: on a
// loaded machine the steadier figure), gflops, peak, nll}.
// `npm run bench -- models evaluate [--n=N] [--m=M] [--models=vae-cat,vae-bern,vae-mlp,sbn-bern,sbn-cat]`.
import { openBackend } from '../../src/backends/open.js';
import { loadMnist } from '../../src/data/node.js';
import { setBackend } from '../../src/engine.js';
import { createModel, type ModelSpec } from '../../src/models/index.js';
import { key as keyOf } from '../../src/random/key.js';
import type { BenchContext } from '../harness.js';
import { measurePeak } from '../peak.js';
import { profile } from '../profile.js';

/** Each model with its per-sample and per-example layer sizes [in, out]. */
const MODELS: { name: string; spec: ModelSpec; perSample: number[][]; perExample: number[][] }[] = [
  { name: 'vae-cat', spec: { model: 'vae', latent: 'categorical' }, perSample: [[200, 784]], perExample: [[784, 200]] },
  { name: 'vae-bern', spec: { model: 'vae', latent: 'bernoulli' }, perSample: [[200, 784]], perExample: [[784, 200]] },
  {
    name: 'vae-mlp', spec: { model: 'vae', latent: 'categorical', hidden: [512, 256] },
    perSample: [[200, 256], [256, 512], [512, 784]], perExample: [[784, 512], [512, 256], [256, 200]],
  },
  { name: 'sbn-bern', spec: { model: 'sbn', latent: 'bernoulli' }, perSample: [[200, 200], [200, 392]], perExample: [[392, 200]] },
  { name: 'sbn-cat', spec: { model: 'sbn', latent: 'categorical' }, perSample: [[200, 200], [200, 392]], perExample: [[392, 200]] },
];

const arg = (ctx: BenchContext, name: string, fallback: number) => Number(ctx.args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const macs = (layers: number[][]) => layers.reduce((s, [i, o]) => s + i * o, 0);

export async function run(ctx: BenchContext): Promise<Record<string, unknown>[]> {
  const only = ctx.args.filter((a) => !a.startsWith('--'));
  if (only.length && !only.includes('evaluate')) return [];
  const names = ctx.args.find((a) => a.startsWith('--models='))?.slice(9).split(',') ?? [];
  const n = arg(ctx, 'n', 200), m = arg(ctx, 'm', 1000);
  const { train, test } = await loadMnist({ binarize: 'fixed' });
  const data = test.images.subarray(0, n * 784), init = train.images.subarray(0, 10_000 * 784);
  const rows: Record<string, unknown>[] = [];
  const load = (await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ');
  const corePeak = (await measurePeak(0.5)).relaxed;
  for (const threads of [1, 2]) {
    const be = await openBackend('wasm', { threads });
    for (const md of MODELS.filter((x) => !names.length || names.includes(x.name))) {
      const prof = profile(be, { shapes: true });
      setBackend(prof.backend);
      const model = createModel(md.spec, keyOf(1), init, prof.backend);
      model.evaluate(data.subarray(0, 8 * 784), { samples: m, key: keyOf(2) }); // V8 tier-up
      prof.reset();
      const t0 = performance.now(), c0 = process.cpuUsage();
      const r = model.evaluate(data, { samples: m, key: keyOf(2) });
      const seconds = (performance.now() - t0) / 1000, used = process.cpuUsage(c0);
      const kernelMs = [...prof.totals.values()].reduce((s, e) => s + e.ms, 0);
      const flops = 2 * n * (m * macs(md.perSample) + macs(md.perExample));
      const gflops = flops / seconds / 1e9;
      const cpu = (used.user + used.system) / 1e6;
      rows.push({ model: md.name, threads, n, m, seconds: +seconds.toFixed(3), cpu_s: +cpu.toFixed(3), gflops: +gflops.toFixed(2), peak: +(gflops / (threads * corePeak)).toFixed(3), nll: +r.mean.toFixed(4) });
      console.error(`\n${md.name} ${threads}T (${be.variant}): ${seconds.toFixed(3)} s, ${gflops.toFixed(1)} GFLOP/s; kernels ${(kernelMs / 1000).toFixed(3)} s, host ≈ ${(seconds - kernelMs / 1000).toFixed(3)} s`);
      for (const [id, e] of [...prof.totals].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) {
        console.error(`  ${id.padEnd(22)} ${(e.ms / 1000).toFixed(3).padStart(8)} s ${((100 * e.ms) / (seconds * 1000)).toFixed(1).padStart(5)} %  ${String(e.calls).padStart(6)} calls`);
      }
    }
    be.dispose();
  }
  console.error(`evaluate: load average at start ${load}; one core's multiply-add peak ${corePeak.toFixed(1)} GFLOP/s`);
  return rows;
}

// Training steps per second of DARN and MuProp against Gumbel-Softmax on the four Table 1 models
// (issue 18 item 5: each ≤ 3× a Gumbel-Softmax step of the same model). Batch 100, Adam, fixed-
// binarized MNIST, wasm on 1 thread. The trainers take turns, `--reps=R` rounds of `--seconds=S`
// each, and a cell is the median round; time is this process's CPU time (user + system), so other
// load on a shared machine slows the rounds less than wall time would. Rows: {model, estimator,
// steps_per_s, vs_gumbel_softmax (its time per step / Gumbel-Softmax's), wall_steps_per_s}.
// `npm run bench -- models estimator-steps [--seconds=S] [--reps=R]`.
import { openBackend } from '../../src/backends/open.js';
import { loadMnist } from '../../src/data/node.js';
import { setBackend } from '../../src/engine.js';
import type { LatentKind, ModelName } from '../../src/models/index.js';
import { defaultConfig, patchConfig } from '../../src/train/config.js';
import { Trainer } from '../../src/train/trainer.js';
import type { BenchContext } from '../harness.js';

const MODELS: { model: ModelName; latent: LatentKind }[] = [
  { model: 'sbn', latent: 'bernoulli' }, { model: 'sbn', latent: 'categorical' },
  { model: 'vae', latent: 'bernoulli' }, { model: 'vae', latent: 'categorical' },
];
const ESTIMATORS = ['gumbel_softmax', 'darn', 'muprop'];

const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
const arg = (ctx: BenchContext, name: string, fallback: number) => Number(ctx.args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);

export async function run(ctx: BenchContext): Promise<Record<string, unknown>[]> {
  const only = ctx.args.filter((a) => !a.startsWith('--'));
  if (only.length && !only.includes('estimator-steps')) return [];
  const seconds = arg(ctx, 'seconds', 1), reps = arg(ctx, 'reps', 5);
  const { train } = await loadMnist({ binarize: 'fixed' });
  const be = await openBackend('wasm', { threads: 1 });
  setBackend(be);
  const cells = MODELS.flatMap(({ model, latent }) => ESTIMATORS.map((estimator) => {
    const trainer = new Trainer(patchConfig(defaultConfig(model), { model: { latent }, estimator: { name: estimator }, optimizer: { batch: 100, name: 'adam' } }), train, be);
    for (let i = 0; i < 20; i++) trainer.trainStep(); // V8 tier-up
    return { model: `${model}-${latent}`, estimator, trainer, cpu: [] as number[], wall: [] as number[] };
  }));
  for (let r = 0; r < reps; r++) {
    for (const c of cells) {
      let steps = 0;
      const t0 = performance.now(), c0 = process.cpuUsage();
      while (performance.now() - t0 < seconds * 1000) {
        c.trainer.trainStep();
        steps++;
      }
      const used = process.cpuUsage(c0);
      c.cpu.push(steps / ((used.user + used.system) / 1e6));
      c.wall.push(steps / ((performance.now() - t0) / 1000));
    }
  }
  be.dispose();
  const rows = cells.map((c) => {
    const gs = median(cells.find((g) => g.model === c.model && g.estimator === 'gumbel_softmax')!.cpu);
    return { model: c.model, estimator: c.estimator, steps_per_s: +median(c.cpu).toFixed(1), vs_gumbel_softmax: +(gs / median(c.cpu)).toFixed(2), wall_steps_per_s: +median(c.wall).toFixed(1) };
  });
  console.error(`estimator steps: wasm ${be.variant} 1 thread, ${reps} rounds of ${seconds} s, CPU-time medians; load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  return rows;
}

// `gumbel bench backends`: training steps/s of the three benchmark models (batch 100,
// gumbel_softmax, Adam) on every backend that is available here, skipping (and saying so) the
// ones that are not installed. --json prints {"model","backend","threads","examples_per_s"} lines.
import { Command, InvalidArgumentError } from 'commander';
import type { Backend } from '../backend.js';
import { openBackend, wasmThreads } from '../backends/open.js';
import type { TfjsBackendName } from '../backends/tfjs/names.js';
import { makeDataset } from '../data/index.js';
import { setBackend } from '../engine.js';
import { NotImplementedError } from '../errors.js';
import { defaultConfig, patchConfig, type TrainConfig } from '../train/config.js';
import { Trainer } from '../train/trainer.js';
import { optionSpec } from '../train/options.js';
import { type IO, cliOption, numberSpec } from './util.js';

/** The three benchmark models (also used by bench/models). */
export const MODELS: { name: string; config: TrainConfig }[] = [
  { name: 'vae-cat', config: patchConfig(defaultConfig('vae'), { model: { latent: 'categorical' } }) },
  { name: 'vae-mlp', config: patchConfig(defaultConfig('vae'), { model: { latent: 'categorical', hidden: [512, 256] } }) },
  { name: 'sbn-bern', config: patchConfig(defaultConfig('sbn'), { model: { latent: 'bernoulli' } }) },
];
const BACKENDS = ['wasm', 'tfjs-wasm', 'tfjs-cpu', 'tfjs-node', 'tfjs-node-gpu'] as const;
type Name = (typeof BACKENDS)[number];

async function open(name: Name, threads: number): Promise<Backend> {
  if (name === 'wasm') return openBackend('wasm', { threads });
  const tfjs: Record<string, TfjsBackendName> = { 'tfjs-wasm': 'wasm', 'tfjs-cpu': 'cpu', 'tfjs-node': 'tensorflow', 'tfjs-node-gpu': 'tensorflow' };
  const be = await openBackend('tfjs', { tfjsBackend: tfjs[name] });
  // 'tensorflow' takes tfjs-node-gpu when installed, else tfjs-node: report what actually loaded.
  if ((name === 'tfjs-node-gpu') !== (be.variant === 'tfjs-node-gpu')) throw new NotImplementedError(`${name} is not installed (found ${be.variant}): npm install @tensorflow/${name}`);
  return be;
}

/** Milliseconds per training step, after `warmup` steps, over about `seconds` (also bench/threads_bound.ts). */
export function msPerStep(be: Backend, config: TrainConfig, seconds: number, warmup = 5): number {
  const x = new Float32Array(1000 * 784).map((_, i) => (((i * 2654435761) >>> 0) % 8 === 0 ? 1 : 0));
  setBackend(be);
  const trainer = new Trainer(config, makeDataset(x, 784), be); // the defaults: gumbel_softmax, batch 100, Adam
  for (let i = 0; i < warmup; i++) trainer.trainStep();
  let steps = 0;
  const t0 = performance.now();
  do {
    trainer.trainStep();
    steps++;
  } while (performance.now() - t0 < seconds * 1000);
  return (performance.now() - t0) / steps;
}

export function benchCommand(io: IO): Command {
  const bench = new Command('bench').description('benchmarks');
  bench
    .command('backends')
    .description('training steps/s of the three benchmark models on every available backend')
    .option('--backends <list>', `comma-separated, from ${BACKENDS.join(', ')}`, (v: string) => {
      const names = v.split(',').map((s) => s.trim());
      const bad = names.find((s) => !(BACKENDS as readonly string[]).includes(s));
      if (bad) throw new InvalidArgumentError(`must be a list of ${BACKENDS.join(', ')}; found '${bad}'.`);
      return names as Name[];
    }, [...BACKENDS])
    .addOption(cliOption({ ...optionSpec('threads'), help: 'wasm threads (0: one per core, up to 4)' }, 0, false))
    .addOption(cliOption(numberSpec('--seconds <s>', 'timed seconds per model and backend', 'number', 0.01, 3600), 3, false))
    .option('--json', 'one JSON object per line')
    .action(async (o: { backends: Name[]; threads: number; seconds: number; json?: boolean }) => {
      const threads = wasmThreads(o.threads);
      for (const name of o.backends) {
        let be: Backend;
        try {
          be = await open(name, threads);
        } catch (e) {
          if (!(e instanceof NotImplementedError)) throw e;
          io.stderr.write(`skipped ${name}: ${e.message}\n`);
          continue;
        }
        try {
          for (const m of MODELS) {
            const ms = msPerStep(be, m.config, o.seconds);
            const row = { model: m.name, backend: name, variant: be.variant, threads: name === 'wasm' ? threads : 1, examples_per_s: Math.round(100_000 / ms) };
            io.stdout.write(o.json ? `${JSON.stringify(row)}\n` : `${m.name.padEnd(9)} ${name.padEnd(14)} ${String(row.threads).padStart(2)} threads ${String(row.examples_per_s).padStart(8)} examples/s\n`);
          }
        } finally {
          be.dispose();
        }
      }
    });
  // Like every command: throw instead of exiting, print through io (main maps errors to exit codes).
  for (const c of bench.commands) c.exitOverride().configureOutput({ writeOut: (t) => io.stdout.write(t), writeErr: (t) => io.stderr.write(t) });
  return bench;
}

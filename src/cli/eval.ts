// `gumbel eval <run-dir>`: the importance-sampled test (or validation) metric of a trained run.
import { Command, Option } from 'commander';
import { slice } from '../data/index.js';
import { evaluateWithProgress, metricName, loadRun } from '../train/run.js';
import { optionSpec, SIZE } from '../train/options.js';
import { type IO, NonFiniteError, cliOption, numberSpec } from './util.js';

export function evalCommand(io: IO): Command {
  return new Command('eval')
    .description('evaluate a run\'s checkpoint: VAE −log p̂(x) (m-sample bound) or SBN NLL, on the test or validation split')
    .argument('<run-dir>', 'a run folder written by gumbel train')
    .addOption(new Option('--split <name>', 'which split').choices(['test', 'valid']).default('test'))
    .addOption(cliOption({ ...optionSpec('evalSamples'), help: 'samples per example (default: the run\'s --eval-samples)' }, null, false))
    .addOption(cliOption(numberSpec('--examples <n>', 'only the first n examples of the split (default: all)', 'int', 1, SIZE), null, false))
    .option('--json', 'print the result as one JSON line on stdout')
    .addOption(cliOption({ ...optionSpec('backend'), help: 'compute backend (default: the run\'s)' }, null, false))
    .action(async (dir: string, o: { backend?: 'wasm' | 'ref' | 'tfjs'; split: 'test' | 'valid'; evalSamples?: number; examples?: number; json?: boolean }) => {
      const { config, trainer, data, backend, ckpt } = await loadRun(dir, o.backend);
      try {
        const m = o.evalSamples ?? config.evaluation.evalSamples;
        const all = o.split === 'test' ? data.test : data.valid;
        const ds = o.examples && o.examples < all.n ? slice(all, 0, o.examples) : all;
        io.stderr.write(`evaluating ${ds.n} ${o.split} examples with m = ${m} samples each\n`);
        const t0 = performance.now();
        const r = (await evaluateWithProgress(trainer, ds, m, o.split === 'test' ? trainer.keys.test : trainer.keys.valid, io.stderr))!;
        const seconds = (performance.now() - t0) / 1000;
        if (!Number.isFinite(r.mean)) {
          throw new NonFiniteError(`the ${o.split} bound of ${dir} at step ${ckpt.step} is ${r.mean}, not a number that can be reported (the checkpoint's parameters have diverged or are damaged)`);
        }
        const out = {
          run: dir, model: config.model.name, latent: config.model.latent, estimator: config.estimator.name, step: ckpt.step,
          split: o.split, metric: metricName(config.model.name).replace(/^test/, o.split), value: r.mean, samples: m, examples: ds.n,
          seconds, backend: { name: backend.name, variant: backend.variant },
        };
        if (o.json) io.stdout.write(JSON.stringify(out) + '\n');
        else io.stdout.write(`${out.metric} = ${r.mean.toFixed(3)} (m = ${m}, ${ds.n} examples, step ${ckpt.step}, ${seconds.toFixed(1)} s)\n`);
      } finally {
        backend.dispose();
      }
    });
}

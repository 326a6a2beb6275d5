// `gumbel eval <run-dir>`: the importance-sampled test (or validation) metric of a trained run; for
// an M2 run (ssvae) its accuracy and ELBO marginalized over the classes, as its training evaluates them.
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { slice } from '../data/index.js';
import { readJson } from '../train/files.js';
import { FILES } from '../train/folder.js';
import { evaluateSliced } from '../train/loop.js';
import { evaluateWithProgress, metricName, loadRun } from '../train/run.js';
import { optionSpec, SIZE } from '../train/options.js';
import { loadSsvaeRun } from '../train/ssvae_run.js';
import { CliError, EXIT, type IO, NonFiniteError, cliOption, numberSpec } from './util.js';

type EvalOpts = { backend?: 'wasm' | 'ref' | 'tfjs'; split: 'test' | 'valid'; evalSamples?: number; examples?: number; json?: boolean };

/** The run's model name from its config.json (null where there is none: loadRun then says what is wrong). */
const runModel = (dir: string) => readJson<{ model?: { name?: string } }>(join(dir, FILES.config), 'run config').then((c) => c.model?.name ?? null, () => null);

async function evalSsvae(io: IO, dir: string, o: EvalOpts): Promise<void> {
  if (o.evalSamples !== undefined) {
    throw new CliError(`--eval-samples is for sbn and vae runs (an ssvae run's ELBO is marginalized over its classes, one z per class), found --eval-samples ${o.evalSamples}`, EXIT.usage);
  }
  const { config, trainer, data, backend, ckpt } = await loadSsvaeRun(dir, o.backend);
  try {
    const all = o.split === 'test' ? data.test : data.valid;
    const ev = trainer.evaluation(all, o.split, o.examples ?? 0);
    io.stderr.write(`evaluating ${ev.n} ${o.split} examples (accuracy; ELBO marginalized over ${config.model.classes} classes)\n`);
    const t0 = performance.now();
    const r = (await evaluateSliced(ev, io.stderr))!;
    const seconds = (performance.now() - t0) / 1000;
    if (!Number.isFinite(r.elbo)) throw new NonFiniteError(`the ${o.split} ELBO of ${dir} at step ${ckpt.step} is ${r.elbo}, not a number that can be reported (the checkpoint's parameters have diverged or are damaged)`);
    const out = {
      run: dir, model: 'ssvae', estimator: config.estimator.name, alpha: config.model.alpha, step: ckpt.step, split: o.split,
      accuracy: r.accuracy, elbo: r.elbo, examples: r.examples, seconds, backend: { name: backend.name, variant: backend.variant },
    };
    if (o.json) io.stdout.write(JSON.stringify(out) + '\n');
    else io.stdout.write(`${o.split} accuracy = ${(100 * r.accuracy).toFixed(2)}%, ELBO = ${r.elbo.toFixed(3)} (marginalized over ${config.model.classes} classes; ${r.examples} examples, step ${ckpt.step}, ${seconds.toFixed(1)} s)\n`);
  } finally {
    backend.dispose();
  }
}

export function evalCommand(io: IO): Command {
  return new Command('eval')
    .description('evaluate a run\'s checkpoint: VAE −log p̂(x) (m-sample bound), SBN NLL, or M2 (ssvae) accuracy and marginalized ELBO, on the test or validation split')
    .argument('<run-dir>', 'a run folder written by gumbel train')
    .addOption(new Option('--split <name>', 'which split').choices(['test', 'valid']).default('test'))
    .addOption(cliOption({ ...optionSpec('evalSamples'), help: 'samples per example (default: the run\'s --eval-samples)' }, null, false))
    .addOption(cliOption(numberSpec('--examples <n>', 'only the first n examples of the split (default: all)', 'int', 1, SIZE), null, false))
    .option('--json', 'print the result as one JSON line on stdout')
    .addOption(cliOption({ ...optionSpec('backend'), help: 'compute backend (default: the run\'s)' }, null, false))
    .action(async (dir: string, o: EvalOpts) => {
      if ((await runModel(dir)) === 'ssvae') return evalSsvae(io, dir, o);
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

// `gumbel train <sbn|vae|ssvae>`: train one of the paper's models with one estimator; writes a run folder.
// Its options are the table of train/options.ts (which model takes which, ranges, defaults, the
// resume policy, the path of each in the nested config); ssvae (the semi-supervised M2 model) has its
// own run (train/ssvae_run.ts) and defaults (SSVAE_DEFAULTS).
import { join } from 'node:path';
import { Argument, Command } from 'commander';
import { MODEL_NAMES } from '../models/index.js';
import { defaultConfig, savedConfig, type TrainConfig, validateConfig } from '../train/config.js';
import { checkResume, nestConfig, optionName, resumableFlags, trainOptions, type TrainModel, valueOf, withOptions } from '../train/options.js';
import { exists } from '../train/files.js';
import { FILES, readCheckpoint, runTraining } from '../train/run.js';
import { SSVAE_DEFAULTS, savedSsvaeConfig, validateSsvaeConfig } from '../train/ssvae.js';
import { runSsvae } from '../train/ssvae_run.js';
import { CliError, EXIT, type IO, checkOutDir, cliOption, onInterrupt, signalExit } from './util.js';

const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

/** Where ssvae's defaults differ from the table's (sbn/vae) ones, for --help. */
const ssvaeDefaults = () => trainOptions()
  .filter((o) => o.models.includes('ssvae') && JSON.stringify(valueOf(o, SSVAE_DEFAULTS)) !== JSON.stringify(o.default))
  .map((o) => `${optionName(o)} ${valueOf(o, SSVAE_DEFAULTS)}`).join(', ');

export function trainCommand(io: IO, setCode: (code: number) => void): Command {
  const cmd = new Command('train')
    .description('train the structured-output SBN or the VAE with one gradient estimator; writes a run folder')
    .addArgument(new Argument('[model]', 'the paper\'s model (ssvae: the semi-supervised M2 of Table 2)').choices([...MODEL_NAMES, 'ssvae']).default('vae'));
  for (const o of trainOptions()) cmd.addOption(cliOption(o));
  return cmd
    .option('--out <dir>', 'run folder (default runs/<model>-<latent>-<estimator>-<time>)')
    .option('--resume', `continue the run in --out from its ${FILES.checkpoint}; options that contradict the run are refused`)
    .option('--json', 'print result.json on stdout as the last line')
    .addHelpText('after', () => [
      '',
      `Options marked [model] apply to those models only. ssvae's defaults differ: ${ssvaeDefaults()}.`,
      `On --resume the run's own configuration holds: only ${resumableFlags().join(', ')} may change; any other option given must match the run (exit 2).`,
      'Exit codes: 0 ok, 1 runtime or data error, 2 usage, 130 / 143 interrupted by SIGINT / SIGTERM after writing a checkpoint.',
      '',
    ].join('\n'))
    .action(async (arg: TrainModel, o: { out?: string; resume?: boolean; json?: boolean }, c: Command) => {
      // The options given on the command line (the table's defaults are not "given").
      const given: Record<string, unknown> = {};
      for (const spec of trainOptions()) if (c.getOptionValueSource(spec.key) === 'cli') given[spec.key] = c.getOptionValue(spec.key);
      const named = c.args.length ? arg : undefined;
      let model = named ?? 'vae';
      if (o.resume) {
        if (!o.out) throw new CliError('--resume needs --out <run-dir>: the run to continue', EXIT.usage);
        if (!(await exists(join(o.out, FILES.checkpoint)))) throw new CliError(`--resume: --out ${o.out} holds no ${FILES.checkpoint} to continue`, EXIT.usage);
        const raw = (await readCheckpoint(o.out)).config;
        model = (nestConfig(raw).model as { name: TrainModel }).name;
        // A flat config nested, the fields the checkpoint predates at their defaults, as the run loops do.
        checkResume(model === 'ssvae' ? savedSsvaeConfig(raw) : savedConfig(raw), model, given, named);
      }
      checkScope(model, given);
      const run = { given, out: o.out, resume: !!o.resume, json: !!o.json };
      if (model === 'ssvae') return trainSsvae(run, io, setCode);
      const config = sbnVaeConfig(model, given);
      const outDir = o.out ?? `runs/${model}-${config.model.latent}-${config.estimator.name}-${stamp()}`;
      await checkOutDir('--out', outDir);
      await onInterrupt(io, async (stop) => {
        // On --resume the checkpoint's config wins; the options that may change on resume (options.ts) apply.
        const { result, step } = await runTraining({
          config, outDir, resume: run.resume, resumeWith: given, stderr: io.stderr, stop,
        });
        if (!result) {
          io.stderr.write(`interrupted at step ${step}: checkpoint written to ${outDir}/${FILES.checkpoint}; continue with: gumbel train --out ${outDir} --resume\n`);
          setCode(signalExit(stop.signal ?? 'SIGINT'));
          return;
        }
        const t = result.test;
        io.stderr.write(
          `${result.model} ${result.latent} ${result.estimator}: ${result.metric} = ${t.value.toFixed(2)} ` +
            `(m = ${t.samples}, ${t.examples} examples; paper ${result.paper.value}) after ${result.steps} steps, ` +
            `${result.timings.stepsPerSec.toFixed(1)} steps/s on ${result.backend.name} (${result.backend.variant}); run folder ${outDir}\n`,
        );
        if (run.json) io.stdout.write(JSON.stringify(result) + '\n');
      });
    });
}

/** Refuses an option given for a model that does not take it (the table's `models`). */
function checkScope(model: TrainModel, given: Record<string, unknown>): void {
  const foreign = trainOptions().filter((o) => o.key in given && !o.models.includes(model));
  if (!foreign.length) return;
  if (model === 'ssvae') {
    throw new CliError(`ssvae does not take ${foreign.map(optionName).join(', ')} (it trains with Adam and the paper's τ schedule; see gumbel train --help)`, EXIT.usage);
  }
  throw new CliError(`${optionName(foreign[0])} is an option of ${foreign[0].models.join(', ')}, not of ${model}`, EXIT.usage);
}

/** The sbn/vae config: the table's defaults and the options given at their paths, validated (the door of the CLI). */
function sbnVaeConfig(model: 'sbn' | 'vae', given: Record<string, unknown>): TrainConfig {
  const config = withOptions(defaultConfig(model), given, model);
  // SBN ⇒ τ = 1, unless an annealing rate is given.
  if (model === 'sbn' && !('tau' in given) && 'tauRate' in given) config.schedule.tau = null;
  return validateConfig(config);
}

/** `gumbel train ssvae`: SSVAE_DEFAULTS and the options given at their paths, validated. */
async function trainSsvae(o: { given: Record<string, unknown>; out?: string; resume: boolean; json: boolean }, io: IO, setCode: (code: number) => void): Promise<void> {
  const config = validateSsvaeConfig(withOptions(SSVAE_DEFAULTS, o.given, 'ssvae'));
  const { classes, alpha } = config.model;
  if (classes !== 10) throw new CliError(`ssvae on MNIST has 10 classes, found --classes ${classes} (other k: gumbel reproduce speed)`, EXIT.usage);
  const outDir = o.out ?? `runs/ssvae-${config.estimator.name}-alpha${alpha}-${stamp()}`;
  await checkOutDir('--out', outDir);
  const r = await onInterrupt(io, async (stop) => {
    const res = await runSsvae({ config, outDir, stderr: io.stderr, stop, resume: o.resume, resumeWith: o.given });
    if (!res) {
      io.stderr.write(`interrupted: checkpoint written to ${outDir}/checkpoint; continue with: gumbel train ssvae --out ${outDir} --resume\n`);
      setCode(signalExit(stop.signal ?? 'SIGINT'));
    }
    return res;
  });
  if (!r) return;
  io.stderr.write(
    `ssvae ${r.yEstimator} α=${r.alpha}: test accuracy ${(100 * r.test.accuracy).toFixed(2)}% (paper ${r.paper.accuracy === null ? '–' : `${(100 * r.paper.accuracy).toFixed(1)}%`}), ` +
      `ELBO ${r.test.elbo.toFixed(2)} (paper ${r.paper.elbo}) after ${r.steps} steps, ${r.timings.stepsPerSec.toFixed(2)} steps/s on ${r.backend.name} (${r.backend.variant}); run folder ${outDir}\n`,
  );
  if (o.json) io.stdout.write(JSON.stringify(r) + '\n');
  setCode(EXIT.ok);
}

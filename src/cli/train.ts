// `gumbel train <sbn|vae|ssvae>`: train one of the paper's models with one estimator; writes a run folder.
// ssvae (the semi-supervised M2 model) has its own options (--y-estimator, --labels, --alpha) and run (train/ssvae_run.ts).
import { Argument, Command, Option } from 'commander';
import { TFJS_BACKENDS } from '../backends/tfjs/names.js';
import { ESTIMATOR_NAMES } from '../estimators/estimator.js';
import { LATENT_KINDS, MODEL_NAMES, type ModelName } from '../models/index.js';
import { DEFAULT_STEPS, defaultConfig, type TrainConfig, validateConfig } from '../train/config.js';
import { FILES, runTraining } from '../train/run.js';
import { Y_ESTIMATORS, type YEstimator } from '../models/ssvae.js';
import { SSVAE_DEFAULTS, validateSsvaeConfig } from '../train/ssvae.js';
import { runSsvae } from '../train/ssvae_run.js';
import { CliError, EXIT, type IO, checkOutDir, onInterrupt, parseHidden, parseInteger, parsePositive, signalExit } from './util.js';

interface TrainOpts {
  latent: TrainConfig['latent'];
  estimator: TrainConfig['estimator'];
  steps: number;
  batch: number;
  optimizer: TrainConfig['optimizer'];
  lr: number;
  momentum: number;
  tauRate: number;
  tauEvery: number;
  tauMin: number;
  tau?: number;
  prior: TrainConfig['prior'];
  units: number;
  vars: number;
  classes: number;
  hidden: number[];
  evalSamples: number;
  evalEvery: number;
  validSamples: number;
  validSize: number;
  trainSize: number;
  testSize: number;
  logEvery: number;
  seed: number;
  backend: TrainConfig['backend'];
  tfjsBackend: TrainConfig['tfjsBackend'];
  tfjsNativeRng?: boolean;
  threads: number;
  dataDir?: string;
  out?: string;
  resume?: boolean;
  json?: boolean;
  yEstimator: YEstimator;
  labels: number;
  alpha: number;
  labeledBatch: number;
}

const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

export function trainCommand(io: IO, setCode: (code: number) => void): Command {
  const d = defaultConfig('vae');
  return new Command('train')
    .description('train the structured-output SBN or the VAE with one gradient estimator; writes a run folder')
    .addArgument(new Argument('[model]', 'the paper\'s model (ssvae: the semi-supervised M2 of Table 2)').choices([...MODEL_NAMES, 'ssvae']).default('vae'))
    .addOption(new Option('--latent <kind>', 'latent variables').choices(LATENT_KINDS).default(d.latent))
    .addOption(new Option('--estimator <name>', 'gradient estimator').choices(ESTIMATOR_NAMES).default(d.estimator))
    .option('--steps <n>', 'optimizer steps (the paper: about 550000)', parseInteger(0), DEFAULT_STEPS)
    .option('--batch <n>', 'examples per step', parseInteger(1), d.batch)
    .addOption(new Option('--optimizer <name>', 'optimizer (the paper: sgd with momentum 0.9)').choices(['sgd', 'adam']).default(d.optimizer))
    .option('--lr <x>', 'learning rate', parsePositive(), d.lr)
    .option('--momentum <x>', 'SGD momentum', parsePositive(true), d.momentum)
    .option('--tau-rate <r>', 'annealing: τ = max(tau-min, exp(−r·N·⌊t/N⌋))', parsePositive(true), d.tauRate)
    .option('--tau-every <N>', 'annealing: update τ every N steps', parseInteger(1), d.tauEvery)
    .option('--tau-min <x>', 'annealing: floor of τ', parsePositive(), d.tauMin)
    .option('--tau <x>', 'fixed temperature instead of annealing (default: 1 for sbn, annealed for vae)', parsePositive())
    .option('--units <n>', 'Bernoulli units per stochastic layer', parseInteger(1), d.units)
    .option('--vars <n>', 'categorical variables per stochastic layer', parseInteger(1), d.vars)
    .option('--classes <k>', 'classes of each categorical variable', parseInteger(2), d.classes)
    .addOption(new Option('--prior <kind>', 'VAE prior (discrete, analytic KL)').choices(['learned', 'uniform']).default(d.prior))
    .option('--hidden <sizes>', 'VAE hidden ReLU layers, e.g. 512,256 (default none: the paper\'s affine model)', parseHidden, d.hidden)
    .option('--eval-samples <m>', 'samples per test example in the final evaluation', parseInteger(1), d.evalSamples)
    .option('--eval-every <n>', 'validate and checkpoint every n steps (0: at the end only)', parseInteger(0), d.evalEvery)
    .option('--valid-samples <m>', 'samples per example of the periodic validation', parseInteger(1), d.validSamples)
    .option('--valid-size <n>', 'validation examples of the periodic validation (0: all 10000)', parseInteger(0), d.validSize)
    .option('--train-size <n>', 'train on the first n examples only (0: all)', parseInteger(0), d.trainSize)
    .option('--test-size <n>', 'evaluate on the first n test examples only (0: all)', parseInteger(0), d.testSize)
    .option('--log-every <n>', 'a metrics line every n steps', parseInteger(1), d.logEvery)
    .option('--seed <s>', 'random seed (initialisation, batches, noise)', parseInteger(0), d.seed)
    .addOption(new Option('--backend <name>', 'compute backend (tfjs: the tfjs adapter on tfjs-backend-wasm)').choices(['wasm', 'ref', 'tfjs']).default(d.backend))
    .addOption(new Option('--tfjs-backend <name>', 'with --backend tfjs: the tfjs backend that runs the kernels (tensorflow: tfjs-node or tfjs-node-gpu; webgpu: a browser)').choices(TFJS_BACKENDS).default(d.tfjsBackend))
    .option('--tfjs-native-rng', 'with --backend tfjs: draw the noise with tfjs\'s own generator (fast on a GPU; not the same numbers as --backend wasm)')
    .option('--threads <n>', 'wasm threads for large matrix products (0: one per core, up to 4; results do not depend on it)', parseInteger(0), d.threads)
    .option('--data-dir <dir>', 'MNIST-shaped IDX files (raw or .gz) or binarized_mnist_*.amat (default: the bundled MNIST)')
    .option('--out <dir>', 'run folder (default runs/<model>-<latent>-<estimator>-<time>)')
    .option('--resume', `continue the run in --out from its ${FILES.checkpoint}`)
    .option('--json', 'print result.json on stdout as the last line')
    .addOption(new Option('--y-estimator <name>', 'ssvae: how unlabeled y is handled').choices(Y_ESTIMATORS).default(SSVAE_DEFAULTS.yEstimator))
    .option('--labels <n>', 'ssvae: labeled examples (as many of each class)', parseInteger(1), SSVAE_DEFAULTS.labels)
    .option('--alpha <a>', 'ssvae: α of the paper (0.1, 0.2, 0.3, 0.8 or 1.0); the labeled −log q(y|x) is weighted α·N/N_labels per example, as in Kingma et al.', parsePositive(true), SSVAE_DEFAULTS.alpha)
    .option('--labeled-batch <n>', 'ssvae: labeled rows per step (at most --labels)', parseInteger(1), SSVAE_DEFAULTS.labeledBatch)
    .action(async (model: ModelName | 'ssvae', o: TrainOpts, cmd: Command) => {
      const fromCli = (k: string) => cmd.getOptionValueSource(k) === 'cli';
      if (model === 'ssvae') return trainSsvae(o, fromCli, io, setCode);
      for (const k of ['yEstimator', 'labels', 'alpha', 'labeledBatch'] as const) {
        if (fromCli(k)) throw new CliError(`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is an option of ssvae, not of ${model}`, EXIT.usage);
      }
      if (o.resume && !o.out) throw new CliError('--resume needs --out <run-dir>: the run to continue', EXIT.usage);
      const config = validateConfig({
        model, latent: o.latent, estimator: o.estimator, steps: o.steps, batch: o.batch, optimizer: o.optimizer, lr: o.lr,
        momentum: o.momentum,
        tau: o.tau ?? (model === 'sbn' && !fromCli('tauRate') ? 1 : null),
        tauRate: o.tauRate, tauEvery: o.tauEvery, tauMin: o.tauMin, units: o.units, vars: o.vars, classes: o.classes, prior: o.prior, hidden: o.hidden,
        evalSamples: o.evalSamples, evalEvery: o.evalEvery, validSamples: o.validSamples, validSize: o.validSize,
        trainSize: o.trainSize, testSize: o.testSize, logEvery: o.logEvery, seed: o.seed, backend: o.backend, tfjsBackend: o.tfjsBackend, tfjsNativeRng: !!o.tfjsNativeRng, threads: o.threads, dataDir: o.dataDir ?? null,
      });
      const outDir = o.out ?? `runs/${model}-${config.latent}-${config.estimator}-${stamp()}`;
      await checkOutDir('--out', outDir);
      await onInterrupt(io, async (stop) => {
        // On --resume the run's config.json wins; --steps may extend it.
        const { result, step } = await runTraining({
          config, outDir, resume: !!o.resume, resumeSteps: fromCli('steps') ? o.steps : undefined, stderr: io.stderr, stop,
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
        if (o.json) io.stdout.write(JSON.stringify(result) + '\n');
      });
    });
}

/** `gumbel train ssvae`: the options that apply to it, and its run. */
async function trainSsvae(o: TrainOpts, fromCli: (k: string) => boolean, io: IO, setCode: (code: number) => void): Promise<void> {
  const foreign = ['tfjsBackend', 'tfjsNativeRng', 'latent', 'estimator', 'optimizer', 'momentum', 'tauRate', 'tauEvery', 'tauMin', 'tau', 'prior', 'units', 'vars', 'hidden', 'evalSamples', 'validSamples', 'trainSize']
    .filter(fromCli);
  if (foreign.length) {
    throw new CliError(`ssvae does not take ${foreign.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')} (it trains with Adam and the paper's τ schedule; see gumbel train --help)`, EXIT.usage);
  }
  const d = SSVAE_DEFAULTS;
  const config = validateSsvaeConfig({
    ...d, yEstimator: o.yEstimator, labels: o.labels, alpha: o.alpha, labeledBatch: o.labeledBatch,
    classes: fromCli('classes') ? o.classes : d.classes,
    steps: fromCli('steps') ? o.steps : d.steps, batch: fromCli('batch') ? o.batch : d.batch, lr: fromCli('lr') ? o.lr : d.lr, seed: o.seed,
    evalEvery: fromCli('evalEvery') ? o.evalEvery : d.evalEvery, validSize: fromCli('validSize') ? o.validSize : d.validSize, testSize: o.testSize,
    dataDir: o.dataDir ?? null,
  });
  if (config.classes !== 10) throw new CliError(`ssvae on MNIST has 10 classes, found --classes ${config.classes} (other k: gumbel reproduce speed)`, EXIT.usage);
  if (o.resume && !o.out) throw new CliError('--resume needs --out <run-dir>: the run to continue', EXIT.usage);
  const outDir = o.out ?? `runs/ssvae-${config.yEstimator}-alpha${config.alpha}-${stamp()}`;
  await checkOutDir('--out', outDir);
  const r = await onInterrupt(io, async (stop) => {
    const res = await runSsvae({
      config, outDir, stderr: io.stderr, backend: o.backend, threads: o.threads, stop, resume: !!o.resume, resumeSteps: o.resume && fromCli('steps') ? o.steps : undefined,
    });
    if (!res) {
      io.stderr.write(`interrupted: checkpoint written to ${outDir}/checkpoint; continue with: gumbel train ssvae --out ${outDir} --resume\n`);
      setCode(signalExit(stop.signal ?? 'SIGINT'));
    }
    return res;
  });
  if (!r) return;
  io.stderr.write(
    `ssvae ${r.yEstimator} α=${r.alpha}: test accuracy ${(100 * r.test.accuracy).toFixed(2)}% (paper ${(100 * r.paper.accuracy).toFixed(1)}%), ` +
      `ELBO ${r.test.elbo.toFixed(2)} (paper ${r.paper.elbo}) after ${r.steps} steps, ${r.timings.stepsPerSec.toFixed(2)} steps/s on ${r.backend.name} (${r.backend.variant}); run folder ${outDir}\n`,
  );
  if (o.json) io.stdout.write(JSON.stringify(r) + '\n');
  setCode(EXIT.ok);
}

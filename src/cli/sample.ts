// `gumbel sample <run-dir>`: a PNG grid of VAE samples from the prior, or SBN completions of test upper halves.
import { join } from 'node:path';
import { Command } from 'commander';
import { writeAtomic } from '../train/files.js';
import { FILES, loadRun, samplesPng } from '../train/run.js';
import { runKeys } from '../train/trainer.js';
import { optionSpec } from '../train/options.js';
import { type IO, checkOutFile, cliOption, numberSpec } from './util.js';

export function sampleCommand(io: IO): Command {
  return new Command('sample')
    .description('draw model samples (VAE: decode z ~ p(z); SBN: complete test upper halves) as a PNG grid')
    .argument('<run-dir>', 'a run folder written by gumbel train')
    .addOption(cliOption(numberSpec('--n <count>', 'how many images (a square-ish grid)', 'int', 1, 1024), 64, false))
    .option('--out <file>', `PNG path (default <run-dir>/${FILES.samples})`)
    .addOption(cliOption({ ...optionSpec('seed'), help: 'sampling seed (default: the run\'s, which reproduces its samples.png)' }, null, false))
    .addOption(cliOption({ ...optionSpec('backend'), help: 'compute backend (default: the run\'s)' }, null, false))
    .action(async (dir: string, o: { backend?: 'wasm' | 'ref' | 'tfjs'; n: number; out?: string; seed?: number }) => {
      const out = o.out ?? join(dir, FILES.samples);
      await checkOutFile('--out', out);
      const { config, trainer, data, backend } = await loadRun(dir, o.backend);
      try {
        const key = runKeys(o.seed ?? config.optimizer.seed).sample;
        await writeAtomic(out, samplesPng(trainer.model, o.n, key, data.test));
        io.stdout.write(`${out}\n`);
      } finally {
        backend.dispose();
      }
    });
}

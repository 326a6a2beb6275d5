// The `gumbel` command line: train, eval, sample. main() returns the exit code and never exits the
// process itself, so it runs in-process in tests. Exit codes (EXIT in util.ts, README "Options and
// exit codes"): 0 ok, 1 runtime or data error, 2 usage, 130 / 143 interrupted by SIGINT / SIGTERM
// after writing a checkpoint.
import { Command, CommanderError } from 'commander';
import { benchCommand } from './bench.js';
import { evalCommand } from './eval.js';
import { reproduceCommand } from './reproduce.js';
import { sampleCommand } from './sample.js';
import { trainCommand } from './train.js';
import { EXIT, type IO, describeError } from './util.js';

export { EXIT, type IO } from './util.js';

/** Runs `gumbel` with node-style argv (argv[0] node, argv[1] the script). */
export async function main(argv: string[], io: IO = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let code: number = EXIT.ok;
  let current = '';
  const program = new Command('gumbel')
    .description('Gumbel-Softmax and discrete-latent estimators on a WebAssembly SIMD core: train and evaluate the models of Jang, Gu & Poole (ICLR 2017)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showSuggestionAfterError(true);
  program.hook('preAction', (_p, action) => {
    current = action.name();
  });
  program.addCommand(trainCommand(io, (c) => { code = c; }));
  program.addCommand(evalCommand(io));
  program.addCommand(sampleCommand(io));
  program.addCommand(reproduceCommand(io, (c) => { code = c; }));
  program.addCommand(benchCommand(io));
  for (const c of program.commands) c.exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  try {
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; every parse error has been printed on one line by commander.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0) return EXIT.ok;
      if (e.code === 'commander.executeSubCommandAsync') return EXIT.failure;
      return EXIT.usage;
    }
    const { message, code: c } = describeError(e, current || 'gumbel');
    io.stderr.write(message.replace(/^gumbel gumbel/, 'gumbel') + '\n');
    return c;
  }
}

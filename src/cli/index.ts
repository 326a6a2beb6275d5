// The `gumbel` command line. Commands are added in src/cli/<command>.ts.
import { Command } from 'commander';

export async function main(argv: string[]): Promise<number> {
  const program = new Command('gumbel').description('Gumbel-Softmax and discrete-latent estimators on a WebAssembly SIMD core');
  await program.parseAsync(argv);
  return 0;
}

// The `gumbel` command from source (`npx tsx src/cli/main.ts train ...`); bin/gumbel.js runs the build.
import { main } from './index.js';

main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err?.stack ?? String(err)); process.exitCode = 1; },
);

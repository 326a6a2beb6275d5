#!/usr/bin/env node
// The `gumbel` command; the implementation is src/cli (compiled to dist/cli).
import { main } from '../dist/cli/index.js';

main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err?.stack ?? String(err)); process.exitCode = 1; },
);

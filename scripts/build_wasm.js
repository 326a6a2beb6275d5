// Builds every target of asconfig.json (see ARCHITECTURE.md: which build runs where).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const targets = Object.keys(JSON.parse(readFileSync('asconfig.json', 'utf8')).targets);
const only = process.argv.slice(2);
for (const target of only.length ? only : targets) {
  execFileSync(process.execPath, ['node_modules/assemblyscript/bin/asc.js', 'assembly/index.ts', '--config', 'asconfig.json', '--target', target], { stdio: 'inherit' });
}

// How a child process starts one of our scripts: the compiled .js next to this file in dist/, or,
// when running from source, the .ts through tsx.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** `script` relative to src/reproduce without extension (e.g. 'worker', '../cli/main'): its path and the node flags it needs. */
export function scriptEntry(script: string): { path: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    const tsx = createRequire(import.meta.url).resolve('tsx');
    return { path: join(here, '..', `${script}.ts`), execArgv: ['--import', pathToFileURL(tsx).href] };
  }
  return { path: join(here, '..', `${script}.js`), execArgv: [] };
}

// `npm run check`: the static checks .ci/run runs before the tests. Every failure is one line; the
// exit code is 1 if any check fails. `node scripts/check.mjs lines citations` runs only those.
//   types      tsc --noEmit over src, test, bench and examples (tsconfig.json)
//   lines      every folder within its line budget (README.md, "Line budgets")
//   matmul     assembly/kernels/matmul.ts is exactly what scripts/gen_matmul.js writes
//   citations  every document that a code comment or a markdown link cites is in the repository
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GENERATED = 'assembly/kernels/matmul.ts';
const CODE = /\.(ts|js|mjs|cjs|py|sh)$/;
// The team's own notes (docs/), which comments also cite by bare name: "numerics P4", "style-anchors §3.3".
const NOTES = ['DESIGN', 'numerics', 'paper-protocol', 'style-anchors', 'wasm-core-feasibility', 'ecosystem', 'scale-out', 'estimators-after-the-paper'];

const failures = [];
const fail = (check, message) => failures.push(`check ${check}: ${message}`);
const read = (path) => readFileSync(join(ROOT, path), 'utf8');

/** The repository's files (tracked, and new ones git does not ignore), relative to the root. */
function repoFiles() {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  return [...new Set(out.split('\0'))].filter((f) => f && existsSync(join(ROOT, f)));
}

function types() {
  const tsc = createRequire(import.meta.url).resolve('typescript/lib/tsc.js');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--noEmit', '--pretty', 'false'], { cwd: ROOT, encoding: 'utf8' });
  const errors = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim());
  for (const e of errors) fail('types', e);
  if (r.status !== 0 && !errors.length) fail('types', `tsc exited ${r.status}`);
}

/** Budgets from README.md's "Line budgets" table: | `folder` | lines |. */
function budgets() {
  const section = read('README.md').split(/^## /m).find((s) => s.startsWith('Line budgets'));
  if (!section) return fail('lines', 'README.md must have a "## Line budgets" section, found none'), [];
  return [...section.matchAll(/^\|\s*`([^`]+)`\s*\|\s*([\d,]+)\s*\|/gm)].map((m) => ({ folder: m[1], max: Number(m[2].replace(/,/g, '')), lines: 0 }));
}

function lines(files) {
  const table = budgets().sort((a, b) => b.folder.length - a.folder.length); // a file counts toward its deepest listed folder
  for (const f of files) {
    if (!CODE.test(f) || f === GENERATED) continue;
    const b = table.find((t) => f.startsWith(`${t.folder}/`));
    if (b) b.lines += read(f).split('\n').length - 1;
  }
  for (const b of table) if (b.lines > b.max) fail('lines', `${b.folder} has ${b.lines} lines, over its budget of ${b.max} (README.md, "Line budgets")`);
}

function matmul() {
  const dir = mkdtempSync(join(tmpdir(), 'gumbel-check-'));
  try {
    const out = join(dir, 'matmul.ts');
    execFileSync(process.execPath, ['scripts/gen_matmul.js', '--out', out], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    const want = readFileSync(out, 'utf8').split('\n'), have = read(GENERATED).split('\n');
    const at = want.findIndex((l, i) => l !== have[i]);
    if (at >= 0 || have.length !== want.length) {
      fail('matmul', `${GENERATED} differs from the output of scripts/gen_matmul.js at line ${(at >= 0 ? at : want.length) + 1}: run node scripts/gen_matmul.js`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function citations(files) {
  const names = new Set(files.map((f) => posix.basename(f)));
  // A path must exist from the citing file or the root; a bare name anywhere (table1.md is in results/).
  const has = (from, cited) => existsSync(join(ROOT, dirname(from), cited)) || existsSync(join(ROOT, cited)) || (!cited.includes('/') && names.has(cited));
  for (const f of files) {
    if (/\.(ts|js|mjs|cjs)$/.test(f)) {
      const comments = read(f).match(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g) ?? [];
      for (const c of comments) {
        for (const [cited] of c.matchAll(/[\w.-][\w./-]*\.md\b/g)) if (!has(f, cited)) fail('citations', `${f} cites ${cited}, which the repository does not contain`);
        for (const [, note] of c.matchAll(new RegExp(`\\b(${NOTES.join('|')})\\b(?!\\.md)`, 'g'))) {
          if (!existsSync(join(ROOT, 'docs', `${note}.md`))) fail('citations', `${f} cites ${note}, which must be docs/${note}.md, found none`);
        }
      }
    } else if (f.endsWith('.md')) {
      for (const [, link] of read(f).matchAll(/\]\(([^)#\s]+)[^)]*\)/g)) {
        if (!/^[a-z]+:/.test(link) && !existsSync(join(ROOT, dirname(f), link))) fail('citations', `${f} links to ${link}, which the repository does not contain`);
      }
    }
  }
}

const CHECKS = { types, lines, matmul, citations };
const asked = process.argv.slice(2);
for (const name of asked) if (!(name in CHECKS)) fail('args', `a check must be one of ${Object.keys(CHECKS).join(', ')}, found ${name}`);
const files = repoFiles();
for (const name of asked.length ? asked.filter((n) => n in CHECKS) : Object.keys(CHECKS)) CHECKS[name](files);
for (const f of failures) console.error(f);
console.log(failures.length ? `check: ${failures.length} failed` : `check: ${asked.length ? asked.join(', ') : Object.keys(CHECKS).join(', ')} ok`);
process.exitCode = failures.length ? 1 : 0;

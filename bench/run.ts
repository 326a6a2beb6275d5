// `npm run bench -- <suite> [filter...] [--json]`: runs bench/<suite>/*.bench.ts (all suites when
// none is named), prints a table (or one JSON object per line with --json), and writes
// bench/results/<suite>-<date>.json.
import { mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { BenchContext, Row } from './harness.js';

const SUITES = ['kernels', 'conv', 'estimators', 'models'];

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const json = argv.includes('--json');
  const rest = argv.filter((a) => a !== '--json');
  const suites = rest.length && SUITES.includes(rest[0]) ? [rest.shift()!] : SUITES;
  const ctx: BenchContext = { args: rest };

  // benny logs progress on stdout; keep stdout for results only.
  const log = console.log;
  console.log = (...a: unknown[]) => console.error(...a);
  const emit = (row: Row) => (json ? log(JSON.stringify(row)) : undefined);

  console.error(`# ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, Node ${process.version}`);
  for (const suite of suites) {
    const dir = new URL(`./${suite}/`, import.meta.url);
    let files: string[] = [];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort();
    } catch {
      continue;
    }
    const rows: Row[] = [];
    for (const f of files) {
      const id = f.replace('.bench.ts', '');
      if (suite === 'kernels' && ctx.args.length && !ctx.args.includes(id)) continue;
      const mod = (await import(new URL(f, dir).href)) as { run: (ctx: BenchContext) => Promise<Row[]> };
      for (const row of await mod.run(ctx)) {
        rows.push(row);
        emit(row);
      }
    }
    if (!json) printTable(log, rows);
    mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
    const out = new URL(`./results/${suite}-${new Date().toISOString().slice(0, 10)}.json`, import.meta.url);
    writeFileSync(`${out.pathname}.tmp`, JSON.stringify({ node: process.version, cpu: cpus()[0]?.model, rows }, null, 1));
    renameSync(`${out.pathname}.tmp`, out.pathname);
  }
}

function printTable(log: (...a: unknown[]) => void, rows: Row[]): void {
  if (rows.length && !('kernel' in rows[0])) {
    // Other suites: one line per row, its fields in order.
    for (const r of rows) log(Object.entries(r).map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toPrecision(5) : v}`).join('  '));
    return;
  }
  const byKey = new Map<string, Row[]>();
  for (const r of rows) byKey.set(`${r.kernel} ${r.shape}`, [...(byKey.get(`${r.kernel} ${r.shape}`) ?? []), r]);
  for (const [k, rs] of byKey) {
    log(`\n${k}`);
    for (const r of rs) log(`  ${r.impl.padEnd(14)} ${r.median.toFixed(2).padStart(10)} ${r.unit}`);
  }
}

await main();

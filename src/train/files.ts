// Node file helpers for run folders: every write goes to a temporary name first, then is renamed,
// so a reader (or a crash) never sees half a file.
import { randomBytes } from 'node:crypto';
import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import { FormatError } from '../errors.js';

/** Whether a path exists (file or folder). */
export const exists = (p: string): Promise<boolean> => stat(p).then(() => true, () => false);

/** A folder under the working directory as a relative path, so committed results name no machine's paths. */
export function portablePath(dir: string): string {
  const rel = relative(process.cwd(), dir);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : dir;
}

export async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

export async function readJson<T>(path: string, what: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new FormatError(`${what}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new FormatError(`${what}: ${path} is not valid JSON (${(e as Error).message})`);
  }
}

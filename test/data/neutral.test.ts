// The data pipeline below src/data/node.ts must run in browsers, Deno and workers: no Node API.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(import.meta.dirname, '../../src/data');

describe('runtime neutrality', () => {
  it('only node.ts uses Node APIs', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'node.ts');
    expect(files).toContain('index.ts');
    for (const f of files) {
      const src = readFileSync(join(dir, f), 'utf8');
      expect(src, f).not.toMatch(/from\s+['"](node:|fs|path|os|zlib|crypto)/);
      expect(src, f).not.toMatch(/\b(Buffer|process|require)\b[.(]/);
      expect(src, f).not.toMatch(/from\s+['"]\.\/node\.js['"]/);
    }
  });
});

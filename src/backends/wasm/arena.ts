// Memory for the wasm backend. TypeScript owns all of it; kernels only see byte offsets.
// Two bump allocators over chunks of one WebAssembly.Memory:
// - persistent: parameters and optimizer state; freed buffers are reused by exact size;
// - scratch: per-step tensors; reset() rewinds to the first chunk in O(1).
// A buffer never straddles chunks; a chunk is grown on demand with memory.grow (a smaller one when
// the last 16 MiB of the address space cannot hold a whole chunk).
// Offsets run to 4 GiB (wasm32): unsigned numbers, so never `| 0` or `>> 2` them in TypeScript
// (the pool's Int32 control block carries their bits, which wasm reads back as the same u32).
import { MemoryError } from '../../errors.js';

const PAGE = 65536;
const CHUNK = 16 << 20;
const ALIGN = 64; // a cache line: threads writing neighbouring buffers never share one

export interface Chunk {
  base: number;
  size: number;
}

export class Region {
  private chunks: Chunk[] = [];
  private cur = 0;
  private off = 0;
  private freeBySize = new Map<number, number[]>();

  constructor(private grow: Grow) {}

  alloc(bytes: number): number {
    bytes = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    const reused = this.freeBySize.get(bytes)?.pop();
    if (reused !== undefined) return reused;
    for (;;) {
      const c = this.chunks[this.cur];
      if (c && this.off + bytes <= c.size) {
        const ptr = c.base + this.off;
        this.off += bytes;
        return ptr;
      }
      if (c && this.cur + 1 < this.chunks.length) {
        this.cur++;
        this.off = 0;
        continue;
      }
      this.chunks.push(this.grow(Math.max(CHUNK, bytes), bytes));
      this.cur = this.chunks.length - 1;
      this.off = 0;
    }
  }

  free(ptr: number, bytes: number): void {
    bytes = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    const list = this.freeBySize.get(bytes) ?? [];
    list.push(ptr);
    this.freeBySize.set(bytes, list);
  }

  reset(): void {
    this.cur = 0;
    this.off = 0;
  }

  get reservedBytes(): number {
    return this.chunks.reduce((s, c) => s + c.size, 0);
  }
}

/** Grows memory by `want` bytes, or by `need` where `want` does not fit; returns the new space. */
export type Grow = (want: number, need: number) => Chunk;

/**
 * Grows memory by whole pages up to maxPages (65536 = 4 GiB, the wasm32 limit); past it, or when
 * the engine refuses, throws a MemoryError that gives the bytes asked and the bytes left.
 */
export function grower(memory: WebAssembly.Memory, maxPages: number): Grow {
  return (want, need) => {
    const used = memory.buffer.byteLength / PAGE;
    const left = (maxPages - used) * PAGE;
    const size = Math.ceil((want <= left ? want : need) / PAGE) * PAGE;
    const fail = (why: string) =>
      new MemoryError(`wasm backend: cannot allocate ${need} bytes: ${left} bytes available (${used * PAGE} of at most ${maxPages * PAGE} bytes in use${why})`);
    if (size > left) throw fail('');
    try {
      return { base: memory.grow(size / PAGE) * PAGE, size };
    } catch (e) {
      throw fail(`; the engine refused to grow: ${(e as Error).message}`);
    }
  };
}

// Memory for the wasm backend. TypeScript owns all of it; kernels only see byte offsets.
// Two bump allocators over chunks of one WebAssembly.Memory:
// - persistent: parameters and optimizer state; freed buffers are reused by exact size;
// - scratch: per-step tensors; reset() rewinds to the first chunk in O(1).
// A buffer never straddles chunks; a chunk is grown on demand with memory.grow.

const PAGE = 65536;
const CHUNK = 16 << 20;
const ALIGN = 64; // a cache line: threads writing neighbouring buffers never share one

interface Chunk {
  base: number;
  size: number;
}

export class Region {
  private chunks: Chunk[] = [];
  private cur = 0;
  private off = 0;
  private freeBySize = new Map<number, number[]>();

  constructor(private grow: (bytes: number) => number) {}

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
      const size = Math.max(CHUNK, Math.ceil(bytes / PAGE) * PAGE);
      this.chunks.push({ base: this.grow(size), size });
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

/** Grows memory by whole pages and returns the byte offset of the new space. */
export function grower(memory: WebAssembly.Memory): (bytes: number) => number {
  return (bytes) => memory.grow(Math.ceil(bytes / PAGE)) * PAGE;
}

// Tensor: a shape plus a buffer on one backend. No math here (see ops.ts).
import type { Backend } from './backend.js';
import { GumbelError, MemoryError, fmtShape } from './errors.js';
import type { Buf, F } from './kernels.js';
import type { Node } from './autograd/tape.js';

let nextId = 0;

export class Tensor {
  readonly id = nextId++;
  readonly size: number;
  /** Autograd: how this tensor was computed, when some input needed a gradient. */
  node: Node | null = null;
  /** A leaf whose gradient is wanted (parameters). */
  requiresGrad = false;
  /** The scratch generation this tensor was allocated in; -1 for persistent tensors. */
  readonly generation: number;

  /** `generation` is only passed for views of another tensor's buffer (reshape, stopGradient). */
  constructor(readonly backend: Backend, readonly buf: Buf, readonly shape: readonly number[], persistent: boolean, generation?: number) {
    this.size = shape.reduce((a, b) => a * b, 1);
    this.generation = generation ?? (persistent ? -1 : backend.generation);
  }

  get persistent(): boolean {
    return this.generation < 0;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Throws if the tensor lived in scratch memory that has since been reset. */
  assertAlive(where: string): void {
    if (this.generation >= 0 && this.generation !== this.backend.generation) {
      throw new MemoryError(`${where}: tensor ${fmtShape(this.shape)} was scratch memory of an earlier step and has been freed; keep it with ops.keep() or read it before resetScratch()`);
    }
  }

  /** A copy of the values. */
  data(): F {
    this.assertAlive('Tensor.data');
    return this.backend.read(this.buf, 0, this.size);
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new GumbelError(`Tensor.item: tensor must have 1 element, found shape ${fmtShape(this.shape)}`);
    return this.data()[0];
  }

  toString(): string {
    return `Tensor${fmtShape(this.shape)}`;
  }
}

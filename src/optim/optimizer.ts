// Optimizers: SGD with momentum and Adam, updating persistent parameters in place with one
// kernel call per parameter. State (momentum, moments) lives in persistent memory.
import type { Buf } from '../kernels.js';
import { ArgumentError, ShapeError, checkNumber, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';

export interface Optimizer {
  readonly name: 'sgd' | 'adam';
  lr: number;
  /** Applies one update; grads[i] belongs to params[i] (null: no gradient this step). */
  step(params: Tensor[], grads: (Tensor | null)[]): void;
  /** Step count and state buffers, for checkpoints. */
  state(): { t: number; buffers: Float32Array[] };
  loadState(s: { t: number; buffers: Float32Array[] }): void;
}

abstract class Base {
  t = 0;
  protected slots = new Map<Tensor, Buf[]>();
  constructor(readonly nSlots: number) {}

  protected slotsFor(p: Tensor): Buf[] {
    let s = this.slots.get(p);
    if (!s) {
      s = Array.from({ length: this.nSlots }, () => {
        const b = p.backend.alloc(p.size, true);
        p.backend.fill(b, p.size, 0);
        return b;
      });
      this.slots.set(p, s);
    }
    return s;
  }

  protected check(params: Tensor[], grads: (Tensor | null)[]): void {
    if (params.length !== grads.length) throw new ArgumentError(`optimizer.step: ${params.length} params but ${grads.length} grads`);
    params.forEach((p, i) => {
      if (!p.persistent) throw new ArgumentError(`optimizer.step: param ${i} ${fmtShape(p.shape)} must be persistent (a variable)`);
      const g = grads[i];
      if (g && g.size !== p.size) throw new ShapeError(`optimizer.step: grad ${i} is ${fmtShape(g.shape)} but its param is ${fmtShape(p.shape)}`);
    });
  }

  state(): { t: number; buffers: Float32Array[] } {
    const buffers: Float32Array[] = [];
    for (const [p, s] of this.slots) for (const b of s) buffers.push(Float32Array.from(p.backend.read(b)));
    return { t: this.t, buffers };
  }

  /** Restores state saved by state(); call after one step()-free slotsFor pass via `init(params)`. */
  loadState(st: { t: number; buffers: Float32Array[] }): void {
    this.t = st.t;
    let i = 0;
    for (const [p, s] of this.slots) for (const b of s) p.backend.write(b, st.buffers[i++]);
  }

  /** Allocates state for params in a fixed order (so state() and loadState() line up). */
  init(params: Tensor[]): this {
    for (const p of params) this.slotsFor(p);
    return this;
  }
}

/** v = μ·v + g;  p −= lr·v. */
export class SGD extends Base implements Optimizer {
  readonly name = 'sgd';
  constructor(public lr: number, readonly momentum = 0.9) {
    super(1);
    checkNumber('SGD', 'lr', lr, { positive: true });
    checkNumber('SGD', 'momentum', momentum, { nonNegative: true });
  }

  step(params: Tensor[], grads: (Tensor | null)[]): void {
    this.check(params, grads);
    this.t++;
    params.forEach((p, i) => {
      const g = grads[i];
      if (g) p.backend.sgd_momentum(p.buf, g.buf, this.slotsFor(p)[0], p.size, this.lr, this.momentum);
    });
  }
}

/** Adam (Kingma & Ba 2015) with bias correction. */
export class Adam extends Base implements Optimizer {
  readonly name = 'adam';
  constructor(public lr: number, readonly beta1 = 0.9, readonly beta2 = 0.999, readonly eps = 1e-8) {
    super(2);
    checkNumber('Adam', 'lr', lr, { positive: true });
  }

  step(params: Tensor[], grads: (Tensor | null)[]): void {
    this.check(params, grads);
    this.t++;
    params.forEach((p, i) => {
      const g = grads[i];
      if (!g) return;
      const [m, v] = this.slotsFor(p);
      p.backend.adam(p.buf, g.buf, m, v, p.size, this.lr, this.beta1, this.beta2, this.eps, this.t);
    });
  }
}

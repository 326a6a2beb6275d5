// Reverse-mode autograd. An op whose inputs need a gradient attaches a Node to its output: the
// op name (the key of its rule in grads.ts), its inputs, and attributes the rule needs.
// grad() walks the nodes reachable from the outputs in reverse creation order (tensor ids grow
// with creation, so that order is topological) and sums cotangents.
// OpAttrs is the one list of recorded ops: record() and the rule table (GradTable) are typed by
// it, so an op without a rule, a rule without an op, or a misspelt attribute does not compile.
// Higher order: grad(..., { createGraph: true }) runs the rules with recording on, so the
// cotangents it returns are themselves on the tape and can be differentiated again (the variance
// gradient ∂E[ĝ²]/∂φ of REBAR and RELAX). Rules that use a backward kernel switch to the same
// formula in recorded ops then (grads.ts); conv2d, conv2d_transpose and the two KL rules have no
// such form and their outputs carry a node that throws if a later grad() reaches it.
import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import type { BinaryOp, Bcast, UnaryOp } from '../kernels.js';
import { type ConvGeometry, add, full, reshape } from '../ops.js';
import type { Tensor } from '../tensor.js';
import { GRADS } from './grads.js';

/** Every recorded op and the attributes its gradient rule reads. */
export interface OpAttrs {
  reshape: {};
  unary: { op: UnaryOp };
  scale: { alpha: number };
  binary: { op: BinaryOp; rows: number; cols: number; mode: Bcast };
  sum: { axis: 'all' | 0 | -1 };
  matmul: { transA: boolean; transB: boolean };
  linear: {};
  conv2d: { g: ConvGeometry; cols: Tensor };
  conv2d_transpose: { g: ConvGeometry };
  softmax: { k: number };
  log_softmax: { k: number };
  logsumexp: { k: number };
  kl_categorical: { k: number };
  kl_bernoulli: {};
  sigmoid_xent: {};
}

export type OpName = keyof OpAttrs;

type Vjp = (dy: Tensor) => (Tensor | null)[];

/** How a tensor was computed: a table op with its attributes, or a custom rule (customGrad). */
export type Node =
  | { [K in OpName]: { readonly op: K; readonly inputs: readonly Tensor[]; readonly attrs: Readonly<OpAttrs[K]> } }[OpName]
  | { readonly op: 'custom'; readonly inputs: readonly Tensor[]; readonly vjp: Vjp };

export type GradRule<K extends OpName> = (dy: Tensor, inputs: readonly Tensor[], output: Tensor, attrs: Readonly<OpAttrs[K]>) => (Tensor | null)[];

/** One rule per op of OpAttrs. */
export type GradTable = { [K in OpName]: GradRule<K> };

const ruleOf = <K extends OpName>(op: K): GradRule<K> => GRADS[op];

let enabled = true;

/** Whether ops record now: true inside grad(..., { createGraph: true }), where rules must be built of recorded ops. */
export const recording = (): boolean => enabled;

/** Whether a gradient can flow into t (a parameter, or computed from one); rules may skip the others. */
export const needsGrad = (t: Tensor): boolean => t.requiresGrad || t.node !== null;

/** Ids of the tensors the running grad() wants a cotangent of (those on a path to one of its wrt); null outside grad(). */
let wanted: Set<number> | null = null;

/** Whether the running grad() wants t's cotangent: rules skip the others (data, parameters not asked for). */
export const wantsGrad = (t: Tensor): boolean => needsGrad(t) && (!wanted || wanted.has(t.id));

/** Called by ops after computing `output`. */
export function record<K extends OpName>(op: K, inputs: readonly Tensor[], output: Tensor, attrs: OpAttrs[K]): void {
  if (enabled && inputs.some(needsGrad)) output.node = { op, inputs, attrs } as Node;
}

/** Called by customGrad: output's cotangent goes to the inputs through vjp instead of a table rule. */
export function recordCustom(inputs: readonly Tensor[], output: Tensor, vjp: Vjp): void {
  if (enabled && inputs.some(needsGrad)) output.node = { op: 'custom', inputs, vjp };
}

/** Runs fn without recording anything (evaluation, mean-field passes whose gradient is not wanted). */
export function noGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

export interface GradOptions {
  /** Record the backward pass, so the gradients can be differentiated again (default false). */
  createGraph?: boolean;
}

/**
 * Gradients of Σᵢ ⟨seedᵢ, outputᵢ⟩ with respect to each tensor in `wrt` (null where no path).
 * Seeds default to ones for one-element outputs. Several outputs at once: MuProp needs ∂f/∂z.
 */
export function grad(outputs: Tensor | Tensor[], wrt: Tensor[], seeds?: Tensor[], opts: GradOptions = {}): (Tensor | null)[] {
  const outs = Array.isArray(outputs) ? outputs : [outputs];
  const cot = new Map<number, Tensor>();
  for (const [i, o] of outs.entries()) {
    const s = seeds?.[i] ?? (o.size === 1 ? full(o.shape, 1, { backend: o.backend }) : null);
    if (!s) throw new ArgumentError(`grad: output ${i} ${fmtShape(o.shape)} is not a scalar: pass a seed cotangent`);
    if (s.size !== o.size) throw new ShapeError(`grad: seed ${i} must have ${o.size} elements like its output ${fmtShape(o.shape)}, found ${fmtShape(s.shape)}`);
    accumulate(cot, o, s);
  }
  // Collect reachable nodes; a freed tensor on the path would make its rule read another step's data.
  const seen = new Map<number, Tensor>();
  const stack = [...outs];
  while (stack.length) {
    const t = stack.pop()!;
    t.assertAlive('grad');
    if (seen.has(t.id) || !t.node) continue;
    seen.set(t.id, t);
    stack.push(...t.node.inputs);
  }
  const order = [...seen.values()].sort((a, b) => b.id - a.id);
  // Only tensors on a path to a wrt tensor get a cotangent: the rest (e.g. the parameters when MuProp
  // asks for ∂f/∂z, or the data under a first layer) would be computed and dropped. Same numbers.
  const want = new Set(wrt.map((w) => w.id));
  for (let j = order.length - 1; j >= 0; j--) if (order[j].node!.inputs.some((x) => want.has(x.id))) want.add(order[j].id);
  const outer = wanted;
  wanted = want;
  try {
    for (const t of order) {
      const dy = cot.get(t.id);
      const node = t.node!;
      if (!dy || !want.has(t.id)) continue;
      const rule = () => (node.op === 'custom' ? node.vjp(dy) : ruleOf(node.op)(dy, node.inputs, t, node.attrs));
      const dxs = opts.createGraph ? rule() : noGrad(rule);
      node.inputs.forEach((x, i) => {
        const dx = dxs[i];
        if (dx && wantsGrad(x)) accumulate(cot, x, dx);
      });
    }
  } finally {
    wanted = outer;
  }
  return wrt.map((w) => cot.get(w.id) ?? null);
}

function accumulate(cot: Map<number, Tensor>, t: Tensor, d: Tensor): void {
  // Rules may return a same-sized view with another shape ([] vs [1]); reshape checks the size.
  const dd = d.rank === t.rank && d.shape.every((n, i) => n === t.shape[i]) ? d : reshape(d, t.shape);
  const prev = cot.get(t.id);
  cot.set(t.id, prev ? add(prev, dd) : dd);
}

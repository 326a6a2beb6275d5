// Reverse-mode autograd. Every op whose inputs need a gradient attaches a Node to its output:
// the op id (the key of its rule in grads.ts), its inputs, and what the rule saved.
// backward() walks the nodes reachable from the outputs in reverse creation order.
import type { Tensor } from '../tensor.js';

export interface Node {
  /** The op, e.g. 'matmul' or 'custom:st'; rules live in grads.ts or in the node itself. */
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** Given the output's cotangent, returns one cotangent per input (null: no gradient). */
  readonly vjp: (dy: Tensor) => (Tensor | null)[];
}

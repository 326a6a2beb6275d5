import { sigmoid } from './unary.js';

export function sigmoid_xent_grad(logits: Float32Array, targets: Float32Array, dy: Float32Array, dl: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) dl[i] = dy[i] * (sigmoid(logits[i]) - targets[i]);
}

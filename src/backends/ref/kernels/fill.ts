export function fill(y: Float32Array, n: number, value: number): void {
  y.fill(value, 0, n);
}

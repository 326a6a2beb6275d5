// fill: y[i] = value for i < n. The simplest kernel; also the ABI's smoke test.
export function fill_f32__scalar(y: usize, n: i32, value: f32): void {
  for (let i = 0; i < n; i++) store<f32>(y + (<usize>i << 2), value);
}

export function fill_f32__simd128(y: usize, n: i32, value: f32): void {
  const vv = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(y + (<usize>i << 2), vv);
  for (; i < n; i++) store<f32>(y + (<usize>i << 2), value);
}

export function fill_f32(y: usize, n: i32, value: f32): void {
  if (ASC_FEATURE_SIMD) fill_f32__simd128(y, n, value);
  else fill_f32__scalar(y, n, value);
}

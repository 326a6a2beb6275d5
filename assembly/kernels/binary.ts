// binary: y[r,c] = a[r,c] ∘ b[·] for a [rows, cols] a, in place allowed (y = a).
//
//   op (BINARY_* of assembly/codes.ts): add, sub, mul, div, max, min
//   bcast (BCAST_*): NONE b[r,c], ROW b[c], COL b[r], SCALAR b[0]
//
// max/min propagate NaN and order −0 < +0 (wasm f32.max / f32x4.max, IEEE 754-2019 maximum), as
// the `ref` backend does. Every op is a single correctly rounded IEEE operation, so the SIMD lanes,
// the scalar leftovers and `ref` (f64, rounded on store) agree bit for bit.
//
// Layout of the loops: None and Scalar run over the flat n = rows·cols elements; Row and Col run
// row by row (b's vector reloaded per column block for Row, splatted once per row for Col).
// Each (op, bcast) pair is its own loop: the op is a compile-time constant inside the loops.
import { BCAST_COL, BCAST_NONE, BCAST_ROW, BCAST_SCALAR, BINARY_ADD, BINARY_DIV, BINARY_MAX, BINARY_MIN, BINARY_MUL, BINARY_SUB } from '../codes';

// @ts-ignore: decorator
@inline function op1(op: i32, a: f32, b: f32): f32 {
  if (op == BINARY_ADD) return a + b;
  if (op == BINARY_SUB) return a - b;
  if (op == BINARY_MUL) return a * b;
  if (op == BINARY_DIV) return a / b;
  if (op == BINARY_MAX) return max<f32>(a, b);
  return min<f32>(a, b);
}

// @ts-ignore: decorator
@inline function op4(op: i32, a: v128, b: v128): v128 {
  if (op == BINARY_ADD) return f32x4.add(a, b);
  if (op == BINARY_SUB) return f32x4.sub(a, b);
  if (op == BINARY_MUL) return f32x4.mul(a, b);
  if (op == BINARY_DIV) return f32x4.div(a, b);
  if (op == BINARY_MAX) return f32x4.max(a, b);
  return f32x4.min(a, b);
}

/** b's element for element (r, c). */
// @ts-ignore: decorator
@inline function bAt(bcast: i32, b: usize, r: i32, c: i32, cols: i32): f32 {
  if (bcast == BCAST_NONE) return load<f32>(b + ((<usize>r * cols + c) << 2));
  if (bcast == BCAST_ROW) return load<f32>(b + (<usize>c << 2));
  if (bcast == BCAST_COL) return load<f32>(b + (<usize>r << 2));
  return load<f32>(b);
}

// @ts-ignore: decorator
@inline function binaryScalar(op: i32, bcast: i32, a: usize, b: usize, y: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const row = <usize>r * cols;
    for (let c = 0; c < cols; c++) {
      const o = (row + c) << 2;
      store<f32>(y + o, op1(op, load<f32>(a + o), bAt(bcast, b, r, c, cols)));
    }
  }
}

/** y[i] = a[i] ∘ b[i] (stride = 1) or a[i] ∘ b[0] (stride = 0), i < n. */
// @ts-ignore: decorator
@inline function flat(op: i32, a: usize, b: usize, y: usize, n: i32, bStride: i32): void {
  const vs = bStride ? f32x4.splat(0) : f32x4.splat(load<f32>(b));
  let i = 0;
  // NOTE: do-while, exit at the bottom: V8 hoists loop invariants (vs) only from blocks that
  // dominate the loop exit.
  if (n >= 8) {
    do {
      const o = <usize>i << 2;
      const b0 = bStride ? v128.load(b + o) : vs, b1 = bStride ? v128.load(b + o, 16) : vs;
      v128.store(y + o, op4(op, v128.load(a + o), b0));
      v128.store(y + o, op4(op, v128.load(a + o, 16), b1), 16);
      i += 8;
    } while (i + 8 <= n);
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, op4(op, v128.load(a + o), bStride ? v128.load(b + o) : vs));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, op1(op, load<f32>(a + o), load<f32>(b + (bStride ? o : 0))));
  }
}

// @ts-ignore: decorator
@inline function binarySimd(op: i32, bcast: i32, a: usize, b: usize, y: usize, rows: i32, cols: i32): void {
  // (dispatch below names this path in every build; without SIMD it compiles to the scalar loop)
  if (!ASC_FEATURE_SIMD) binaryScalar(op, bcast, a, b, y, rows, cols);
  else if (bcast == BCAST_NONE) flat(op, a, b, y, rows * cols, 1);
  else if (bcast == BCAST_ROW) {
    for (let r = 0; r < rows; r++) {
      const row = (<usize>r * cols) << 2;
      flat(op, a + row, b, y + row, cols, 1);
    }
  } else if (bcast == BCAST_COL) {
    for (let r = 0; r < rows; r++) {
      const row = (<usize>r * cols) << 2;
      flat(op, a + row, b + (<usize>r << 2), y + row, cols, 0);
    }
  } else flat(op, a, b, y, rows * cols, 0);
}

// @ts-ignore: decorator
@inline function dispatch(simd: bool, op: i32, bcast: i32, a: usize, b: usize, y: usize, rows: i32, cols: i32): void {
  // One instantiation per (op, bcast): 24 small loops.
  switch (op * 4 + bcast) {
    case BINARY_ADD * 4 + BCAST_NONE: { if (simd) binarySimd(BINARY_ADD, BCAST_NONE, a, b, y, rows, cols); else binaryScalar(BINARY_ADD, BCAST_NONE, a, b, y, rows, cols); break; }
    case BINARY_ADD * 4 + BCAST_ROW: { if (simd) binarySimd(BINARY_ADD, BCAST_ROW, a, b, y, rows, cols); else binaryScalar(BINARY_ADD, BCAST_ROW, a, b, y, rows, cols); break; }
    case BINARY_ADD * 4 + BCAST_COL: { if (simd) binarySimd(BINARY_ADD, BCAST_COL, a, b, y, rows, cols); else binaryScalar(BINARY_ADD, BCAST_COL, a, b, y, rows, cols); break; }
    case BINARY_ADD * 4 + BCAST_SCALAR: { if (simd) binarySimd(BINARY_ADD, BCAST_SCALAR, a, b, y, rows, cols); else binaryScalar(BINARY_ADD, BCAST_SCALAR, a, b, y, rows, cols); break; }
    case BINARY_SUB * 4 + BCAST_NONE: { if (simd) binarySimd(BINARY_SUB, BCAST_NONE, a, b, y, rows, cols); else binaryScalar(BINARY_SUB, BCAST_NONE, a, b, y, rows, cols); break; }
    case BINARY_SUB * 4 + BCAST_ROW: { if (simd) binarySimd(BINARY_SUB, BCAST_ROW, a, b, y, rows, cols); else binaryScalar(BINARY_SUB, BCAST_ROW, a, b, y, rows, cols); break; }
    case BINARY_SUB * 4 + BCAST_COL: { if (simd) binarySimd(BINARY_SUB, BCAST_COL, a, b, y, rows, cols); else binaryScalar(BINARY_SUB, BCAST_COL, a, b, y, rows, cols); break; }
    case BINARY_SUB * 4 + BCAST_SCALAR: { if (simd) binarySimd(BINARY_SUB, BCAST_SCALAR, a, b, y, rows, cols); else binaryScalar(BINARY_SUB, BCAST_SCALAR, a, b, y, rows, cols); break; }
    case BINARY_MUL * 4 + BCAST_NONE: { if (simd) binarySimd(BINARY_MUL, BCAST_NONE, a, b, y, rows, cols); else binaryScalar(BINARY_MUL, BCAST_NONE, a, b, y, rows, cols); break; }
    case BINARY_MUL * 4 + BCAST_ROW: { if (simd) binarySimd(BINARY_MUL, BCAST_ROW, a, b, y, rows, cols); else binaryScalar(BINARY_MUL, BCAST_ROW, a, b, y, rows, cols); break; }
    case BINARY_MUL * 4 + BCAST_COL: { if (simd) binarySimd(BINARY_MUL, BCAST_COL, a, b, y, rows, cols); else binaryScalar(BINARY_MUL, BCAST_COL, a, b, y, rows, cols); break; }
    case BINARY_MUL * 4 + BCAST_SCALAR: { if (simd) binarySimd(BINARY_MUL, BCAST_SCALAR, a, b, y, rows, cols); else binaryScalar(BINARY_MUL, BCAST_SCALAR, a, b, y, rows, cols); break; }
    case BINARY_DIV * 4 + BCAST_NONE: { if (simd) binarySimd(BINARY_DIV, BCAST_NONE, a, b, y, rows, cols); else binaryScalar(BINARY_DIV, BCAST_NONE, a, b, y, rows, cols); break; }
    case BINARY_DIV * 4 + BCAST_ROW: { if (simd) binarySimd(BINARY_DIV, BCAST_ROW, a, b, y, rows, cols); else binaryScalar(BINARY_DIV, BCAST_ROW, a, b, y, rows, cols); break; }
    case BINARY_DIV * 4 + BCAST_COL: { if (simd) binarySimd(BINARY_DIV, BCAST_COL, a, b, y, rows, cols); else binaryScalar(BINARY_DIV, BCAST_COL, a, b, y, rows, cols); break; }
    case BINARY_DIV * 4 + BCAST_SCALAR: { if (simd) binarySimd(BINARY_DIV, BCAST_SCALAR, a, b, y, rows, cols); else binaryScalar(BINARY_DIV, BCAST_SCALAR, a, b, y, rows, cols); break; }
    case BINARY_MAX * 4 + BCAST_NONE: { if (simd) binarySimd(BINARY_MAX, BCAST_NONE, a, b, y, rows, cols); else binaryScalar(BINARY_MAX, BCAST_NONE, a, b, y, rows, cols); break; }
    case BINARY_MAX * 4 + BCAST_ROW: { if (simd) binarySimd(BINARY_MAX, BCAST_ROW, a, b, y, rows, cols); else binaryScalar(BINARY_MAX, BCAST_ROW, a, b, y, rows, cols); break; }
    case BINARY_MAX * 4 + BCAST_COL: { if (simd) binarySimd(BINARY_MAX, BCAST_COL, a, b, y, rows, cols); else binaryScalar(BINARY_MAX, BCAST_COL, a, b, y, rows, cols); break; }
    case BINARY_MAX * 4 + BCAST_SCALAR: { if (simd) binarySimd(BINARY_MAX, BCAST_SCALAR, a, b, y, rows, cols); else binaryScalar(BINARY_MAX, BCAST_SCALAR, a, b, y, rows, cols); break; }
    case BINARY_MIN * 4 + BCAST_NONE: { if (simd) binarySimd(BINARY_MIN, BCAST_NONE, a, b, y, rows, cols); else binaryScalar(BINARY_MIN, BCAST_NONE, a, b, y, rows, cols); break; }
    case BINARY_MIN * 4 + BCAST_ROW: { if (simd) binarySimd(BINARY_MIN, BCAST_ROW, a, b, y, rows, cols); else binaryScalar(BINARY_MIN, BCAST_ROW, a, b, y, rows, cols); break; }
    case BINARY_MIN * 4 + BCAST_COL: { if (simd) binarySimd(BINARY_MIN, BCAST_COL, a, b, y, rows, cols); else binaryScalar(BINARY_MIN, BCAST_COL, a, b, y, rows, cols); break; }
    case BINARY_MIN * 4 + BCAST_SCALAR: { if (simd) binarySimd(BINARY_MIN, BCAST_SCALAR, a, b, y, rows, cols); else binaryScalar(BINARY_MIN, BCAST_SCALAR, a, b, y, rows, cols); break; }
  }
}

export function binary_f32__scalar(op: i32, a: usize, b: usize, y: usize, rows: i32, cols: i32, bcast: i32): void {
  dispatch(false, op, bcast, a, b, y, rows, cols);
}

export function binary_f32__simd128_u8(op: i32, a: usize, b: usize, y: usize, rows: i32, cols: i32, bcast: i32): void {
  dispatch(true, op, bcast, a, b, y, rows, cols);
}

export function binary_f32(op: i32, a: usize, b: usize, y: usize, rows: i32, cols: i32, bcast: i32): void {
  if (ASC_FEATURE_SIMD) binary_f32__simd128_u8(op, a, b, y, rows, cols, bcast);
  else binary_f32__scalar(op, a, b, y, rows, cols, bcast);
}

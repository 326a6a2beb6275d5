// The op codes TypeScript passes to the unary, unary_grad and binary kernels, declared once for
// assembly/: UNARY_* is the position of the op in UNARY_OPS, BINARY_* in BINARY_OPS, BCAST_* the
// value of Bcast (all three in src/kernels.ts). test/op_codes.test.ts reads this file and fails if
// the two sides ever disagree. Inline constants: every kernel switch on them folds at compile time.

// @ts-ignore: decorator
@inline export const UNARY_NEG: i32 = 0;
// @ts-ignore: decorator
@inline export const UNARY_ABS: i32 = 1;
// @ts-ignore: decorator
@inline export const UNARY_SQUARE: i32 = 2;
// @ts-ignore: decorator
@inline export const UNARY_SQRT: i32 = 3;
// @ts-ignore: decorator
@inline export const UNARY_RELU: i32 = 4;
// @ts-ignore: decorator
@inline export const UNARY_SIGMOID: i32 = 5;
// @ts-ignore: decorator
@inline export const UNARY_TANH: i32 = 6;
// @ts-ignore: decorator
@inline export const UNARY_SOFTPLUS: i32 = 7;
// @ts-ignore: decorator
@inline export const UNARY_EXP: i32 = 8;
// @ts-ignore: decorator
@inline export const UNARY_LOG: i32 = 9;

// @ts-ignore: decorator
@inline export const BINARY_ADD: i32 = 0;
// @ts-ignore: decorator
@inline export const BINARY_SUB: i32 = 1;
// @ts-ignore: decorator
@inline export const BINARY_MUL: i32 = 2;
// @ts-ignore: decorator
@inline export const BINARY_DIV: i32 = 3;
// @ts-ignore: decorator
@inline export const BINARY_MAX: i32 = 4;
// @ts-ignore: decorator
@inline export const BINARY_MIN: i32 = 5;

// @ts-ignore: decorator
@inline export const BCAST_NONE: i32 = 0;
// @ts-ignore: decorator
@inline export const BCAST_ROW: i32 = 1;
// @ts-ignore: decorator
@inline export const BCAST_COL: i32 = 2;
// @ts-ignore: decorator
@inline export const BCAST_SCALAR: i32 = 3;

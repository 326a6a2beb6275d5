// im2col: the patches of a batched NHWC image as the rows of a matrix, so a convolution is one matmul.
//   x [n,h,w,c] → cols [n·ho·wo, kh·kw·c],
//   cols[(b·ho+oy)·wo+ox, (ky·kw+kx)·c+ci] = x[b, oy·stride−pad+ky, ox·stride−pad+kx, ci]   (0 outside [0,h)×[0,w))
//
// In NHWC, the kx taps of one kernel row that fall inside the image read consecutive pixels, so one
// (output pixel, ky) pair is a single contiguous run of (kx1−kx0)·c floats in x, with kx0·c zeros
// before it and (kw−kx1)·c after it in cols. Both paths copy those runs; the SIMD path moves them
// 16 and 4 floats at a time. A copy has no arithmetic: every build gives the same bits.
import { copyRun, zeroRun } from '../simd';

/** The first kx whose column ix = ox·stride − pad + kx is inside [0, w) (kw when none is). */
// @ts-ignore: decorator
@inline export function firstTap(ox: i32, stride: i32, pad: i32, kw: i32, w: i32): i32 {
  const ix0 = ox * stride - pad;
  return min(kw, max(0, -ix0));
}

/** One past the last kx inside [0, w) (never below firstTap). */
// @ts-ignore: decorator
@inline export function endTap(ox: i32, stride: i32, pad: i32, kw: i32, w: i32): i32 {
  const ix0 = ox * stride - pad;
  return max(firstTap(ox, stride, pad, kw, w), min(kw, w - ix0));
}

// @ts-ignore: decorator
@inline function im2colRows(x: usize, cols: usize, n: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32, stride: i32, pad: i32, ho: i32, wo: i32, simd: bool): void {
  const run = kw * c; // floats per kernel row in cols
  let dst = cols;
  for (let b = 0; b < n; b++) {
    const img = x + ((<usize>b * <usize>h * <usize>w * <usize>c) << 2);
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        const kx0 = firstTap(ox, stride, pad, kw, w), kx1 = endTap(ox, stride, pad, kw, w);
        const ix = ox * stride - pad + kx0;
        const before = kx0 * c, inside = (kx1 - kx0) * c, after = run - before - inside;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * stride - pad + ky;
          if (iy < 0 || iy >= h) zeroRun(dst, run, simd);
          else {
            const mid = dst + (<usize>before << 2);
            zeroRun(dst, before, simd);
            copyRun(mid, img + ((<usize>(iy * w + ix) * <usize>c) << 2), inside, simd);
            zeroRun(mid + (<usize>inside << 2), after, simd);
          }
          dst += <usize>run << 2;
        }
      }
    }
  }
}

export function im2col_f32__scalar(x: usize, cols: usize, n: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32, stride: i32, pad: i32, ho: i32, wo: i32): void {
  im2colRows(x, cols, n, h, w, c, kh, kw, stride, pad, ho, wo, false);
}

export function im2col_f32__simd128(x: usize, cols: usize, n: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32, stride: i32, pad: i32, ho: i32, wo: i32): void {
  im2colRows(x, cols, n, h, w, c, kh, kw, stride, pad, ho, wo, true);
}

export function im2col_f32(x: usize, cols: usize, n: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32, stride: i32, pad: i32, ho: i32, wo: i32): void {
  if (ASC_FEATURE_SIMD) im2col_f32__simd128(x, cols, n, h, w, c, kh, kw, stride, pad, ho, wo);
  else im2col_f32__scalar(x, cols, n, h, w, c, kh, kw, stride, pad, ho, wo);
}

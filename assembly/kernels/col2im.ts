// col2im: the adjoint of im2col (the input gradient of a convolution, the forward pass of a transposed one).
//   cols [n·ho·wo, kh·kw·c] → x [n,h,w,c],
//   x[b,iy,ix,ci] = Σ cols[(b·ho+oy)·wo+ox, (ky·kw+kx)·c+ci] over every (oy, ox, ky, kx) with
//                   iy = oy·stride−pad+ky, ix = ox·stride−pad+kx          (x overwritten; 0 where nothing reads)
//
// x is zeroed, then every cols row adds its in-image runs (see im2col.ts: one contiguous run of
// (kx1−kx0)·c floats per kernel row) into x, rows in order. Each element is therefore summed in
// the same order, from +0, by single f32 adds in both paths: scalar and SIMD builds agree bit for bit.
import { addRun, zeroRun } from '../simd';
import { endTap, firstTap } from './im2col';

// @ts-ignore: decorator
@inline function col2imRows(cols: usize, x: usize, n: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32, stride: i32, pad: i32, ho: i32, wo: i32, simd: bool): void {
  const total = n * h * w * c;
  zeroRun(x, total, simd);
  const run = kw * c;
  let src = cols;
  for (let b = 0; b < n; b++) {
    const img = x + ((<usize>b * <usize>h * <usize>w * <usize>c) << 2);
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        const kx0 = firstTap(ox, stride, pad, kw, w), kx1 = endTap(ox, stride, pad, kw, w);
        const ix = ox * stride - pad + kx0;
        const before = kx0 * c, inside = (kx1 - kx0) * c;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * stride - pad + ky;
          if (iy >= 0 && iy < h) addRun(img + ((<usize>(iy * w + ix) * <usize>c) << 2), src + (<usize>before << 2), inside, simd);
          src += <usize>run << 2;
        }
      }
    }
  }
}

export function col2im_f32__scalar(cols: usize, x: usize, n: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32, stride: i32, pad: i32, ho: i32, wo: i32): void {
  col2imRows(cols, x, n, h, w, c, kh, kw, stride, pad, ho, wo, false);
}

export function col2im_f32__simd128(cols: usize, x: usize, n: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32, stride: i32, pad: i32, ho: i32, wo: i32): void {
  col2imRows(cols, x, n, h, w, c, kh, kw, stride, pad, ho, wo, true);
}

export function col2im_f32(cols: usize, x: usize, n: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32, stride: i32, pad: i32, ho: i32, wo: i32): void {
  if (ASC_FEATURE_SIMD) col2im_f32__simd128(cols, x, n, h, w, c, kh, kw, stride, pad, ho, wo);
  else col2im_f32__scalar(cols, x, n, h, w, c, kh, kw, stride, pad, ho, wo);
}

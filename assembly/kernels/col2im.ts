// col2im: the adjoint of im2col (the input gradient of a convolution, the forward pass of a transposed one).
//   cols [n·ho·wo, kh·kw·c] → x [n,h,w,c],
//   x[b,iy,ix,ci] = Σ cols[(b·ho+oy)·wo+ox, (ky·kw+kx)·c+ci] over every (oy, ox, ky, kx) with
//                   iy = oy·stride−pad+ky, ix = ox·stride−pad+kx          (x overwritten; 0 where nothing reads)
//
// x is zeroed, then the cols rows, in order, add their in-image runs (see im2col.ts: one contiguous
// run of (kx1−kx0)·c floats per kernel row ky0 ≤ ky < ky1) into x. Every element is summed in the
// same order, from +0, by single f32 adds in both paths: scalar and SIMD builds agree bit for bit.
// The SIMD path adds whole vectors, the last one masked (the lanes past the run add +0: see addOver),
// except where that vector would reach past x or cols (then the exact vector + scalar path).
import { addOver, addRun, laneMask, zeroRun } from '../simd';
import { endTap, firstTap } from './im2col';

export function col2im_f32__scalar(cols: usize, x: usize, n: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32, stride: i32, pad: i32, ho: i32, wo: i32): void {
  zeroRun(x, n * h * w * c, false);
  let src = cols;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < kw; kx++) {
            const iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
            if (iy >= 0 && iy < h && ix >= 0 && ix < w) addRun(x + ((<usize>((b * h + iy) * w + ix) * <usize>c) << 2), src, c, false);
            src += <usize>c << 2;
          }
        }
      }
    }
  }
}

export function col2im_f32__simd128(cols: usize, x: usize, n: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32, stride: i32, pad: i32, ho: i32, wo: i32): void {
  zeroRun(x, n * h * w * c, true);
  const run = kw * c, rowBytes = (<usize>kh * <usize>run) << 2, lineBytes = (<usize>w * <usize>c) << 2;
  const colsEnd = cols + <usize>n * <usize>ho * <usize>wo * rowBytes, xEnd = x + ((<usize>n * <usize>h * <usize>w * <usize>c) << 2);
  let src = cols;
  for (let b = 0; b < n; b++) {
    const img = x + <usize>b * <usize>h * lineBytes;
    for (let oy = 0; oy < ho; oy++) {
      const ky0 = firstTap(oy, stride, pad, kh, h), ky1 = endTap(oy, stride, pad, kh, h), iy0 = oy * stride - pad + ky0;
      for (let ox = 0; ox < wo; ox++) {
        const kx0 = firstTap(ox, stride, pad, kw, w), kx1 = endTap(ox, stride, pad, kw, w);
        const inside = (kx1 - kx0) * c, tail = laneMask(inside & 3);
        let d = img + <usize>iy0 * lineBytes + ((<usize>(ox * stride - pad + kx0) * <usize>c) << 2);
        let s = src + ((<usize>(ky0 * run + kx0 * c)) << 2);
        const lastD = d + <usize>max(0, ky1 - ky0 - 1) * lineBytes, lastS = s + <usize>max(0, ky1 - ky0 - 1) * (<usize>run << 2);
        if (lastD + (<usize>inside << 2) + 12 <= xEnd && lastS + (<usize>inside << 2) + 12 <= colsEnd) {
          for (let ky = ky0; ky < ky1; ky++) {
            addOver(d, s, inside, tail);
            d += lineBytes;
            s += <usize>run << 2;
          }
        } else {
          for (let ky = ky0; ky < ky1; ky++) {
            addRun(d, s, inside, true);
            d += lineBytes;
            s += <usize>run << 2;
          }
        }
        src += rowBytes;
      }
    }
  }
}

export function col2im_f32(cols: usize, x: usize, n: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32, stride: i32, pad: i32, ho: i32, wo: i32): void {
  if (ASC_FEATURE_SIMD) col2im_f32__simd128(cols, x, n, h, w, c, kh, kw, stride, pad, ho, wo);
  else col2im_f32__scalar(cols, x, n, h, w, c, kh, kw, stride, pad, ho, wo);
}

// im2col: the patches of a batched NHWC image as the rows of a matrix, so a convolution is one matmul.
//   x [n,h,w,c] → cols [n·ho·wo, kh·kw·c],
//   cols[(b·ho+oy)·wo+ox, (ky·kw+kx)·c+ci] = x[b, oy·stride−pad+ky, ox·stride−pad+kx, ci]   (0 outside [0,h)×[0,w))
//
// In NHWC, the kx taps of one kernel row that fall inside the image read consecutive pixels, so one
// (output pixel, ky) pair is a single contiguous run of (kx1−kx0)·c floats in x, with kx0·c zeros
// before it and (kw−kx1)·c after it in cols; the kernel rows above ky0 and below ky1 (outside the
// image) are all zeros. Both paths move those runs. The SIMD path moves them in whole vectors and
// lets the last one spill up to 3 floats into the next run, which is written after it (no scalar
// tails: small c, e.g. MNIST's c = 1 with 5-float runs, is mostly tails); a cols row whose spill
// would leave cols or read past x's end takes the exact vector + scalar path instead.
// A copy has no arithmetic: every build gives the same bits.
import { copyOver, copyRun, zeroOver, zeroRun } from '../simd';

/** The first kx whose column ox·stride − pad + kx is inside [0, w) (kw when none is); the same for ky and rows. */
// @ts-ignore: decorator
@inline export function firstTap(o: i32, stride: i32, pad: i32, k: i32, size: i32): i32 {
  return min(k, max(0, pad - o * stride));
}

/** One past the last tap inside [0, size) (never below firstTap). */
// @ts-ignore: decorator
@inline export function endTap(o: i32, stride: i32, pad: i32, k: i32, size: i32): i32 {
  return max(firstTap(o, stride, pad, k, size), min(k, size + pad - o * stride));
}

export function im2col_f32__scalar(x: usize, cols: usize, n: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32, stride: i32, pad: i32, ho: i32, wo: i32): void {
  let dst = cols;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < kw; kx++) {
            const iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
            const inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
            const src = x + ((<usize>((b * h + iy) * w + ix) * <usize>c) << 2);
            for (let ci = 0; ci < c; ci++) {
              store<f32>(dst, inside ? load<f32>(src + (<usize>ci << 2)) : 0);
              dst += 4;
            }
          }
        }
      }
    }
  }
}

export function im2col_f32__simd128(x: usize, cols: usize, n: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32, stride: i32, pad: i32, ho: i32, wo: i32): void {
  const run = kw * c, rowBytes = (<usize>kh * <usize>run) << 2, lineBytes = (<usize>w * <usize>c) << 2;
  const colsEnd = cols + <usize>n * <usize>ho * <usize>wo * rowBytes, xEnd = x + ((<usize>n * <usize>h * <usize>w * <usize>c) << 2);
  let dst = cols;
  for (let b = 0; b < n; b++) {
    const img = x + <usize>b * <usize>h * lineBytes;
    for (let oy = 0; oy < ho; oy++) {
      const ky0 = firstTap(oy, stride, pad, kh, h), ky1 = endTap(oy, stride, pad, kh, h);
      const lead = ky0 * run, trail = (kh - ky1) * run, iy0 = oy * stride - pad + ky0;
      for (let ox = 0; ox < wo; ox++) {
        const kx0 = firstTap(ox, stride, pad, kw, w), kx1 = endTap(ox, stride, pad, kw, w);
        const before = kx0 * c, inside = (kx1 - kx0) * c, after = run - before - inside;
        const src0 = img + <usize>iy0 * lineBytes + ((<usize>(ox * stride - pad + kx0) * <usize>c) << 2);
        const lastSrc = src0 + <usize>max(0, ky1 - ky0 - 1) * lineBytes;
        let d = dst + (<usize>lead << 2), s = src0;
        if (dst + rowBytes + 12 <= colsEnd && lastSrc + (<usize>inside << 2) + 12 <= xEnd) {
          zeroOver(dst, lead);
          for (let ky = ky0; ky < ky1; ky++) {
            zeroOver(d, before);
            copyOver(d + (<usize>before << 2), s, inside);
            zeroOver(d + (<usize>(before + inside) << 2), after);
            d += <usize>run << 2;
            s += lineBytes;
          }
          zeroOver(d, trail);
        } else {
          zeroRun(dst, lead, true);
          for (let ky = ky0; ky < ky1; ky++) {
            zeroRun(d, before, true);
            copyRun(d + (<usize>before << 2), s, inside, true);
            zeroRun(d + (<usize>(before + inside) << 2), after, true);
            d += <usize>run << 2;
            s += lineBytes;
          }
          zeroRun(d, trail, true);
        }
        dst += rowBytes;
      }
    }
  }
}

export function im2col_f32(x: usize, cols: usize, n: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32, stride: i32, pad: i32, ho: i32, wo: i32): void {
  if (ASC_FEATURE_SIMD) im2col_f32__simd128(x, cols, n, h, w, c, kh, kw, stride, pad, ho, wo);
  else im2col_f32__scalar(x, cols, n, h, w, c, kh, kw, stride, pad, ho, wo);
}

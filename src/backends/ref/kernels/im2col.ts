import type { F } from '../../../kernels.js';

/**
 * Calls visit(j, i) for every cols entry j in order, with i the index in x it reads, or −1 where
 * it lies outside the image (shared by im2col and its adjoint col2im).
 */
export function forEachTap(n: number, h: number, w: number, c: number, kh: number, kw: number, stride: number, pad: number, ho: number, wo: number, visit: (j: number, i: number) => void): void {
  let j = 0;
  for (let b = 0; b < n; b++) for (let oy = 0; oy < ho; oy++) for (let ox = 0; ox < wo; ox++) {
    for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
      const iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
      const inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
      for (let ci = 0; ci < c; ci++, j++) visit(j, inside ? ((b * h + iy) * w + ix) * c + ci : -1);
    }
  }
}

// cols[(b·ho+oy)·wo+ox, (ky·kw+kx)·c+ci] = x[b, oy·stride−pad+ky, ox·stride−pad+kx, ci], 0 outside the image.
export function im2col(x: F, cols: F, n: number, h: number, w: number, c: number, kh: number, kw: number, stride: number, pad: number, ho: number, wo: number): void {
  forEachTap(n, h, w, c, kh, kw, stride, pad, ho, wo, (j, i) => {
    cols[j] = i < 0 ? 0 : x[i];
  });
}

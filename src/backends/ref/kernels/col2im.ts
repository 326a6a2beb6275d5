import type { F } from '../../../kernels.js';
import { forEachTap } from './im2col.js';

// The adjoint of im2col: x[b,iy,ix,ci] = Σ of the cols entries im2col reads from there,
// accumulated in f64 and rounded once on store.
export function col2im(cols: F, x: F, n: number, h: number, w: number, c: number, kh: number, kw: number, stride: number, pad: number, ho: number, wo: number): void {
  const acc = new Float64Array(n * h * w * c);
  forEachTap(n, h, w, c, kh, kw, stride, pad, ho, wo, (j, i) => {
    if (i >= 0) acc[i] += cols[j];
  });
  for (let i = 0; i < acc.length; i++) x[i] = acc[i];
}

// Shared by the im2col / col2im kernel tests and the conv op tests: the geometry sweep, and direct
// (no im2col) convolution loops in f64 that the ops are checked against.

/** One im2col / col2im call: x [n,h,w,c], a kh×kw kernel, stride, pad, output ho×wo. */
export interface Geometry {
  n: number; h: number; w: number; c: number; kh: number; kw: number; stride: number; pad: number; ho: number; wo: number;
}

export const outSize = (size: number, k: number, stride: number, pad: number): number => Math.floor((size + 2 * pad - k) / stride) + 1;

/** Elements of x [n,h,w,c] and of cols [n·ho·wo, kh·kw·c]. */
export const patchSizes = (g: Geometry) => ({ x: g.n * g.h * g.w * g.c, cols: g.n * g.ho * g.wo * g.kh * g.kw * g.c });

export const fmtGeometry = (g: Geometry): string =>
  `n=${g.n} ${g.h}×${g.w}×${g.c} k=${g.kh}×${g.kw} s=${g.stride} p=${g.pad} → ${g.ho}×${g.wo}`;

/**
 * Channels below, at and above the SIMD width 4 (and odd), 1×1 … 5×5 kernels (square and not),
 * stride 1 and 2, pad 0, 1, 2 (pad ≥ kernel gives all-zero border rows), square and oblong images,
 * batches of 1 and 2, and n = 0.
 */
export function* geometries(): Generator<Geometry> {
  for (const c of [1, 3, 4, 5, 8, 9]) {
    for (const [kh, kw] of [[1, 1], [3, 3], [2, 3], [5, 5]]) {
      for (const stride of [1, 2]) {
        for (const pad of [0, 1, 2]) {
          for (const [n, h, w] of [[1, 5, 5], [2, 4, 7], [0, 5, 5]]) {
            const ho = outSize(h, kh, stride, pad), wo = outSize(w, kw, stride, pad);
            if (ho >= 1 && wo >= 1) yield { n, h, w, c, kh, kw, stride, pad, ho, wo };
          }
        }
      }
    }
  }
}

/** The paper's layers (batch cut to 2): conv 5×5/2 pad 2 on 28×28×1, 28×28×11, 14×14×32, 7×7×64; the transposed 3×3/2 pad 1 chain's col2im shapes. */
export const PAPER_GEOMETRIES: Geometry[] = [
  { n: 2, h: 28, w: 28, c: 1, kh: 5, kw: 5, stride: 2, pad: 2, ho: 14, wo: 14 },
  { n: 2, h: 28, w: 28, c: 11, kh: 5, kw: 5, stride: 2, pad: 2, ho: 14, wo: 14 },
  { n: 2, h: 14, w: 14, c: 32, kh: 5, kw: 5, stride: 2, pad: 2, ho: 7, wo: 7 },
  { n: 2, h: 7, w: 7, c: 64, kh: 5, kw: 5, stride: 2, pad: 2, ho: 4, wo: 4 },
  { n: 2, h: 2, w: 2, c: 128, kh: 3, kw: 3, stride: 2, pad: 1, ho: 1, wo: 1 },
  { n: 2, h: 4, w: 4, c: 64, kh: 3, kw: 3, stride: 2, pad: 1, ho: 2, wo: 2 },
  { n: 2, h: 8, w: 8, c: 32, kh: 3, kw: 3, stride: 2, pad: 1, ho: 4, wo: 4 },
  { n: 2, h: 16, w: 16, c: 32, kh: 3, kw: 3, stride: 2, pad: 1, ho: 8, wo: 8 },
];

/** y[b,oy,ox,co] = Σ_{ky,kx,ci} x[b, oy·s−p+ky, ox·s−p+kx, ci]·w[ky,kx,ci,co] + bias[co], directly, in f64. */
export function naiveConv2d(x: ArrayLike<number>, w: ArrayLike<number>, bias: ArrayLike<number> | null, g: Geometry, cout: number): Float64Array {
  const { n, h, w: wd, c, kh, kw, stride, pad, ho, wo } = g;
  const y = new Float64Array(n * ho * wo * cout);
  for (let b = 0; b < n; b++) for (let oy = 0; oy < ho; oy++) for (let ox = 0; ox < wo; ox++) for (let co = 0; co < cout; co++) {
    let s = bias ? bias[co] : 0;
    for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
      const iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
      if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
      for (let ci = 0; ci < c; ci++) s += x[((b * h + iy) * wd + ix) * c + ci] * w[((ky * kw + kx) * c + ci) * cout + co];
    }
    y[((b * ho + oy) * wo + ox) * cout + co] = s;
  }
  return y;
}

/**
 * The transposed convolution as a scatter, in f64: every input pixel (b, iy, ix) adds x[b,iy,ix,ci]·w[ci,ky,kx,co]
 * to y[b, iy·s−p+ky, ix·s−p+kx, co] where that lies inside outH×outW; then + bias. x is [n,hi,wi,cin].
 */
export function naiveConv2dTranspose(x: ArrayLike<number>, w: ArrayLike<number>, bias: ArrayLike<number> | null, n: number, hi: number, wi: number, cin: number, kh: number, kw: number, cout: number, stride: number, pad: number, outH: number, outW: number): Float64Array {
  const y = new Float64Array(n * outH * outW * cout);
  for (let b = 0; b < n; b++) for (let iy = 0; iy < hi; iy++) for (let ix = 0; ix < wi; ix++) for (let ci = 0; ci < cin; ci++) {
    const v = x[((b * hi + iy) * wi + ix) * cin + ci];
    for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
      const oy = iy * stride - pad + ky, ox = ix * stride - pad + kx;
      if (oy < 0 || oy >= outH || ox < 0 || ox >= outW) continue;
      for (let co = 0; co < cout; co++) y[((b * outH + oy) * outW + ox) * cout + co] += v * w[((ci * kh + ky) * kw + kx) * cout + co];
    }
  }
  if (bias) for (let i = 0; i < y.length; i++) y[i] += bias[i % cout];
  return y;
}

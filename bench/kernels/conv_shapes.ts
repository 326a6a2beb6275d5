// The im2col / col2im geometries of the paper's conv nets at batch 100 (shared by im2col.bench.ts
// and col2im.bench.ts): the encoder's 5×5 stride-2 pad-2 convs and the decoder's 3×3 stride-2
// pad-1 transposed convs (im2col runs in a conv's forward and a transposed conv's backward; col2im
// the other way round).
export interface PatchShape {
  label: string;
  n: number; h: number; w: number; c: number; kh: number; kw: number; stride: number; pad: number; ho: number; wo: number;
}

const conv = (h: number, c: number): PatchShape => {
  const ho = Math.floor((h + 4 - 5) / 2) + 1;
  return { label: `conv5×5/2 ${h}×${h}×${c}→${ho}×${ho}`, n: 100, h, w: h, c, kh: 5, kw: 5, stride: 2, pad: 2, ho, wo: ho };
};
const deconv = (hi: number, c: number): PatchShape => ({
  label: `convT3×3/2 ${hi}×${hi}→${2 * hi}×${2 * hi}×${c}`, n: 100, h: 2 * hi, w: 2 * hi, c, kh: 3, kw: 3, stride: 2, pad: 1, ho: hi, wo: hi,
});

export const PATCH_SHAPES: PatchShape[] = [conv(28, 1), conv(28, 11), conv(14, 32), conv(7, 64), deconv(1, 128), deconv(2, 64), deconv(4, 32), deconv(8, 32)];

export const colsSize = (s: PatchShape): number => s.n * s.ho * s.wo * s.kh * s.kw * s.c;
export const imageSize = (s: PatchShape): number => s.n * s.h * s.w * s.c;

// A grid of grayscale images as a PNG (fast-png: runtime-neutral, 1 channel, 8 bits).
import { encode } from 'fast-png';
import { ShapeError } from '../errors.js';

/**
 * n images [n, h·w] of values in [0, 1] laid out `cols` per row with a `pad`-pixel black border,
 * white = 1 (ink). Returns the PNG bytes.
 */
export function imageGridPng(images: Float32Array, n: number, h = 28, w = 28, cols = Math.ceil(Math.sqrt(n)), pad = 2): Uint8Array {
  if (images.length < n * h * w) throw new ShapeError(`imageGridPng: images must hold ${n}×${h * w} values, found ${images.length}`);
  const rows = Math.ceil(n / cols);
  const W = cols * (w + pad) + pad, H = rows * (h + pad) + pad;
  const data = new Uint8Array(W * H);
  for (let i = 0; i < n; i++) {
    const oy = pad + Math.floor(i / cols) * (h + pad), ox = pad + (i % cols) * (w + pad);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = images[i * h * w + y * w + x];
        data[(oy + y) * W + ox + x] = Math.round(255 * Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)));
      }
    }
  }
  return encode({ width: W, height: H, data, depth: 8, channels: 1 });
}

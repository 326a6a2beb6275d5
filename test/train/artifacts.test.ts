// The run folder's pictures: the PNG grid and the hand-written SVG chart.
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { curvesSvg } from '../../src/train/curves.js';
import { imageGridPng } from '../../src/train/images.js';

describe('imageGridPng', () => {
  it('lays out n images with borders, values clamped to [0, 1]', () => {
    const imgs = new Float32Array(5 * 4).fill(0.5);
    imgs[0] = 2;
    imgs[1] = -1;
    imgs[2] = NaN;
    const png = decode(imageGridPng(imgs, 5, 2, 2, 3, 1));
    expect([png.width, png.height, png.channels, png.depth]).toEqual([3 * 3 + 1, 2 * 3 + 1, 1, 8]);
    const px = (x: number, y: number) => png.data[y * png.width + x];
    expect([px(1, 1), px(2, 1), px(1, 2), px(2, 2)]).toEqual([255, 0, 0, 128]);
    expect(px(0, 0)).toBe(0);
  });
});

describe('curvesSvg', () => {
  it('draws one path per series with a legend and round ticks', () => {
    const svg = curvesSvg(
      [{ name: 'train', color: '#111', points: [[100, 150], [200, 120], [300, 110]] }, { name: 'valid <m=5>', color: '#222', points: [[300, 112]] }],
      { title: 'a & b', yLabel: 'nats' },
    );
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain('<circle'); // a single point is drawn as a dot
    expect(svg).toContain('a &amp; b');
    expect(svg).toContain('valid &lt;m=5&gt;');
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('draws a log x axis with 1-2-5 ticks and dashed marks inside the range', () => {
    const pts: [number, number][] = [[3, 10], [30, 8], [300, 7]];
    const svg = curvesSvg([{ name: 'a', color: '#111', points: pts }], { title: 't', xLog: true, marks: [{ x: 30, label: 'here' }, { x: 5000, label: 'outside' }] });
    const ticks = [...svg.matchAll(/text-anchor="middle">([\d.k]+)<\/text>/g)].map((m) => m[1]);
    expect(ticks).toEqual(['5', '10', '20', '50', '100', '200']);
    // 30 is the middle of [3, 300] on a log axis: its mark is halfway across the plot (64 to 624).
    expect(svg).toContain('<line x1="344.0" x2="344.0"');
    expect(svg).toContain('>here<');
    expect(svg).not.toContain('>outside<');
    // Not every x positive: a linear axis.
    expect(curvesSvg([{ name: 'a', color: '#111', points: [[0, 1], [10, 2]] }], { title: 't', xLog: true })).toContain('>10<');
  });

  it('copes with no points and non-finite values', () => {
    const svg = curvesSvg([{ name: 'x', color: '#000', points: [[1, NaN], [2, Infinity]] }], { title: 't' });
    expect(svg).toMatch(/<\/svg>\n$/);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });
});

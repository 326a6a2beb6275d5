// Training and validation curves as a small hand-written SVG line chart (no charting dependency).

export interface Series {
  name: string;
  color: string;
  points: [number, number][];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** ~5 round tick values covering [lo, hi]. */
function ticks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n, mag = 10 ** Math.floor(Math.log10(raw));
  const stepSize = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / stepSize) * stepSize; v <= hi + 1e-9 * stepSize; v += stepSize) out.push(+v.toPrecision(12));
  return out;
}

const fmt = (v: number) =>
  Math.abs(v) >= 1e4 ? (Math.abs(v) < 1e7 ? `${+(v / 1000).toPrecision(4)}k` : v.toExponential(1)) : String(+v.toPrecision(4));

/** Powers of ten times 1, 2 and 5 whose log10 lies in [lo, hi] (a log axis). */
function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let d = Math.floor(lo); d <= Math.ceil(hi); d++) for (const m of [1, 2, 5]) if (Math.log10(m * 10 ** d) >= lo - 1e-9 && Math.log10(m * 10 ** d) <= hi + 1e-9) out.push(+(m * 10 ** d).toPrecision(12));
  return out;
}

export interface CurvesOptions {
  title: string;
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
  /** A logarithmic x axis (when every x is positive): curves whose lengths differ tenfold stay readable. */
  xLog?: boolean;
  /** The legend in a margin right of the plot (many series) instead of over its top right. */
  legendRight?: boolean;
  /** Dashed vertical lines, each labelled at the top. */
  marks?: { x: number; label: string }[];
  /** Scale y to every point (an accuracy curve's start is not an outlier to leave out). */ everyY?: boolean;
}

/** A line chart of the series against the step; the y range ignores the first 5% of steps (unless everyY). */
export function curvesSvg(series: Series[], opts: CurvesOptions): string {
  const W = opts.width ?? 640, H = opts.height ?? 400;
  // A legend on the right gets its own margin; inside, it covers the plot's top right.
  const L = 64, R = opts.legendRight ? Math.max(170, 44 + 7 * Math.max(0, ...series.map((s) => s.name.length))) : 16, T = 36, B = 48;
  const finite = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const log = opts.xLog === true && finite.length > 0 && finite.every(([x]) => x > 0);
  // Positions on the x axis: log10(x) on a log axis.
  const tx = (x: number) => (log ? Math.log10(x) : x);
  const all = finite.map(([x, y]) => [tx(x), y] as [number, number]);
  const xs = all.map((p) => p[0]);
  const x0 = xs.length ? Math.min(...xs) : 0, x1 = xs.length ? Math.max(...xs) : 1;
  // Early losses are far above the rest: scale y to the later 95% of steps so the curves stay readable.
  const cut = x0 + 0.05 * (x1 - x0);
  const late = opts.everyY ? all : all.filter(([x]) => x >= cut);
  const ys = (late.length >= 2 ? late : all).map((p) => p[1]);
  let y0 = ys.length ? Math.min(...ys) : 0, y1 = ys.length ? Math.max(...ys) : 1;
  if (y1 - y0 < 1e-9) [y0, y1] = [y0 - 1, y1 + 1];
  const pad = 0.05 * (y1 - y0);
  [y0, y1] = [y0 - pad, y1 + pad];
  const sx = (x: number) => L + ((tx(x) - x0) / (x1 - x0 || 1)) * (W - L - R);
  const sy = (y: number) => T + (1 - (Math.min(y1, Math.max(y0, y)) - y0) / (y1 - y0)) * (H - T - B);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(opts.title)}</text>`,
  ];
  for (const v of ticks(y0, y1)) {
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${sy(v).toFixed(1)}" y2="${sy(v).toFixed(1)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${L - 6}" y="${(sy(v) + 4).toFixed(1)}" text-anchor="end">${fmt(v)}</text>`);
  }
  for (const v of log ? logTicks(x0, x1) : ticks(x0, x1)) {
    parts.push(`<line x1="${sx(v).toFixed(1)}" x2="${sx(v).toFixed(1)}" y1="${H - B}" y2="${H - B + 4}" stroke="black"/>`);
    parts.push(`<text x="${sx(v).toFixed(1)}" y="${H - B + 18}" text-anchor="middle">${fmt(v)}</text>`);
  }
  parts.push(`<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="black"/>`);
  parts.push(`<text x="${(L + W - R) / 2}" y="${H - 8}" text-anchor="middle">${esc(opts.xLabel ?? 'step')}</text>`);
  if (opts.yLabel) parts.push(`<text transform="translate(14 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}</text>`);
  for (const m of opts.marks ?? []) {
    if (!Number.isFinite(m.x) || (log && m.x <= 0) || tx(m.x) < x0 || tx(m.x) > x1) continue;
    const x = sx(m.x).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${T}" y2="${H - B}" stroke="#555" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${x}" y="${T - 4}" text-anchor="middle" font-size="10">${esc(m.label)}</text>`);
  }
  series.forEach((s, i) => {
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (pts.length) {
      const d = pts.map(([x, y], j) => `${j ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
      parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.5"/>`);
      if (pts.length === 1) parts.push(`<circle cx="${sx(pts[0][0]).toFixed(1)}" cy="${sy(pts[0][1]).toFixed(1)}" r="3" fill="${s.color}"/>`);
    }
    const lx = opts.legendRight ? W - R + 12 : W - R - 150, ly = T + 14 + i * 16;
    parts.push(`<line x1="${lx}" x2="${lx + 18}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"/>`);
    parts.push(`<text x="${lx + 24}" y="${ly}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

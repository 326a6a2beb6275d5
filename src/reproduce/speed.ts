// `gumbel reproduce speed`: training steps per second of the M2 model when y is marginalized
// against a single Gumbel-Softmax sample, for k ∈ {5, 10, 100} classes with random labels on MNIST
// images (Jang, Gu & Poole 2017, Fig. 5a; the paper: 2× at k = 10, 9.9× at k = 100 on a GPU).
// Cost per step (§3.3): marginalization O(D + k(I + G)), Gumbel O(D + I + G) with D, I, G the costs
// of q(y|x), q(z|x,y) and p(x|y,z). Each cell runs one warm-up step, then steps until `seconds`
// have passed (at least `minSteps`). Writes speed.json and speed.svg.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { checkNumber } from '../errors.js';
import type { EstimatorName } from '../estimators/estimator.js';
import { setBackend } from '../engine.js';
import type { BackendName } from '../train/config.js';
import { writeAtomic } from '../train/files.js';
import { openBackend } from '../backends/open.js';
import { type Output, versions } from '../train/run.js';
import { ssvaeConfig, type SsvaeData, SsvaeTrainer } from '../train/ssvae.js';
import { loadSsvaeData } from '../train/ssvae_run.js';

export const PAPER_SPEEDUP: Readonly<Record<number, number>> = { 10: 2, 100: 9.9 };
const METHODS: EstimatorName[] = ['marginalize', 'gumbel_softmax'];

export interface SpeedCell {
  classes: number;
  yEstimator: EstimatorName;
  steps: number;
  seconds: number;
  stepsPerSec: number;
}

export interface SpeedReport {
  figure: 'fig5a';
  batch: number;
  labeledBatch: number;
  cells: SpeedCell[];
  /** Gumbel-Softmax steps/s over marginalization steps/s, per k. */
  speedup: { classes: number; ours: number; paper: number | null }[];
  backend: { name: string; variant: string; threads: number };
  versions: Awaited<ReturnType<typeof versions>>;
  command: string;
}

export function speedSvg(r: SpeedReport): string {
  const W = 640, H = 400, L = 64, R = 16, T = 64, B = 56;
  const max = Math.max(...r.cells.map((c) => c.stepsPerSec), 1e-9);
  const ks = [...new Set(r.cells.map((c) => c.classes))];
  const gw = (W - L - R) / ks.length, bw = gw / 3;
  const y = (v: number) => T + (H - T - B) * (1 - v / max);
  const colors: Record<string, string> = { marginalize: '#1f77b4', gumbel_softmax: '#ff7f0e' };
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">Training speed of M2 (batch ${r.batch}), ${r.backend.name} ${r.backend.variant}, ${r.backend.threads} thread${r.backend.threads > 1 ? 's' : ''}</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/>`,
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`,
    `<text x="16" y="${(T + H - B) / 2}" transform="rotate(-90 16 ${(T + H - B) / 2})" text-anchor="middle">steps / s</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    parts.push(`<line x1="${L - 4}" y1="${y(v)}" x2="${L}" y2="${y(v)}" stroke="black"/><text x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${+v.toPrecision(3)}</text>`);
  }
  ks.forEach((k, i) => {
    const x0 = L + i * gw + bw / 2;
    METHODS.forEach((m, j) => {
      const c = r.cells.find((c) => c.classes === k && c.yEstimator === m);
      if (!c) return;
      const x = x0 + j * bw;
      parts.push(`<rect x="${x}" y="${y(c.stepsPerSec)}" width="${bw - 4}" height="${H - B - y(c.stepsPerSec)}" fill="${colors[m]}"/>`);
      parts.push(`<text x="${x + (bw - 4) / 2}" y="${y(c.stepsPerSec) - 4}" text-anchor="middle">${c.stepsPerSec.toPrecision(3)}</text>`);
    });
    const s = r.speedup.find((s) => s.classes === k);
    parts.push(`<text x="${x0 + bw}" y="${H - B + 18}" text-anchor="middle">k = ${k}</text>`);
    if (s) parts.push(`<text x="${x0 + bw}" y="${H - B + 34}" text-anchor="middle">${s.ours.toFixed(1)}×${s.paper ? ` (paper ${s.paper}×)` : ''}</text>`);
  });
  // The legend sits between the title and the plot, so it never covers a bar.
  METHODS.forEach((m, j) => parts.push(`<rect x="${L + j * 160}" y="32" width="12" height="12" fill="${colors[m]}"/><text x="${L + 18 + j * 160}" y="42">${m === 'marginalize' ? 'marginalization' : 'Gumbel-Softmax (single sample)'}</text>`));
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/** Training steps per second of one M2 configuration with random labels: one warm-up step, then steps until `seconds` have passed (at least minSteps). */
export async function measureSsvaeSteps(o: {
  data: SsvaeData; classes: number; yEstimator: EstimatorName; batch: number; seconds: number; minSteps: number; backend?: BackendName; threads: number;
}): Promise<SpeedCell & { backend: { name: string; variant: string } }> {
  // A fresh backend per cell: each model's 7M parameters and its scratch memory go with it.
  const backend = await openBackend(o.backend ?? 'wasm', { threads: o.threads });
  try {
    setBackend(backend);
    // 100 labels (a multiple of 5, 10 and 100); the labeled batch is the same for both methods.
    const k = o.classes, labels = Math.ceil(100 / k) * k;
    const trainer = new SsvaeTrainer(ssvaeConfig({
      model: { classes: k, labels, randomLabels: true }, estimator: { name: o.yEstimator, options: {} },
      optimizer: { labeledBatch: Math.min(o.batch, labels), batch: o.batch, steps: 1 }, runtime: { backend: o.backend ?? 'wasm', threads: o.threads },
    }), o.data, backend);
    trainer.trainStep();
    const t0 = performance.now();
    let steps = 0;
    while (steps < o.minSteps || performance.now() - t0 < 1000 * o.seconds) {
      trainer.trainStep();
      steps++;
    }
    const seconds = (performance.now() - t0) / 1000;
    return { classes: k, yEstimator: o.yEstimator, steps, seconds, stepsPerSec: steps / seconds, backend: { name: backend.name, variant: backend.variant } };
  } finally {
    backend.dispose();
  }
}

export async function reproduceSpeed(opts: {
  classes: number[]; batch: number; seconds: number; minSteps?: number; outDir: string; stderr: Output; backend?: BackendName; threads?: number; command: string;
}): Promise<SpeedReport> {
  for (const k of opts.classes) checkNumber('reproduce speed', 'classes', k, { integer: true, positive: true });
  checkNumber('reproduce speed', 'batch', opts.batch, { integer: true, positive: true });
  checkNumber('reproduce speed', 'seconds', opts.seconds, { nonNegative: true });
  const minSteps = checkNumber('reproduce speed', 'minSteps', opts.minSteps ?? 2, { integer: true, positive: true });
  await mkdir(opts.outDir, { recursive: true });
  const data = await loadSsvaeData();
  const threads = opts.threads ?? 1;
  const cells: SpeedCell[] = [];
  let info = { name: '', variant: '' };
  for (const k of opts.classes) {
    for (const m of METHODS) {
      const { backend, ...cell } = await measureSsvaeSteps({ data, classes: k, yEstimator: m, batch: opts.batch, seconds: opts.seconds, minSteps, backend: opts.backend, threads });
      info = backend;
      cells.push(cell);
      opts.stderr.write(`k = ${k}, ${m}: ${cell.stepsPerSec.toFixed(3)} steps/s (${cell.steps} steps in ${cell.seconds.toFixed(1)} s)\n`);
    }
  }
  const speedup = opts.classes.map((k) => {
    const g = cells.find((c) => c.classes === k && c.yEstimator === 'gumbel_softmax')!, mg = cells.find((c) => c.classes === k && c.yEstimator === 'marginalize')!;
    return { classes: k, ours: g.stepsPerSec / mg.stepsPerSec, paper: PAPER_SPEEDUP[k] ?? null };
  });
  const report: SpeedReport = {
    figure: 'fig5a', batch: opts.batch, labeledBatch: Math.min(opts.batch, 100), cells, speedup,
    backend: { ...info, threads }, versions: await versions(), command: opts.command,
  };
  await writeAtomic(join(opts.outDir, 'speed.json'), JSON.stringify(report, null, 2) + '\n');
  await writeAtomic(join(opts.outDir, 'speed.svg'), speedSvg(report));
  return report;
}

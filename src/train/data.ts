// The run's data, from the data module (src/data): fixed-binarized MNIST (or --data-dir), split
// 50k/10k/10k, optionally cut to the first trainSize / testSize examples for quick runs.
import { type Dataset, slice } from '../data/index.js';
import { loadMnist } from '../data/node.js';
import type { TrainConfig } from './config.js';

export interface RunData {
  train: Dataset;
  valid: Dataset;
  test: Dataset;
  files: string[];
  format: 'idx' | 'amat';
}

const first = (ds: Dataset, n: number) => (n > 0 && n < ds.n ? slice(ds, 0, n) : ds);

export async function loadData(config: Pick<TrainConfig, 'evaluation' | 'runtime'>): Promise<RunData> {
  const { runtime: { dataDir }, evaluation: e } = config;
  const d = await loadMnist({ binarize: 'fixed', ...(dataDir ? { dataDir } : {}) });
  return { train: first(d.train, e.trainSize), valid: d.valid, test: first(d.test, e.testSize), files: d.files, format: d.format };
}

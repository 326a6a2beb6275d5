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

export async function loadData(config: Pick<TrainConfig, 'dataDir' | 'trainSize' | 'testSize'>): Promise<RunData> {
  const d = await loadMnist({ binarize: 'fixed', ...(config.dataDir ? { dataDir: config.dataDir } : {}) });
  return { train: first(d.train, config.trainSize), valid: d.valid, test: first(d.test, config.testSize), files: d.files, format: d.format };
}

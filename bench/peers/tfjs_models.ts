// The benchmark models written directly with @tensorflow/tfjs-core on tfjs-backend-wasm (XNNPACK):
// the peer of bench/models. Stock tfjs: autodiff through tf.variableGrads, tf.train.adam, noise
// from tf.randomUniform. Returns milliseconds per training step at batch 100.
import { tfjsWasm } from './tfjs.js';

const B = 100, N = 20, K = 10;

export async function tfjsModelStepsPerSecond(model: string, seconds: number): Promise<number> {
  const tf = await tfjsWasm();
  const dense = (i: number, o: number) => ({
    w: tf.variable(tf.randomUniform([i, o], -Math.sqrt(6 / (i + o)), Math.sqrt(6 / (i + o)))),
    b: tf.variable(tf.zeros([o])),
  });
  type Dense = ReturnType<typeof dense>;
  const apply = (layers: Dense[], x: import('@tensorflow/tfjs-core').Tensor2D) =>
    layers.reduce((h, l, i) => {
      const y = tf.add(tf.matMul(h, l.w), l.b) as typeof x;
      return i < layers.length - 1 ? tf.relu(y) : y;
    }, x);
  const chain = (sizes: number[]) => sizes.slice(1).map((o, i) => dense(sizes[i], o));
  const x = tf.cast(tf.less(tf.randomUniform([B, 784]), 0.13), 'float32') as import('@tensorflow/tfjs-core').Tensor2D;
  const clampU = (shape: number[]) => tf.clipByValue(tf.randomUniform(shape), 2 ** -24, 1 - 2 ** -24);
  const bce = (logits: import('@tensorflow/tfjs-core').Tensor, t: import('@tensorflow/tfjs-core').Tensor) =>
    tf.sub(tf.softplus(logits), tf.mul(t, logits));

  let loss: () => import('@tensorflow/tfjs-core').Scalar;
  if (model === 'sbn-bern') {
    const [l1, l2, l3] = [dense(392, 200), dense(200, 200), dense(200, 392)];
    const upper = tf.slice(x, [0, 0], [B, 392]), lower = tf.slice(x, [0, 392], [B, 392]);
    const binConcrete = (logits: import('@tensorflow/tfjs-core').Tensor) => {
      const u = clampU(logits.shape);
      return tf.sigmoid(tf.add(logits, tf.sub(tf.log(u), tf.log1p(tf.neg(u)))));
    };
    loss = () => {
      const h1 = binConcrete(apply([l1], upper));
      const h2 = binConcrete(apply([l2], h1 as import('@tensorflow/tfjs-core').Tensor2D));
      return tf.mean(tf.sum(bce(apply([l3], h2 as import('@tensorflow/tfjs-core').Tensor2D), lower), 1));
    };
  } else {
    const hidden = model === 'vae-mlp' ? [512, 256] : [];
    const enc = chain([784, ...hidden, N * K]), dec = chain([N * K, ...[...hidden].reverse(), 784]);
    const prior = tf.variable(tf.zeros([N, K]));
    loss = () => {
      const logits = tf.reshape(apply(enc, x), [B, N, K]);
      const g = tf.neg(tf.log(tf.neg(tf.log(clampU([B, N, K])))));
      const y = tf.reshape(tf.softmax(tf.add(logits, g)), [B, N * K]) as import('@tensorflow/tfjs-core').Tensor2D;
      const rec = tf.sum(bce(apply(dec, y), x), 1);
      const lq = tf.logSoftmax(logits), lp = tf.logSoftmax(prior);
      const kl = tf.sum(tf.mul(tf.exp(lq), tf.sub(lq, lp)), [1, 2]);
      return tf.mean(tf.add(rec, kl));
    };
  }
  const opt = tf.train.adam(1e-3);
  const step = () => {
    const l = opt.minimize(loss, true);
    l?.dataSync();
    l?.dispose();
  };
  for (let i = 0; i < 10; i++) step();
  let steps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    step();
    steps++;
  }
  const ms = (performance.now() - t0) / steps;
  tf.disposeVariables();
  return ms;
}

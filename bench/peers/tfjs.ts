// The tfjs-backend-wasm peer (XNNPACK), initialised once per process.
// The @tensorflow/tfjs union package: tfjs-core's Node bundle registers no gradients, and the
// model peers (bench/peers/tfjs_models.ts) train with tf.train.adam.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

let ready: Promise<typeof tf> | null = null;

export function tfjsWasm(): Promise<typeof tf> {
  ready ??= (async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    return tf;
  })();
  return ready;
}

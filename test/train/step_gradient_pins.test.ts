// Pins the gradient of one training step of darn, muprop and gumbel_softmax on the four Table 1
// models (same seed, ref backend), taken from the code before grad() skipped the nodes that lead to
// none of its `wrt` tensors (issue 18 item 5): a speed-up of the step must keep these numbers.
// PIN_PRINT=1 prints the current values instead of checking them.
import { describe, expect, it } from 'vitest';
import { grad } from '../../src/autograd/tape.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { makeDataset } from '../../src/data/index.js';
import { setBackend, step } from '../../src/engine.js';
import { foldIn } from '../../src/random/key.js';
import { defaultConfig, patchConfig } from '../../src/train/config.js';
import { Trainer } from '../../src/train/trainer.js';

const ROWS = 40, BATCH = 20;

/** Per parameter tensor: Σg, Σ|g| and g[0] of step 1's gradient (after one training step moved C/VN and the parameters). */
function summary(model: 'sbn' | 'vae', latent: 'bernoulli' | 'categorical', estimator: string): number[][] {
  const be = createRefBackend();
  setBackend(be);
  const x = new Float32Array(ROWS * 784).map((_, i) => ((Math.imul(i, 2654435761) >>> 0) % 5 === 0 ? 1 : 0));
  const cfg = patchConfig(defaultConfig(model), { model: { latent }, estimator: { name: estimator }, optimizer: { batch: BATCH, name: 'adam' } });
  const t = new Trainer(cfg, makeDataset(x, 784), be);
  t.trainStep();
  return step(() => {
    const { x: xb, pass } = t.model.batch(t.batchRows(1), BATCH);
    const obj = t.estimator.objective(pass, foldIn(t.keys.step, 1), { tau: t.tauAt(1), slope: t.slopeAt(1) }, xb);
    return grad(obj.surrogate, t.params()).map((g) => {
      const v = g!.data();
      let s = 0, a = 0;
      for (const u of v) (s += u), (a += Math.abs(u));
      return [s, a, v[0]];
    });
  }, be);
}

// [model, latent, estimator] → per parameter [Σg, Σ|g|, g[0]]
const PINS: Record<string, number[][]> = {
  'sbn-bernoulli-darn': [[18.4537197,269.591201,-0.00860909745],[0.236072717,1.19756801,0.00334219751],[423.572114,680.845322,0.0143878059],[4.3831346,5.65415322,0.0338683687],[533.715315,3914.91715,0.00717929192],[5.5841591,29.2198862,-0.0312104616]],
  'sbn-bernoulli-muprop': [[68.2203134,1390.35634,-0.0272973329],[0.857185266,8.36140323,-0.0400633886],[408.154146,683.881488,0.015446472],[4.18016857,5.76856288,0.0473215468],[578.377718,3999.14401,0.00593120232],[5.90459328,29.8111384,-0.0307726059]],
  'sbn-bernoulli-gumbel_softmax': [[6.22577771,138.901096,-0.00301749469],[0.0791156538,0.686709757,0.00145379407],[294.973278,425.806273,0.0143963536],[3.00392215,3.96771256,0.0279500913],[372.536431,3208.57662,0.00807196554],[3.8567449,28.6092981,-0.0296220891]],
  'sbn-categorical-darn': [[-3.52088136e-9,64.6704581,0.000402610254],[8.11269274e-10,0.401070921,0.00133305206],[-1.56224473e-7,191.683875,-0.00140983576],[-1.3897079e-9,4.5280562,-0.00312475162],[33.1778901,1634.96307,0],[1.6588945,20.9241699,-0.0214928947]],
  'sbn-categorical-muprop': [[0.00000291504693,641.48386,0.00007249802],[3.80969141e-8,4.67765696,-0.0327321589],[4.98425834e-8,92.2127804,-0.000278133724],[-1.30967237e-10,1.29269323,0.00381464255],[34.6734022,1632.5526,0],[1.73367011,20.9505619,-0.0195559692]],
  'sbn-categorical-gumbel_softmax': [[-6.49901608e-8,37.8972522,-0.000472813612],[-9.52240953e-10,0.213301638,-0.00112369726],[-1.06425423e-7,53.284266,0.000794139982],[-6.20457286e-9,1.71841643,0.0080777593],[17.0481858,905.685686,0.00328619871],[0.85240923,20.7505196,-0.0205880404]],
  'vae-bernoulli-darn': [[858.996323,3223.55699,0.0225818288],[5.49266756,9.95034214,0.00457887864],[593.605917,8009.6049,0.0412785187],[6.07355386,53.1443162,-0.0481353067],[0.510150976,9.413671,0.0281558]],
  'vae-bernoulli-muprop': [[1047.74114,3758.44502,0.0243515167],[6.69644463,11.8300371,0.00658171158],[592.116228,8231.75678,0.0426602401],[5.98552334,53.4286093,-0.0514947809],[-0.648561663,11.1863747,0.0178326834]],
  'vae-bernoulli-gumbel_softmax': [[627.389803,2739.18961,0.00979675259],[4.01296912,8.87538193,-0.0116983019],[379.308152,6422.37691,0.0163343754],[3.8097123,53.149228,-0.0498218499],[0.168473974,8.94008234,0.0244874656]],
  'vae-categorical-darn': [[-5.03452611e-7,1739.04405,-0.00605079485],[-3.60887498e-9,5.79273833,-0.0263248477],[14.8233208,3261.8915,0],[0.74116599,40.1749702,-0.0268963464],[-3.37604433e-9,3.67855986,0.0112313516]],
  'vae-categorical-muprop': [[-7.49816536e-7,1456.79401,0.00349067594],[-8.73114914e-11,4.24064708,-0.0212350171],[14.2258374,3271.07977,0],[0.711291843,40.2436217,-0.0276911054],[2.27882992e-8,4.07474332,0.00844558328]],
  'vae-categorical-gumbel_softmax': [[-0.00000223956886,1154.60334,0.000244545867],[-9.16770659e-9,3.59258138,-0.0230570827],[0.766682582,1859.29867,0.0056184344],[0.0383342551,40.5801887,-0.0314977653],[-7.82893039e-9,3.50515096,0.00274896226]],
};

describe('training-step gradients (pinned before the autograd pruning)', () => {
  for (const model of ['sbn', 'vae'] as const) {
    for (const latent of ['bernoulli', 'categorical'] as const) {
      for (const estimator of ['darn', 'muprop', 'gumbel_softmax']) {
        const id = `${model}-${latent}-${estimator}`;
        it(id, () => {
          const got = summary(model, latent, estimator);
          if (process.env.PIN_PRINT) {
            console.log(`  '${id}': ${JSON.stringify(got.map((r) => r.map((v) => +v.toPrecision(9))))},`);
            return;
          }
          const want = PINS[id];
          expect(got.length).toBe(want.length);
          // Σg cancels to ~0 for softmax-fed biases: its tolerance scales with Σ|g|.
          got.forEach(([s, a, g0], p) => {
            const [ws, wa, wg0] = want[p];
            expect(Math.abs(s - ws), `${id} parameter ${p}: Σg ${s} vs ${ws}`).toBeLessThanOrEqual(1e-6 * wa);
            expect(Math.abs(a - wa), `${id} parameter ${p}: Σ|g| ${a} vs ${wa}`).toBeLessThanOrEqual(1e-6 * wa);
            expect(Math.abs(g0 - wg0), `${id} parameter ${p}: g[0] ${g0} vs ${wg0}`).toBeLessThanOrEqual(1e-5 * Math.abs(wg0) + 1e-12);
          });
        });
      }
    }
  }
});

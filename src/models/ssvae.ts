// The semi-supervised M2 model (Kingma et al. 2014) with the conv networks of Jang, Gu & Poole
// (2017, App. A, Fig. 7), for Table 2 and the speed test of Fig. 5a.
//
//   q(y|x)     x [28,28,1] → conv5×5/2 32 → 64 → 128 (ReLU) → FC k → softmax
//   q(z|x,y)   [x, y] → conv5×5/2 32 → 64 → 128 (ReLU) → FC 2·16 → Gaussian z (μ, log σ²)
//   p(x|y,z)   [y, z] → FC 64 (ReLU) → 1×1×64 → convT3×3/2 128 → 64 → 32 → 32 (ReLU) → FC 784 Bernoulli logits
//   p(y) uniform over k classes, p(z) = N(0, I).
//
// With L(x,y) = −log p(x|y,z) + KL(q(z|x,y) ‖ N(0,I)) (one reparameterised z = μ + σ·ε):
//   labeled    −log p(x,y) ≤ L(x,y) + log k                                        (Eq. 8)
//   unlabeled  U(x) = Σ_y q(y|x)·L(x,y) + KL(q(y|x) ‖ Uniform(k))                   (Eqs. 9–10; Σ q(y)·log k − H(q) = KL(q‖U))
//   objective  J = mean_l [L + log k] + mean_u U + β·mean_l [−log q(y_l|x_l)]        (Eq. 11)
// β is the per-example weight of the classification term; the trainer sets β = α·N/N_l as Kingma et
// al.'s code does (N training images, N_l labels: β = 500·α for 50,000 and 100), the reading under
// which the paper's grid α ∈ {0.1 … 1} makes sense (see src/train/ssvae.ts).
// U is estimated by a registry estimator the trainer hands over (src/estimators/), e.g.
//   marginalize        the sum over all k classes: q(z|x,y) and p(x|y,z) run on k·B rows (cost D + k(I + G));
//   gumbel_softmax     y = softmax((ℓ + g)/τ) feeds q(z|x,y) and p(x|y,z) once, plus the analytic KL(q(y|x) ‖ Uniform)
//   st_gumbel_softmax  the same with a one-hot y forward and the relaxed gradient (cost D + I + G).
// marginalize's sum runs batched here (all k·B rows through each network at once, one z per example
// and class, as the ELBO of the evaluation) rather than as its k passes; any other estimator drives
// the pass of y.
// Choices the paper leaves open (paper-protocol.md gap 12), documented here:
// - z is 16-d (the FC 32 head is μ and log σ², two FC 16 heads);
// - y enters q(z|x,y) as k constant input channels of the first conv whose padding repeats their
//   value, so their contribution is the same at every position: a per-channel bias y·W_y [B, 32],
//   tiled over the 14×14 positions (exact, cheap; plain zero padding would differ on the border);
// - the decoder's FC 64 on [y, z] is y·W_y + z·W_z + b; its 1×1×64 output is deconvolved to
//   16×16×32 (pad 1: 1 → 2 → 4 → 8 → 16) and an FC maps the 8192 features to 784 logits;
// - the ELBO of Table 2 is −U(x) marginalized exactly over y with one z sample per class, for all three.
import type { Backend } from '../backend.js';
import { noGrad } from '../autograd/tape.js';
import { getBackend, step } from '../engine.js';
import { ArgumentError, ShapeError, checkNumber, fmtShape } from '../errors.js';
import type { Estimator } from '../estimators/estimator.js';
import { Conv2d, ConvTranspose2d } from '../nn/conv.js';
import { Linear, glorotUniform } from '../nn/linear.js';
import { Params } from '../nn/params.js';
import {
  add, exp, klCategorical, logSoftmax, matmul, mean, mul, neg, relu, reshape, scale, square, sub, sum, tensor, zeros,
} from '../ops.js';
import { normalHost } from '../random/normal.js';
import { foldIn, type Key } from '../random/key.js';
import type { Tensor } from '../tensor.js';
import { bernoulliNll, logitOfMean } from './common.js';

export interface SsvaeOptions {
  /** Classes k of y (10 for MNIST; the speed test uses 5, 10, 100). */
  classes?: number;
  /** Dimensions of the Gaussian z (default 16). */
  zDim?: number;
  key: Key;
  /** Training rows [n, 784]: the decoder's output bias starts at the logit of their mean. */
  initData?: Float32Array;
  backend?: Backend;
}

export interface SsvaeObjective {
  /** The scalar J to minimise. */
  surrogate: Tensor;
  /** mean_l [L + log k], mean_u U, mean_l [−log q(y_l|x_l)] (values for reporting). */
  labeled: Tensor;
  unlabeled: Tensor;
  classification: Tensor;
}

export interface SsvaeEvalResult {
  /** Fraction of examples whose argmax q(y|x) is the label. */
  accuracy: number;
  /** mean of −U(x), marginalized exactly over y with one z sample per class (nats; the paper's Table 2 "ELBO"). */
  elbo: number;
  examples: number;
}

const SIDE = 28, PIXELS = SIDE * SIDE;
const CONV = { kernel: 5, stride: 2, pad: 2 } as const;
const DECONV = { kernel: 3, stride: 2, pad: 1 } as const;

/** conv 32 → 64 → 128 (5×5, stride 2, ReLU): 28×28 → 14 → 7 → 4. The first layer's pre-activation can be shifted. */
class ConvTrunk {
  readonly convs: Conv2d[];

  constructor(params: Params, name: string, key: Key) {
    const ch = [1, 32, 64, 128];
    this.convs = ch.slice(1).map((c, i) => new Conv2d(params, `${name}.conv${i}`, { inChannels: ch[i], outChannels: c, ...CONV }, foldIn(key, i)));
  }

  /** x [B, 784] → features [B, 2048]; `shift` [B, 14·14·32] is added before the first ReLU. */
  forward(x: Tensor, shift?: Tensor): Tensor {
    const B = x.shape[0];
    let h = this.convs[0].forward(reshape(x, [B, SIDE, SIDE, 1]));
    if (shift) h = add(h, reshape(shift, h.shape));
    h = relu(h);
    for (const c of this.convs.slice(1)) h = relu(c.forward(h));
    return reshape(h, [B, h.size / B]);
  }
}

export class SSVAE {
  readonly name = 'ssvae';
  readonly classes: number;
  readonly zDim: number;
  readonly params: Params;
  readonly dim = PIXELS;
  private readonly be: Backend;
  private readonly logK: number;
  // q(y|x)
  private readonly yTrunk: ConvTrunk;
  private readonly yHead: Linear;
  // q(z|x,y)
  private readonly zTrunk: ConvTrunk;
  private readonly zY: Tensor;
  /** [32, 14·14·32]: tiles a per-channel value over the 196 positions (constant, persistent). */
  private readonly tile: Tensor;
  private readonly zMu: Linear;
  private readonly zLogVar: Linear;
  // p(x|y,z)
  private readonly dY: Tensor;
  private readonly dZ: Linear;
  private readonly deconvs: ConvTranspose2d[];
  private readonly out: Linear;

  constructor(opts: SsvaeOptions) {
    this.be = opts.backend ?? getBackend();
    this.classes = checkNumber('SSVAE', 'classes', opts.classes ?? 10, { integer: true, positive: true });
    if (this.classes < 2) throw new ArgumentError(`SSVAE: classes must be >= 2, found ${this.classes}`);
    this.zDim = checkNumber('SSVAE', 'zDim', opts.zDim ?? 16, { integer: true, positive: true });
    this.logK = Math.log(this.classes);
    const k = this.classes, key = opts.key, p = (this.params = new Params(this.be));
    this.yTrunk = new ConvTrunk(p, 'qy', foldIn(key, 0));
    this.yHead = new Linear(p, 'qy.fc', 2048, k, foldIn(key, 1));
    this.zTrunk = new ConvTrunk(p, 'qz', foldIn(key, 2));
    // y's weights of the first conv, summed over its 25 taps: the spread of a sum of 25 Glorot weights.
    const gain = (5 * Math.sqrt(6 / (25 * k + 25 * 32))) / Math.sqrt(6 / (k + 32));
    this.zY = p.add('qz.y', glorotUniform(foldIn(key, 3), k, 32).map((w) => gain * w), [k, 32]);
    const tile = new Float32Array(32 * 196 * 32);
    for (let pos = 0; pos < 196; pos++) for (let c = 0; c < 32; c++) tile[c * 196 * 32 + pos * 32 + c] = 1;
    this.tile = tensor(tile, [32, 196 * 32], { persistent: true, backend: this.be });
    this.zMu = new Linear(p, 'qz.mu', 2048, this.zDim, foldIn(key, 4));
    this.zLogVar = new Linear(p, 'qz.logvar', 2048, this.zDim, foldIn(key, 5));
    this.dY = p.add('px.fc.y', glorotUniform(foldIn(key, 6), k + this.zDim, 64).subarray(0, k * 64), [k, 64]);
    this.dZ = new Linear(p, 'px.fc.z', this.zDim, 64, foldIn(key, 7));
    const ch = [64, 128, 64, 32, 32];
    this.deconvs = ch.slice(1).map((c, i) => new ConvTranspose2d(p, `px.deconv${i}`, { inChannels: ch[i], outChannels: c, ...DECONV }, foldIn(key, 8 + i)));
    const bias = opts.initData ? logitOfMean(opts.initData, PIXELS) : undefined;
    this.out = new Linear(p, 'px.out', 16 * 16 * 32, PIXELS, foldIn(key, 12), bias);
  }

  private checkX(where: string, x: Tensor): void {
    if (x.rank !== 2 || x.shape[1] !== PIXELS) throw new ShapeError(`SSVAE.${where}: x must be [B, ${PIXELS}], found ${fmtShape(x.shape)}`);
  }

  private checkY(where: string, y: Tensor, rows: number): void {
    if (y.rank !== 2 || y.shape[0] !== rows || y.shape[1] !== this.classes) {
      throw new ShapeError(`SSVAE.${where}: y must be [${rows}, ${this.classes}] (one-hot or relaxed), found ${fmtShape(y.shape)}`);
    }
  }

  /** Logits of q(y|x): [B, k]. */
  classify(x: Tensor): Tensor {
    this.checkX('classify', x);
    return this.yHead.forward(this.yTrunk.forward(x));
  }

  /** L(x,y) = −log p(x|y,z) + KL(q(z|x,y) ‖ N(0,I)) per example [B], with z = μ + σ·ε, ε ~ N(0,I) under key. */
  bound(x: Tensor, y: Tensor, key: Key): Tensor {
    this.checkX('bound', x);
    const B = x.shape[0];
    this.checkY('bound', y, B);
    const h = this.zTrunk.forward(x, matmul(matmul(y, this.zY), this.tile));
    const mu = this.zMu.forward(h), logVar = this.zLogVar.forward(h);
    const eps = tensor(normalHost(key, B * this.zDim), [B, this.zDim], { backend: this.be });
    const z = add(mu, mul(exp(scale(logVar, 0.5)), eps));
    // KL(N(μ, σ²) ‖ N(0, 1)) = ½ Σ (μ² + σ² − log σ² − 1)
    const kl = scale(sum(sub(add(square(mu), exp(logVar)), logVar), -1), 0.5, -0.5 * this.zDim);
    return add(bernoulliNll(this.decode(y, z), x), kl);
  }

  /** Bernoulli logits of p(x|y,z): [B, 784]. */
  decode(y: Tensor, z: Tensor): Tensor {
    const B = z.shape[0];
    let h = reshape(relu(add(matmul(y, this.dY), this.dZ.forward(z))), [B, 1, 1, 64]);
    for (const d of this.deconvs) h = relu(d.forward(h, [2 * h.shape[1], 2 * h.shape[2]]));
    return this.out.forward(reshape(h, [B, h.size / B]));
  }

  /** KL(q(y|x) ‖ Uniform(k)) per example [B] from the logits. */
  private klUniform(logits: Tensor): Tensor {
    return reshape(klCategorical(logits, zeros(logits.shape, { backend: this.be }), this.classes), [logits.shape[0]]);
  }

  /**
   * U(x) per example [B] by the exact sum over y: the k rows of example b are b·k … b·k + k − 1
   * (x repeated on the host, y the k one-hot vectors). Also returns the classifier's logits.
   */
  marginalized(xRows: Float32Array, rows: number, key: Key): { u: Tensor; logits: Tensor } {
    const k = this.classes;
    const x = tensor(xRows.subarray(0, rows * PIXELS), [rows, PIXELS], { backend: this.be });
    const tiled = new Float32Array(rows * k * PIXELS), ys = new Float32Array(rows * k * k);
    for (let b = 0; b < rows; b++) {
      const src = xRows.subarray(b * PIXELS, (b + 1) * PIXELS);
      for (let j = 0; j < k; j++) {
        tiled.set(src, (b * k + j) * PIXELS);
        ys[(b * k + j) * k + j] = 1;
      }
    }
    const logits = this.classify(x);
    const L = this.bound(tensor(tiled, [rows * k, PIXELS], { backend: this.be }), tensor(ys, [rows * k, k], { backend: this.be }), key);
    const q = exp(logSoftmax(logits, k));
    return { u: add(sum(mul(q, reshape(L, [rows, k])), -1), this.klUniform(logits)), logits };
  }

  /** mean_b U(x_b) by one relaxed (or straight-through) y per example, driven by the estimator. */
  private relaxedU(x: Tensor, est: Estimator, key: Key, tau: number): Tensor {
    return est.objective(
      (latent) => {
        const logits = this.classify(x);
        const y = latent(logits, { kind: 'categorical', k: this.classes });
        return add(this.bound(x, y, foldIn(key, 1)), this.klUniform(logits));
      },
      foldIn(key, 0), { tau, slope: 1 },
    ).surrogate;
  }

  /** The labeled terms of Eq. 11 on rows xl [Bl, 784] (host, binarized): mean_l [L + log k] and mean_l [−log q(y_l|x_l)]. */
  labeledTerms(xl: Float32Array, labels: ArrayLike<number>, key: Key): { labeled: Tensor; classification: Tensor } {
    const k = this.classes, Bl = labels.length;
    if (xl.length !== Bl * PIXELS) throw new ShapeError(`SSVAE.objective: xl must hold ${Bl} rows of ${PIXELS} (one per label), found ${xl.length} values`);
    const yl = new Float32Array(Bl * k);
    for (let i = 0; i < Bl; i++) {
      const c = labels[i];
      if (!Number.isInteger(c) || c < 0 || c >= k) throw new ArgumentError(`SSVAE.objective: labels must be integers in [0, ${k}), found ${c} at ${i}`);
      yl[i * k + c] = 1;
    }
    const x = tensor(xl, [Bl, PIXELS], { backend: this.be }), y = tensor(yl, [Bl, k], { backend: this.be });
    return {
      labeled: scale(mean(this.bound(x, y, key)), 1, this.logK),
      classification: neg(mean(sum(mul(y, logSoftmax(this.classify(x), k)), -1))),
    };
  }

  /** mean_u U(x_u) on rows xu [Bu, 784] (host, binarized), estimated by y's estimator (marginalize: batched, see the header). */
  unlabeledTerm(xu: Float32Array, opts: { y: Estimator; tau: number; key: Key }): Tensor {
    const Bu = xu.length / PIXELS;
    if (!Number.isInteger(Bu) || Bu < 1) throw new ShapeError(`SSVAE.objective: xu must hold whole rows of ${PIXELS}, found ${xu.length} values`);
    if (opts.y.name === 'marginalize') return mean(this.marginalized(xu, Bu, opts.key).u);
    return this.relaxedU(tensor(xu, [Bu, PIXELS], { backend: this.be }), opts.y, opts.key, opts.tau);
  }

  /** Eq. 11 for one step: J = labeled + unlabeled + β·classification, with its parts. */
  objective(
    xl: Float32Array, labels: ArrayLike<number>, xu: Float32Array,
    opts: { y: Estimator; beta: number; tau: number; key: Key },
  ): SsvaeObjective {
    checkNumber('SSVAE.objective', 'beta', opts.beta, { nonNegative: true });
    const { labeled, classification } = this.labeledTerms(xl, labels, foldIn(opts.key, 0));
    const unlabeled = this.unlabeledTerm(xu, { y: opts.y, tau: opts.tau, key: foldIn(opts.key, 1) });
    return { surrogate: add(add(labeled, unlabeled), scale(classification, opts.beta)), labeled, unlabeled, classification };
  }

  /** Test accuracy of argmax q(y|x) and the marginalized ELBO −U(x), in chunks of `chunk` examples. */
  evaluate(images: Float32Array, labels: Uint8Array, opts: { key: Key; chunk?: number; onProgress?: (done: number, total: number) => void }): SsvaeEvalResult {
    const n = labels.length;
    if (images.length !== n * PIXELS) throw new ShapeError(`SSVAE.evaluate: images must hold ${n} rows of ${PIXELS} (one per label), found ${images.length} values`);
    const chunk = checkNumber('SSVAE.evaluate', 'chunk', opts.chunk ?? Math.max(1, Math.floor(1000 / this.classes)), { integer: true, positive: true });
    let correct = 0, total = 0;
    for (let start = 0, c = 0; start < n; start += chunk, c++) {
      const rows = Math.min(chunk, n - start);
      const [u, logits] = step(() => noGrad(() => {
        const r = this.marginalized(images.subarray(start * PIXELS, (start + rows) * PIXELS), rows, foldIn(opts.key, c));
        return [r.u.data(), r.logits.data()];
      }), this.be);
      for (let b = 0; b < rows; b++) {
        total += u[b];
        let best = 0;
        for (let j = 1; j < this.classes; j++) if (logits[b * this.classes + j] > logits[b * this.classes + best]) best = j;
        if (best === labels[start + b]) correct++;
      }
      opts.onProgress?.(start + rows, n);
    }
    return { accuracy: n ? correct / n : NaN, elbo: n ? -total / n : NaN, examples: n };
  }
}

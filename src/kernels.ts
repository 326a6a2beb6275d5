// The kernel catalogue: every kernel a backend implements, with its exact contract.
//
// Conventions (the same in assembly/, src/backends/*, test/ and bench/):
// - data is f32, row-major; counts are elements; `rows × k` views a buffer as groups of k
//   (20 categorical variables of 10 classes in a [B, 200] tensor is rows = 20·B, k = 10);
// - outputs never alias inputs unless the entry says `inplace`;
// - kernels trust their arguments: ops.ts validated them;
// - random kernels take a key (k0, k1) and derive element i's bits from Philox-4x32-10 with
//   counter (⌊i/4⌋, 0, 0, 0), word i mod 4: the same bits on every backend, SIMD width and thread split.

/** Host-side arrays: f32 everywhere; the `ref` backend can also run in f64 (gradient checks). */
export type F = Float32Array | Float64Array;

/** An opaque handle to `size` f32 elements owned by a backend. */
export interface Buf {
  readonly size: number;
}

// An op's position in UNARY_OPS / BINARY_OPS, and Bcast's values, are the codes the wasm core
// knows them by: assembly/codes.ts declares the same codes, test/op_codes.test.ts compares the two.
export type UnaryOp = 'neg' | 'abs' | 'square' | 'sqrt' | 'relu' | 'sigmoid' | 'tanh' | 'softplus' | 'exp' | 'log';
export const UNARY_OPS: readonly UnaryOp[] = ['neg', 'abs', 'square', 'sqrt', 'relu', 'sigmoid', 'tanh', 'softplus', 'exp', 'log'];

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'max' | 'min';
export const BINARY_OPS: readonly BinaryOp[] = ['add', 'sub', 'mul', 'div', 'max', 'min'];

/** How b broadcasts against a [rows, cols] a: same shape, one row [cols], one column [rows], or a scalar [1]. */
export const enum Bcast {
  None = 0,
  Row = 1,
  Col = 2,
  Scalar = 3,
}

/**
 * The kernels. Formulas use x for inputs, y for outputs, dy/dx for cotangents.
 * Every method writes only its output buffers.
 */
export interface Kernels {
  /** y[i] = value. */
  fill(y: Buf, n: number, value: number): void;
  /** y = alpha·x + beta. inplace. */
  scale(x: Buf, y: Buf, n: number, alpha: number, beta: number): void;
  /** y = f(x) elementwise: neg −x, abs |x|, square x², sqrt √x, relu max(0,x), sigmoid 1/(1+e^−x),
   *  tanh, softplus log(1+e^x) (stable: max(x,0)+log1p(e^−|x|)), exp, log. inplace. */
  unary(op: UnaryOp, x: Buf, y: Buf, n: number): void;
  /** dx = dy·f′(x), given y = f(x): neg −dy, abs dy·sign(x), square 2x·dy, sqrt dy/(2y), relu dy·[x>0],
   *  sigmoid dy·y(1−y), tanh dy·(1−y²), softplus dy·σ(x), exp dy·y, log dy/x. */
  unary_grad(op: UnaryOp, x: Buf, y: Buf, dy: Buf, dx: Buf, n: number): void;
  /** y[r,c] = a[r,c] ∘ b[·] with b broadcast by `bcast`; max/min propagate NaN. */
  binary(op: BinaryOp, a: Buf, b: Buf, y: Buf, rows: number, cols: number, bcast: Bcast): void;
  /** axis 0: y[c] = Σ_r x[r,c] (column sums, e.g. bias gradient); axis 1: y[r] = Σ_c x[r,c]. */
  reduce_sum(x: Buf, y: Buf, rows: number, cols: number, axis: 0 | 1): void;
  /**
   * C[m,n] (+)= op(A)·op(B) (+ bias[n]).
   * transA: A is stored [k,m] (weight gradient Aᵀ·B); transB: B is stored [n,k] (input gradient A·Bᵀ).
   * accumulate adds into C instead of overwriting it; bias (or null) is added to every row.
   */
  matmul(a: Buf, b: Buf, c: Buf, m: number, k: number, n: number, transA: boolean, transB: boolean, accumulate: boolean, bias: Buf | null): void;
  /**
   * C[i,:] = bias + Σ_{j: A[i,j] ≠ 0} A[i,j]·B[j,:] (j ascending; A [m,k], B [k,n]; bias [n] or null, then from +0):
   * A·B for an A of mostly zero rows (one-hot or binary samples). Rows of B where A is 0 are not read
   * (0·Inf counts as 0); one thread, so bitwise the same for any thread count.
   */
  sparse_matmul(a: Buf, b: Buf, c: Buf, m: number, k: number, n: number, bias: Buf | null): void;
  /**
   * The patches of a batched NHWC image as rows (convolution as one matmul): x is [n,h,w,c], cols is
   * [n·ho·wo, kh·kw·c] with cols[(b·ho+oy)·wo+ox, (ky·kw+kx)·c+ci] = x[b, oy·stride−pad+ky, ox·stride−pad+kx, ci],
   * and 0 where that position is outside [0,h)×[0,w).
   */
  im2col(x: Buf, cols: Buf, n: number, h: number, w: number, c: number, kh: number, kw: number, stride: number, pad: number, ho: number, wo: number): void;
  /**
   * The adjoint of im2col: x[b,iy,ix,ci] = Σ of every cols entry that im2col would read from that position
   * (x is overwritten, not accumulated; 0 where nothing reads it).
   */
  col2im(cols: Buf, x: Buf, n: number, h: number, w: number, c: number, kh: number, kw: number, stride: number, pad: number, ho: number, wo: number): void;
  /** y[r,:] = softmax(x[r,:]) over each group of k (max-subtracted). */
  softmax(x: Buf, y: Buf, rows: number, k: number): void;
  /** dx = y ⊙ (dy − Σ_j dy_j·y_j) per group, given y = softmax(x). */
  softmax_grad(y: Buf, dy: Buf, dx: Buf, rows: number, k: number): void;
  /** y[r,:] = x[r,:] − logsumexp(x[r,:]). */
  log_softmax(x: Buf, y: Buf, rows: number, k: number): void;
  /** dx = dy − exp(y)·Σ_j dy_j per group, given y = log_softmax(x). */
  log_softmax_grad(y: Buf, dy: Buf, dx: Buf, rows: number, k: number): void;
  /** y[r] = log Σ_j exp(x[r,j]) (max-subtracted); y has `rows` elements. */
  logsumexp(x: Buf, y: Buf, rows: number, k: number): void;
  /** Bernoulli negative log-likelihood with logits: y = softplus(l) − t·l = −[t·log σ(l) + (1−t)·log σ(−l)]. */
  sigmoid_xent(logits: Buf, targets: Buf, y: Buf, n: number): void;
  /** y[i] = Σ_j sigmoid_xent(logits[i,j], targets[⌊i/s⌋,j]): logits [rows, cols], targets [rows/s, cols] (rows a multiple of s), y [rows]. */
  sigmoid_xent_rows(logits: Buf, targets: Buf, y: Buf, rows: number, cols: number, s: number): void;
  /** dl[i,j] = dy[i]·(σ(l[i,j]) − t[⌊i/s⌋,j]): sigmoid_xent_rows' gradient for the logits (dy [rows]), per element bitwise sigmoid_xent_grad with dy[i]. */
  sigmoid_xent_rows_grad(logits: Buf, targets: Buf, dy: Buf, dl: Buf, rows: number, cols: number, s: number): void;
  /** dl = dy·(σ(l) − t). (The gradient for t, −dy·l, is composed in autograd.) */
  sigmoid_xent_grad(logits: Buf, targets: Buf, dy: Buf, dl: Buf, n: number): void;
  /** y[r] = KL(q‖p) = Σ_j q_j (log q_j − log p_j) with q = softmax(lq[r,:]), p = softmax(lp[r,:]). */
  kl_categorical(lq: Buf, lp: Buf, y: Buf, rows: number, k: number): void;
  /** dlq_j = dy·q_j·((log q_j − log p_j) − KL);  dlp_j = dy·(p_j − q_j). */
  kl_categorical_grad(lq: Buf, lp: Buf, dy: Buf, dlq: Buf, dlp: Buf, rows: number, k: number): void;
  /** y = KL(Bern(σ(a))‖Bern(σ(b))) = σ(a)(log σ(a) − log σ(b)) + σ(−a)(log σ(−a) − log σ(−b)), elementwise. */
  kl_bernoulli(a: Buf, b: Buf, y: Buf, n: number): void;
  /** da = dy·σ(a)σ(−a)·(a − b);  db = dy·(σ(b) − σ(a)). */
  kl_bernoulli_grad(a: Buf, b: Buf, dy: Buf, da: Buf, db: Buf, n: number): void;
  /** y[i] = u_i = ((w_i >>> 9) + 0.5)·2⁻²³ ∈ [2⁻²⁴, 1 − 2⁻²⁴], exact in f32: never 0 or 1 (w_i is element i's Philox word). */
  random_uniform(y: Buf, n: number, k0: number, k1: number): void;
  /** y[i] = −log(−log u_i), finite for every word: within [−2.81, 16.64]. */
  random_gumbel(y: Buf, n: number, k0: number, k1: number): void;
  /** y[i] = log u_i − log(1 − u_i), within ±16.64 (1 − u is exact in f32). */
  random_logistic(y: Buf, n: number, k0: number, k1: number): void;
  /** Gumbel-Softmax sample, fused: y[r,:] = softmax((logits[r,:] + g[r,:])·invTau) per group of k, g the noise random_gumbel
   *  draws for y[0..rows·k) with this key, rounded after the add and the scale as add, scale and softmax round them. */
  gumbel_softmax(logits: Buf, y: Buf, rows: number, k: number, invTau: number, k0: number, k1: number): void;
  /** dl = invTau·(y ⊙ (dy − Σ_j dy_j·y_j)) per group, given y = gumbel_softmax(...): softmax_grad, then scale by invTau. */
  gumbel_softmax_grad(y: Buf, dy: Buf, dl: Buf, rows: number, k: number, invTau: number): void;
  /** Relaxed Bernoulli (BinConcrete) sample, fused: y = σ((logits + L)·invTau), L the noise random_logistic draws with this key,
   *  rounded after the add and the scale as add, scale and sigmoid round them. */
  gumbel_sigmoid(logits: Buf, y: Buf, n: number, invTau: number, k0: number, k1: number): void;
  /** dl = invTau·(dy·y(1 − y)), given y = gumbel_sigmoid(...): unary_grad's sigmoid, then scale by invTau. */
  gumbel_sigmoid_grad(y: Buf, dy: Buf, dl: Buf, n: number, invTau: number): void;
  /** y[i] = 1 if logits[i] + logistic_i > 0 else 0, i.e. Bernoulli(σ(logits[i])); NaN where logits[i] is NaN. */
  bernoulli_sample(logits: Buf, y: Buf, n: number, k0: number, k1: number): void;
  /** y[r,:] = one_hot(argmax_j x[r,j]); the first index attaining the max wins ties; a group holding a NaN becomes all NaN
   *  (a NaN logit never yields a valid-looking one-hot). */
  argmax_onehot(x: Buf, y: Buf, rows: number, k: number): void;
  /** v = momentum·v + g;  p = p − lr·v.  p and v in place. */
  sgd_momentum(p: Buf, g: Buf, v: Buf, n: number, lr: number, momentum: number): void;
  /** Adam (Kingma & Ba 2015), step t ≥ 1: m = β1·m + (1−β1)g;  v = β2·v + (1−β2)g²;
   *  p = p − lr·(m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + eps).  p, m, v in place. */
  adam(p: Buf, g: Buf, m: Buf, v: Buf, n: number, lr: number, beta1: number, beta2: number, eps: number, t: number): void;
}

export type KernelId = keyof Kernels;

export interface KernelInfo {
  /** Has a gradient rule in autograd/grads.ts (or is itself a backward kernel / not differentiable). */
  differentiable: boolean;
  /** Output may alias the first input. */
  inplace: boolean;
}

/** One entry per kernel id; test/catalogue.test.ts checks every backend implements every entry. */
export const KERNELS: Record<KernelId, KernelInfo> = {
  fill: { differentiable: false, inplace: false },
  scale: { differentiable: true, inplace: true },
  unary: { differentiable: true, inplace: true },
  unary_grad: { differentiable: false, inplace: false },
  binary: { differentiable: true, inplace: true },
  reduce_sum: { differentiable: true, inplace: false },
  matmul: { differentiable: true, inplace: false },
  sparse_matmul: { differentiable: false, inplace: false },
  im2col: { differentiable: true, inplace: false },
  col2im: { differentiable: true, inplace: false },
  softmax: { differentiable: true, inplace: false },
  softmax_grad: { differentiable: false, inplace: false },
  log_softmax: { differentiable: true, inplace: false },
  log_softmax_grad: { differentiable: false, inplace: false },
  logsumexp: { differentiable: true, inplace: false },
  sigmoid_xent: { differentiable: true, inplace: false },
  sigmoid_xent_grad: { differentiable: false, inplace: false },
  sigmoid_xent_rows: { differentiable: true, inplace: false },
  sigmoid_xent_rows_grad: { differentiable: false, inplace: false },
  kl_categorical: { differentiable: true, inplace: false },
  kl_categorical_grad: { differentiable: false, inplace: false },
  kl_bernoulli: { differentiable: true, inplace: false },
  kl_bernoulli_grad: { differentiable: false, inplace: false },
  random_uniform: { differentiable: false, inplace: false },
  random_gumbel: { differentiable: false, inplace: false },
  random_logistic: { differentiable: false, inplace: false },
  bernoulli_sample: { differentiable: false, inplace: false },
  gumbel_softmax: { differentiable: true, inplace: false },
  gumbel_softmax_grad: { differentiable: false, inplace: false },
  gumbel_sigmoid: { differentiable: true, inplace: false },
  gumbel_sigmoid_grad: { differentiable: false, inplace: false },
  argmax_onehot: { differentiable: false, inplace: false },
  sgd_momentum: { differentiable: false, inplace: true },
  adam: { differentiable: false, inplace: true },
};

export const KERNEL_IDS = Object.keys(KERNELS) as KernelId[];

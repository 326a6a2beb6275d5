// The release ABI: one export line per kernel, alphabetical. Pointers are byte offsets into the
// imported memory, counts are elements, data is row-major f32 (see assembly/README.md).
export { adam_f32 } from './kernels/adam';
export { argmax_onehot_f32 } from './kernels/argmax_onehot';
export { bernoulli_sample_f32 } from './kernels/random';
export { binary_f32 } from './kernels/binary';
export { col2im_f32 } from './kernels/col2im';
export { fill_f32 } from './kernels/fill';
export { im2col_f32 } from './kernels/im2col';
export { kl_bernoulli_f32 } from './kernels/kl_bernoulli';
export { kl_bernoulli_grad_f32 } from './kernels/kl_bernoulli_grad';
export { kl_categorical_f32 } from './kernels/kl_categorical';
export { kl_categorical_grad_f32 } from './kernels/kl_categorical_grad';
export { log_softmax_f32 } from './kernels/log_softmax';
export { log_softmax_grad_f32 } from './kernels/log_softmax_grad';
export { logsumexp_f32 } from './kernels/logsumexp';
export { matmul_f32, matmul_ws_bytes_f32 } from './kernels/matmul';
export { random_gumbel_f32 } from './kernels/random';
export { random_logistic_f32 } from './kernels/random';
export { random_uniform_f32 } from './kernels/random';
export { reduce_sum_f32 } from './kernels/reduce_sum';
export { scale_f32 } from './kernels/scale';
export { sgd_momentum_f32 } from './kernels/sgd_momentum';
export { sigmoid_xent_f32 } from './kernels/sigmoid_xent';
export { sigmoid_xent_grad_f32 } from './kernels/sigmoid_xent_grad';
export { softmax_f32 } from './kernels/softmax';
export { softmax_grad_f32 } from './kernels/softmax_grad';
export { unary_f32 } from './kernels/unary';
export { unary_grad_f32 } from './kernels/unary_grad';

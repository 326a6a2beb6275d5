// The release ABI: one export line per kernel, alphabetical. Pointers are byte offsets into the
// imported memory, counts are elements, data is row-major f32 (see assembly/README.md).
export { adam_f32 } from './kernels/adam';
export { argmax_onehot_f32 } from './kernels/argmax_onehot';
export { bernoulli_sample_f32 } from './kernels/random';
export { binary_f32 } from './kernels/binary';
export { fill_f32 } from './kernels/fill';
export { matmul_f32, matmul_ws_bytes_f32 } from './kernels/matmul';
export { random_gumbel_f32 } from './kernels/random';
export { random_logistic_f32 } from './kernels/random';
export { random_uniform_f32 } from './kernels/random';
export { reduce_sum_f32 } from './kernels/reduce_sum';
export { scale_f32 } from './kernels/scale';
export { sgd_momentum_f32 } from './kernels/sgd_momentum';

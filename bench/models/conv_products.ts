// Which matmuls of an M2 step are convolution products: those with a kh·kw·C side, 25, 800, 1600
// (the 5×5 convs on 1, 32, 64 channels) or 288, 576, 1152 (the 3×3 transposed convs to 32, 64, 128);
// no dense layer of the model has one of these sizes.
const PATCH = new Set([25, 800, 1600, 288, 576, 1152]);

export const isConvProduct = (m: number, k: number, n: number): boolean => PATCH.has(m) || PATCH.has(k) || PATCH.has(n);

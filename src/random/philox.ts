// Philox-4x32-10 (Salmon, Moraes, Dror & Shaw, "Parallel random numbers: as easy as 1, 2, 3",
// SC 2011): a counter-based generator, so element i's bits depend only on (key, i). This is the
// TypeScript twin of assembly/kernels/random.ts and must stay bit-identical to it.
// Known answer (Random123 kat_vectors): counter 0, key 0 -> 6627e8d5 e169c58d bc57ac4c 9b00dbd8.

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9; // golden ratio
const W1 = 0xbb67ae85; // sqrt(3) - 1

/** High 32 bits of the unsigned 64-bit product a·b. */
function mulhi(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const lo = a0 * b0, m1 = a1 * b0, m2 = a0 * b1;
  const carry = ((lo >>> 16) + (m1 & 0xffff) + (m2 & 0xffff)) >>> 16;
  return (a1 * b1 + (m1 >>> 16) + (m2 >>> 16) + carry) >>> 0;
}

/** Writes the 4 output words for counter (c0, c1, c2, c3) and key (k0, k1) into out[0..3]. */
export function philox4x32(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array): void {
  for (let r = 0; r < 10; r++) {
    const hi0 = mulhi(M0, c0), lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2), lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

const block = new Uint32Array(4);

/** Fills words[0..n) with element i's word: Philox((⌊i/4⌋, 0, 0, 0), key)[i mod 4]. */
export function philoxWords(words: Uint32Array, n: number, k0: number, k1: number): void {
  for (let i = 0; i < n; i += 4) {
    philox4x32(i >>> 2, 0, 0, 0, k0 >>> 0, k1 >>> 0, block);
    for (let j = 0; j < 4 && i + j < n; j++) words[i + j] = block[j];
  }
}

/** u = ((w >>> 9) + 0.5)·2⁻²³: the centre of one of 2²³ cells, in [2⁻²⁴, 1 − 2⁻²⁴], exact in f32. */
export function wordToUniform(w: number): number {
  return ((w >>> 9) + 0.5) * 1.1920928955078125e-7;
}

// Generates assembly/kernels/matmul.ts: AssemblyScript has no macros or const generics, so the
// unrolled register-blocked micro-kernels are written out by this script. The output is committed;
// builds never run this. `node scripts/gen_matmul.js [--out FILE]`; the other flags exist for tile
// experiments: --fma MRxNR, --plain MRxNR, --fma-pack-a / --plain-pack-a all|trans|none, --dot-m N, --direct-m N, --pack-a-n N, --pack-at-rows N.
import { writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const tile = (s) => s.split('x').map(Number);
const OUT = opt('out', new URL('../assembly/kernels/matmul.ts', import.meta.url).pathname);
const [FMA_MR, FMA_NR] = tile(opt('fma', '4x8'));
const [PLAIN_MR, PLAIN_NR] = tile(opt('plain', '4x8'));
const FMA_PACK_A = opt('fma-pack-a', 'all');
const PLAIN_PACK_A = opt('plain-pack-a', 'trans');
const DOT_M = Number(opt('dot-m', '8'));
const DIRECT_M = opt('direct-m', '');
const PACK_A_N = Number(opt('pack-a-n', '16'));
const PACK_AT_ROWS = Number(opt('pack-at-rows', '64'));

const range = (n) => [...Array(n).keys()];
const lines = (xs, ind = '') =>
  xs.flat(Infinity).filter((x) => x !== null).flatMap((x) => x.split('\n')).map((x) => (x ? ind + x : x)).join('\n');

// --- micro-kernel: an mr×NR tile of C in f32x4 locals -------------------------------------------
// mode 'p': A(ii,p) at pa + p·as + 4·ii  (a packed panel, as = 4·mr; or Aᵀ read in place, as = 4·m)
// mode 'r': A(ii,p) at pa + ii·as + 4·p  (A read in place, row-major, as = 4·k)
// B(p,jj) at pb + p·bs + 4·jj            (a packed panel, bs = 4·NR; or B read in place, bs = 4·n)
function microKernel(mr, NR, mode) {
  const R = range(mr), V = range(NR / 4);
  const name = `kernel_${mr}x${NR}_${mode}`;
  const step = (ind) => {
    const body = [
      V.map((v) => `const vb${v} = v128.load(pb, ${v * 16});`),
      R.map((r) => [
        mode === 'p' ? `const va${r} = v128.load32_splat(pa, ${r * 4});` : r === 0 ? `const va0 = v128.load32_splat(pa);` : `const va${r} = v128.load32_splat(pa + o${r});`,
        V.map((v) => `vc${r}${v} = vfma(va${r}, vb${v}, vc${r}${v});`),
      ]),
      `pa += ${mode === 'p' ? 'as' : '4'};`,
      `pb += bs;`,
    ];
    return lines(body, ind);
  };
  const body = [
    `function ${name}(pa: usize, as: usize, pb: usize, bs: usize, k: i32, c: usize, ldc: usize, bias: usize, acc: i32): void {`,
    [R.map((r) => `let ${V.map((v) => `vc${r}${v} = f32x4.splat(0)`).join(', ')};`),
    mode === 'r' && mr > 1 ? `const ${R.slice(1).map((r) => `o${r}: usize = as * ${r}`).join(', ')};` : null,
    `let p = k;`,
    `do {`,
    step('  '),
    `} while (--p);`,
    `if (bias) {`,
    V.map((v) => `  const vbias${v} = v128.load(bias, ${v * 16});`),
    R.map((r) => V.map((v) => `  vc${r}${v} = f32x4.add(vc${r}${v}, vbias${v});`)),
    `}`,
    `if (acc) {`,
    R.map((r) => [r ? `  c += ldc;` : null, V.map((v) => `  vc${r}${v} = f32x4.add(v128.load(c, ${v * 16}), vc${r}${v});`)]),
    mr > 1 ? `  c -= ldc * ${mr - 1};` : null,
    `}`,
    R.map((r) => [r ? `c += ldc;` : null, V.map((v) => `v128.store(c, vc${r}${v}, ${v * 16});`)])],
    `}`,
  ];
  return lines([body[0], lines(body[1], '  '), body[2]]);
}

function kernelDispatch(MR, NR, mode) {
  return lines([
    `function kernel_${MR}x${NR}_${mode}_mr(mr: i32, pa: usize, as: usize, pb: usize, bs: usize, k: i32, c: usize, ldc: usize, bias: usize, acc: i32): void {`,
    range(MR).reverse().map((i) => {
      const r = i + 1;
      const call = `kernel_${r}x${NR}_${mode}(pa, as, pb, bs, k, c, ldc, bias, acc);`;
      return r === 1 ? `  else ${call}` : `  ${r === MR ? '' : 'else '}if (mr == ${r}) ${call}`;
    }),
    `}`,
  ]);
}

// --- packing --------------------------------------------------------------------------------------
// A into panels of MR rows, [p][mr] each (the last panel has the m mod MR leftover rows).
function packA(MR) {
  const copyRow = (bytes) => {
    const out = [];
    for (let o = 0; o < bytes; ) {
      if (bytes - o >= 16) (out.push(`v128.store(dst, v128.load(src, ${o}), ${o});`), (o += 16));
      else if (bytes - o >= 8) (out.push(`store<u64>(dst, load<u64>(src, ${o}), ${o});`), (o += 8));
      else (out.push(`store<u32>(dst, load<u32>(src, ${o}), ${o});`), (o += 4));
    }
    return out;
  };
  const G = range(Math.floor(MR / 4));
  const rest = range(MR % 4).map((x) => x + 4 * G.length);
  return lines([
    `function pack_a_${MR}(a: usize, transA: i32, m: i32, k: i32, lda: usize, dst: usize): void {`,
    `  if (transA) {`,
    `    // Aᵀ stored [k,m]: each p contributes ${MR} contiguous floats to a panel. Rows of A go in blocks`,
    `    // of ${PACK_AT_ROWS}, each copied into every full panel in turn: a panel that read all k rows at once`,
    `    // touched k pages (rows ≥ 4 KiB apart), one TLB miss per 16 bytes (measured on Zen 1: Aᵀ·B at`,
    `    // 1600×1600×128 and 800×4900×64 ran at 23 and 18 GFLOP/s, A·B at 27).`,
    `    const full = m - m % ${MR};`,
    `    for (let p0 = 0; p0 < k; p0 += ${PACK_AT_ROWS}) {`,
    `      const p1 = min(p0 + ${PACK_AT_ROWS}, k);`,
    `      for (let i0 = 0; i0 < full; i0 += ${MR}) {`,
    `        let src = a + <usize>p0 * lda + (<usize>i0 << 2);`,
    `        let d = dst + (<usize>i0 * <usize>k + <usize>p0 * ${MR} << 2);`,
    `        for (let p = p0; p < p1; p++) {`,
    lines(copyRow(MR * 4).map((x) => x.replace(/dst/g, 'd')), '          '),
    `          src += lda;`,
    `          d += ${MR * 4};`,
    `        }`,
    `      }`,
    `    }`,
    `    // The leftover rows: one panel of m − full floats per p.`,
    `    const mr = m - full;`,
    `    let src = a + (<usize>full << 2), d = dst + (<usize>full * <usize>k << 2);`,
    `    if (mr) {`,
    `      for (let p = 0; p < k; p++) {`,
    `        for (let ii = 0; ii < mr; ii++) store<f32>(d + (<usize>ii << 2), load<f32>(src + (<usize>ii << 2)));`,
    `        src += lda;`,
    `        d += <usize>mr << 2;`,
    `      }`,
    `    }`,
    `    return;`,
    `  }`,
    `  for (let i0 = 0; i0 < m; i0 += ${MR}) {`,
    `    const mr = min(${MR}, m - i0);`,
    `    if (mr == ${MR}) {`,
    `      // Row-major A: 4×4 transposes for each group of four rows, then the leftover rows.`,
    `      const row = a + <usize>i0 * lda;`,
    `      let p = 0;`,
    `      for (; p + 4 <= k; p += 4) {`,
    `        const s = row + (<usize>p << 2), d = dst + <usize>p * ${MR * 4};`,
    G.map((g) => `        transpose4(s + lda * ${4 * g}, lda, d + ${16 * g}, ${MR * 4});`),
    rest.map((r) => range(4).map((q) => `        store<f32>(d, load<f32>(s + lda * ${r}, ${q * 4}), ${(q * MR + r) * 4});`)),
    `      }`,
    `      for (; p < k; p++) {`,
    `        const s = row + (<usize>p << 2), d = dst + <usize>p * ${MR * 4};`,
    range(MR).map((r) => `        store<f32>(d, load<f32>(s + lda * ${r}), ${r * 4});`),
    `      }`,
    `      dst += <usize>k * ${MR * 4};`,
    `    } else {`,
    `      const row = a + <usize>i0 * lda;`,
    `      for (let p = 0; p < k; p++) {`,
    `        for (let ii = 0; ii < mr; ii++) store<f32>(dst + (<usize>ii << 2), load<f32>(row + <usize>ii * lda + (<usize>p << 2)));`,
    `        dst += <usize>mr << 2;`,
    `      }`,
    `    }`,
    `  }`,
    `}`,
  ]);
}

// Panels per column block: a block spans whole 64-byte lines of B (32 columns or more).
const groupOf = (NR) => Math.ceil(32 / NR);

// G = groupOf(NR) full panels of row-major B at once: each row of B is read as whole cache lines
// (one panel at a time reads half lines and fetches every line twice).
function packBGroup(NR) {
  const G = groupOf(NR), V = range(NR / 4);
  return lines([
    `function pack_b_group_${NR}(b: usize, n: i32, k: i32, j0: i32, dst: usize, panel: usize): void {`,
    `  const ldb: usize = <usize>n << 2;`,
    G > 1 ? `  const ${range(G).slice(1).map((q) => `d${q} = panel * ${q}`).join(', ')};` : null,
    `  let s = b + (<usize>j0 << 2);`,
    `  for (let p = 0; p < k; p++) {`,
    range(G).map((q) => V.map((v) => `    v128.store(dst${q ? ` + d${q}` : ''}, v128.load(s, ${(q * NR + v * 4) * 4}), ${v * 16});`)),
    `    s += ldb;`,
    `    dst += ${NR * 4};`,
    `  }`,
    `}`,
  ]);
}

// One NR-column panel of B, [p][NR], zero-padded when nr < NR.
function packB(NR) {
  const V = range(NR / 4);
  return lines([
    `function pack_b_${NR}(b: usize, transB: i32, n: i32, k: i32, j0: i32, nr: i32, dst: usize): void {`,
    `  if (nr == ${NR}) {`,
    `    if (transB) {`,
    `      // B stored [n,k]: 4×4 transposes of four B rows at a time.`,
    `      const ldb: usize = <usize>k << 2;`,
    `      const row = b + <usize>j0 * ldb;`,
    `      let p = 0;`,
    `      for (; p + 4 <= k; p += 4) {`,
    `        const s = row + (<usize>p << 2), d = dst + <usize>p * ${NR * 4};`,
    V.map((v) => `        transpose4(s + ldb * ${4 * v}, ldb, d + ${16 * v}, ${NR * 4});`),
    `      }`,
    `      for (; p < k; p++) {`,
    `        const s = row + (<usize>p << 2), d = dst + <usize>p * ${NR * 4};`,
    range(NR).map((jj) => `        store<f32>(d, load<f32>(s + ldb * ${jj}), ${jj * 4});`),
    `      }`,
    `    } else {`,
    `      const ldb: usize = <usize>n << 2;`,
    `      let s = b + (<usize>j0 << 2);`,
    `      for (let p = 0; p < k; p++) {`,
    V.map((v) => `        v128.store(dst, v128.load(s, ${v * 16}), ${v * 16});`),
    `        s += ldb;`,
    `        dst += ${NR * 4};`,
    `      }`,
    `    }`,
    `    return;`,
    `  }`,
    `  // Leftover columns: element by element, zeros beyond nr (those lanes are discarded).`,
    `  const sp: usize = transB ? 4 : <usize>n << 2, sj: usize = transB ? <usize>k << 2 : 4;`,
    `  for (let p = 0; p < k; p++) {`,
    `    const s = b + <usize>p * sp + <usize>j0 * sj;`,
    `    for (let jj = 0; jj < ${NR}; jj++) store<f32>(dst + (<usize>jj << 2), jj < nr ? load<f32>(s + <usize>jj * sj) : 0);`,
    `    dst += ${NR * 4};`,
    `  }`,
    `}`,
  ]);
}

// --- the blocked driver for one tile ---------------------------------------------------------------
function driver(name, MR, NR, packAMode, what) {
  const packAOk = packAMode !== 'none';
  const G = groupOf(NR), NB = G * NR;
  return lines([
    `// ${what}`,
    `export function ${name}(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: i32, transB: i32, accumulate: i32, bias: usize, ws: usize, n0: i32, n1: i32, lda: i32): void {`,
    `  if (m <= 0 || n1 <= n0) return;`,
    `  if (k <= 0) {`,
    `    bias_only(c, m, n, accumulate, bias, n0, n1);`,
    `    return;`,
    `  }`,
    `  if (transB && m <= ${DOT_M} && (!transA || (m == 1 && lda == 1))) {`,
    `    matmul_dot(a, b, c, m, k, n, accumulate, bias, n0, n1, lda);`,
    `    return;`,
    `  }`,
    `  if (!transB && m <= 2) {`,
    `    matmul_rows(a, b, c, m, k, n, transA, accumulate, bias, ws, n0, n1, lda);`,
    `    return;`,
    `  }`,
    `  const ldc: usize = <usize>n << 2, la: usize = <usize>lda << 2;`,
    `  // NOTE: with one row panel a packed B panel would be used once: read B in place instead.`,
    `  const directB = !transB && m <= ${DIRECT_M === "" ? MR : DIRECT_M};`,
    `  // Packing A pays once several column panels reuse it (measured: N ≤ 16 is faster unpacked).`,
    `  const packA = ${packAOk ? `${packAMode === 'trans' ? 'transA && ' : ''}m > ${MR} && n1 - n0 > ${PACK_A_N}` : 'false'};`,
    `  const apack = ws;`,
    `  const bpack = (ws + (packA ? <usize>m * <usize>k << 2 : 0) + 63) & ~63;`,
    `  const panel: usize = <usize>k * ${NR * 4};`,
    `  const tile = bpack + panel * ${G};`,
    packAOk ? `  if (packA) pack_a_${MR}(a, transA, m, k, la, apack);` : null,
    `  // Columns go in blocks of ${NB} (whole cache lines of B), packed at once as ${G} panels of ${NR};`,
    `  // then each row panel of A meets every panel of the block while it is in L1, so the packed A`,
    `  // streams once per block (not once per panel).`,
    `  for (let jb = n0; jb < n1; jb += ${NB}) {`,
    `    const je = min(n1, jb + ${NB});`,
    `    const grouped = !transB && !directB && je - jb == ${NB};`,
    `    if (grouped) pack_b_group_${NR}(b, n, k, jb, bpack, panel);`,
    `    else {`,
    `      for (let j0 = jb; j0 < je; j0 += ${NR}) {`,
    `        const nr = min(${NR}, je - j0);`,
    `        if (!directB || nr < ${NR}) pack_b_${NR}(b, transB, n, k, j0, nr, bpack + <usize>((j0 - jb) / ${NR}) * panel);`,
    `      }`,
    `    }`,
    `    for (let i0 = 0; i0 < m; i0 += ${MR}) {`,
    `      const mr = min(${MR}, m - i0);`,
    `      for (let j0 = jb; j0 < je; j0 += ${NR}) {`,
    `        const nr = min(${NR}, je - j0), full = nr == ${NR};`,
    `        const vbias = full && bias ? bias + (<usize>j0 << 2) : 0;`,
    `        let pb = bpack + <usize>((j0 - jb) / ${NR}) * panel, bs: usize = ${NR * 4};`,
    `        if (directB && full) {`,
    `          pb = b + (<usize>j0 << 2);`,
    `          bs = ldc;`,
    `        }`,
    `        // A full tile goes straight to C; a leftover one goes through \`tile\` (ldc = ${NR * 4}).`,
    `        const cc = full ? c + <usize>i0 * ldc + (<usize>j0 << 2) : tile;`,
    `        const cl: usize = full ? ldc : ${NR * 4};`,
    `        const ca = full ? accumulate : 0;`,
    packAOk ? `        if (packA) kernel_${MR}x${NR}_p_mr(mr, apack + (<usize>i0 * <usize>k << 2), <usize>mr << 2, pb, bs, k, cc, cl, vbias, ca);` : null,
    `        ${packAOk ? 'else ' : ''}if (transA) kernel_${MR}x${NR}_p_mr(mr, a + (<usize>i0 << 2), la, pb, bs, k, cc, cl, vbias, ca);`,
    `        else kernel_${MR}x${NR}_r_mr(mr, a + <usize>i0 * la, la, pb, bs, k, cc, cl, vbias, ca);`,
    `        if (!full) tile_to_c(tile, ${NR * 4}, mr, nr, c + <usize>i0 * ldc + (<usize>j0 << 2), ldc, bias ? bias + (<usize>j0 << 2) : 0, accumulate);`,
    `      }`,
    `    }`,
    `  }`,
    `}`,
  ]);
}

// --- dot-product path: A·Bᵀ with a few rows, both operands read along k ---------------------------
function dotKernel(R, C) {
  const Rs = range(R), Cs = range(C);
  const body = [
    `function dot_${R}x${C}(pa: usize, lda: usize, pb: usize, ldb: usize, k: i32, c: usize, ldc: usize, bias: usize, acc: i32): void {`,
    Rs.map((r) => `let ${Cs.map((j) => `vx${r}${j} = f32x4.splat(0)`).join(', ')};`),
    `const k4 = k & ~3;`,
    `let o: usize = 0;`,
    `for (let p = 0; p < k4; p += 4) {`,
    Rs.map((r) => `  const va${r} = v128.load(pa + ${r ? `lda * ${r} + ` : ''}o);`),
    Cs.map((j) => [`  const vb${j} = v128.load(pb + ${j ? `ldb * ${j} + ` : ''}o);`, Rs.map((r) => `  vx${r}${j} = vfma(va${r}, vb${j}, vx${r}${j});`)]),
    `  o += 16;`,
    `}`,
    C === 4
      ? [
          Rs.map((r) => `let vs${r} = hsum4(vx${r}0, vx${r}1, vx${r}2, vx${r}3);`),
          `for (let p = k4; p < k; p++) {`,
          `  const po: usize = <usize>p << 2;`,
          `  let vb = f32x4.splat(load<f32>(pb + po));`,
          range(3).map((j) => `  vb = f32x4.replace_lane(vb, ${j + 1}, load<f32>(pb + ldb * ${j + 1} + po));`),
          Rs.map((r) => `  vs${r} = f32x4.add(vs${r}, f32x4.mul(f32x4.splat(load<f32>(pa + ${r ? `lda * ${r} + ` : ''}po)), vb));`),
          `}`,
          `if (bias) {`,
          `  const vbias = v128.load(bias);`,
          Rs.map((r) => `  vs${r} = f32x4.add(vs${r}, vbias);`),
          `}`,
          Rs.map((r) => [`if (acc) vs${r} = f32x4.add(v128.load(c${r ? ` + ldc * ${r}` : ''}), vs${r});`, `v128.store(c${r ? ` + ldc * ${r}` : ''}, vs${r});`]),
        ]
      : [
          Rs.map((r) => `let s${r} = hsum1(vx${r}0);`),
          `for (let p = k4; p < k; p++) {`,
          `  const po: usize = <usize>p << 2;`,
          `  const vb = load<f32>(pb + po);`,
          Rs.map((r) => `  s${r} += load<f32>(pa + ${r ? `lda * ${r} + ` : ''}po) * vb;`),
          `}`,
          `if (bias) {`,
          `  const sb = load<f32>(bias);`,
          Rs.map((r) => `  s${r} += sb;`),
          `}`,
          Rs.map((r) => [`if (acc) s${r} = load<f32>(c${r ? ` + ldc * ${r}` : ''}) + s${r};`, `store<f32>(c${r ? ` + ldc * ${r}` : ''}, s${r});`]),
        ],
    `}`,
  ];
  return lines(body.map((x) => (Array.isArray(x) ? lines(x, '  ') : x)));
}

// --- scalar path ------------------------------------------------------------------------------------
function scalarBlock(R, C) {
  const Rs = range(R), Cs = range(C);
  const body = [
    `function scalar_${R}x${C}(pa: usize, ai: usize, ap: usize, pb: usize, bp: usize, bj: usize, k: i32, c: usize, ldc: usize, bias: usize, acc: i32): void {`,
    Rs.map((r) => `let ${Cs.map((j) => `s${r}${j}: f32 = 0`).join(', ')};`),
    `for (let p = 0; p < k; p++) {`,
    Rs.map((r) => `  const a${r} = load<f32>(pa${r ? ` + ai * ${r}` : ''});`),
    Cs.map((j) => [`  const b${j} = load<f32>(pb${j ? ` + bj * ${j}` : ''});`, Rs.map((r) => `  s${r}${j} += a${r} * b${j};`)]),
    `  pa += ap;`,
    `  pb += bp;`,
    `}`,
    `if (bias) {`,
    Cs.map((j) => [`  const sb${j} = load<f32>(bias, ${j * 4});`, Rs.map((r) => `  s${r}${j} += sb${j};`)]),
    `}`,
    Rs.map((r) => Cs.map((j) => [`if (acc) s${r}${j} = load<f32>(c${r ? ` + ldc * ${r}` : ''}, ${j * 4}) + s${r}${j};`, `store<f32>(c${r ? ` + ldc * ${r}` : ''}, s${r}${j}, ${j * 4});`])),
    `}`,
  ];
  return lines(body.map((x) => (Array.isArray(x) ? lines(x, '  ') : x)));
}

// Scratch sizes (floats) shared by every build: one block of B panels and one leftover tile.
const WS_NB = Math.max(...[FMA_NR, PLAIN_NR].map((nr) => groupOf(nr) * nr));
const WS_TILE = Math.max(FMA_MR * FMA_NR, PLAIN_MR * PLAIN_NR);

const header = `// GENERATED by scripts/gen_matmul.js — edit the generator, not this file.
//
// matmul: C[m,n] (+)= op(A)·op(B) (+ bias[n]), row-major f32, the three products of a dense layer:
//   A·B    A [m,k], B [k,n]      forward            y = x·W
//   Aᵀ·B   A stored [k,m]        weight gradient    dW = xᵀ·dy     (transA)
//   A·Bᵀ   B stored [n,k]        input gradient     dx = dy·Wᵀ     (transB)
// (Aᵀ·Bᵀ works too, through the same packed path.) Per element: s = Σ_p a·b in order p = 0…k−1,
// then s += bias[j] (bias ≠ 0), then c = c + s (accumulate) or c = s.
//
// ABI: matmul_f32(a, b, c, m, k, n, transA, transB, accumulate, bias, ws, n0, n1, lda) writes only the
// columns [n0, n1) of C, so threads can split the columns (at 16-column boundaries). lda is the
// floats between stored rows of A (k for A, m for Aᵀ; more for a block of rows of C: a thread given
// rows [i0, i1) passes a + i0 (Aᵀ) or a + i0·k (A), c + i0·n and m = i1 − i0). Each element's
// arithmetic depends on (k, flags) only, never on n0/n1 (and on m only where m ≤ ${DOT_M}, the dot-product
// path): results are bitwise identical however the columns or rows ≥ 16 are split (the k reduction is never split). ws is caller-owned scratch of
// matmul_ws_bytes_f32(m, k, n) bytes, 16-byte aligned, one per thread; the kernel keeps no state.
//
// Algorithm (see: BLIS, "Anatomy of high-performance matrix multiplication"; XNNPACK f32-gemm
// microkernels): pack A once per call into MR-row panels; for each block of columns, pack B into
// NR-column panels, then for each row panel of A run a register-blocked micro-kernel on every panel
// of the block; it keeps an MR×NR tile of C in f32x4 locals. Per k it loads NR/4 vectors of B,
// broadcasts MR values of A (v128.load32_splat) and issues MR·NR/4 multiply-adds. The row panel of
// A (k·MR floats) stays in L1 across the block's panels, the block (k·${WS_NB} floats) in L2, and the
// packed A streams once per block: sweeping all of A once per panel instead cost 10–30 % on the
// conv products with a large A (1600×1600, 4900×800; measured in CPU time, Zen 4, V8 11.3).
//
//   packed A (apack), one panel per MR rows      packed B (bpack), one panel per NR columns
//   panel 0: p=0 [a00 a10 … a(MR−1)0]            p=0 [b00 b01 … b0(NR−1)]
//            p=1 [a01 a11 … a(MR−1)1]            p=1 [b10 b11 … b1(NR−1)]
//            …   (k·MR floats)                   …   (k·NR floats; zeros past the last column)
//   panel 1: rows MR…2MR−1, same shape;          a block of B is ⌈32/NR⌉ panels side by side,
//   last panel: the m mod MR leftover rows,      packed together: each row of B is read as whole
//   [p][mr].                                     64-byte lines (one panel at a time reads half lines).
//
//   ws: | apack: m·k floats | pad to 64 B | bpack: k·${WS_NB} floats | tile: ${WS_TILE} floats |
//
// Tile choice (measured on Zen 4 with V8 11.3, whose x64 register allocator has 15 xmm registers).
// NOTE: TurboFan issues all of a k step's loads (they are ordered on the effect chain) before its
// multiply-adds (pure, scheduled late), so the budget is accumulators + loads per step ≤ 15, not
// accumulators + 3. 6×8 needs 12 + 8 = 20 and spills (21 GFLOP/s); so do 5×8 and 4×12.
//   relaxed build: ${FMA_MR}×${FMA_NR}, f32x4.relaxed_madd: 8 accumulators + 2 B + 4 A = 14. 3×12 and 2×16
//     measure within noise of it; ${FMA_NR}-column panels divide the 16-column thread split and keep
//     a B panel in L1. A is packed (measured +6 % on A·B and A·Bᵀ).
//   simd build: ${PLAIN_MR}×${PLAIN_NR}, mul + add: 8 accumulators + 2 B + 4 A + 1 product temporary = 15
//     (3×12 would need 16 and spills). Here row-major A is read in place (measured +10 % over
//     packing it on A·B); only Aᵀ is packed.
// Leftover rows use the mr < MR kernels; leftover columns a zero-padded panel and the \`tile\`
// buffer, whose epilogue does the same two roundings as the vector one.
// Special cases: A·B and Aᵀ·B with m ≤ 2 read B in place 16 columns at a time (GEMV-like, nothing to
// reuse); m ≤ MR reads B in place (a packed panel would be used once); A is not packed for ≤ ${PACK_A_N}
// columns; A·Bᵀ with m ≤ ${DOT_M} uses dot products along k (no packing at all).
// The scalar build runs 4×4 register blocks on the unpacked operands.

// a·b + c: one fused multiply-add in the relaxed build (V8 lowers relaxed_madd to vfmadd on x64),
// mul then add otherwise. Every element of C goes through the same op sequence whichever tile,
// remainder or column split computes it.
@inline function vfma(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// Four rows of 4 floats at s, s+ls, s+2ls, s+3ls → four columns at d, d+ld, d+2ld, d+3ld.
@inline function transpose4(s: usize, ls: usize, d: usize, ld: usize): void {
  const r0 = v128.load(s), r1 = v128.load(s + ls), r2 = v128.load(s + ls * 2), r3 = v128.load(s + ls * 3);
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(r2, r3, 0, 4, 1, 5), t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(d, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(d + ld, i32x4.shuffle(t0, t2, 2, 3, 6, 7));
  v128.store(d + ld * 2, i32x4.shuffle(t1, t3, 0, 1, 4, 5));
  v128.store(d + ld * 3, i32x4.shuffle(t1, t3, 2, 3, 6, 7));
}

// [Σx0, Σx1, Σx2, Σx3], each sum as (l0 + l1) + (l2 + l3), the same order as hsum1.
@inline function hsum4(x0: v128, x1: v128, x2: v128, x3: v128): v128 {
  const u0 = f32x4.add(i32x4.shuffle(x0, x1, 0, 4, 2, 6), i32x4.shuffle(x0, x1, 1, 5, 3, 7));
  const u1 = f32x4.add(i32x4.shuffle(x2, x3, 0, 4, 2, 6), i32x4.shuffle(x2, x3, 1, 5, 3, 7));
  return f32x4.add(i32x4.shuffle(u0, u1, 0, 1, 4, 5), i32x4.shuffle(u0, u1, 2, 3, 6, 7));
}

@inline function hsum1(x: v128): f32 {
  return (f32x4.extract_lane(x, 0) + f32x4.extract_lane(x, 1)) + (f32x4.extract_lane(x, 2) + f32x4.extract_lane(x, 3));
}

// k = 0: C = bias (or C + bias), the empty sum.
function bias_only(c: usize, m: i32, n: i32, acc: i32, bias: usize, n0: i32, n1: i32): void {
  for (let i = 0; i < m; i++) {
    for (let j = n0; j < n1; j++) {
      const o = (<usize>i * <usize>n + <usize>j) << 2;
      let s: f32 = 0;
      if (bias) s += load<f32>(bias + (<usize>j << 2));
      store<f32>(c + o, acc ? load<f32>(c + o) + s : s);
    }
  }
}

// A leftover tile (mr×nr of an mr×NR result at t, row stride lt) → C, with the kernel epilogue's
// scalar twin: the same two roundings (s + bias, then c + s) as f32x4.add.
function tile_to_c(t: usize, lt: usize, mr: i32, nr: i32, c: usize, ldc: usize, bias: usize, acc: i32): void {
  for (let r = 0; r < mr; r++) {
    for (let jj = 0; jj < nr; jj++) {
      const o = <usize>jj << 2;
      let s = load<f32>(t + o);
      if (bias) s += load<f32>(bias + o);
      store<f32>(c + o, acc ? load<f32>(c + o) + s : s);
    }
    t += lt;
    c += ldc;
  }
}
`;

const scalarPath = `
// --- scalar path -------------------------------------------------------------------------------------

${scalarBlock(4, 4)}

${scalarBlock(4, 1)}

${scalarBlock(1, 4)}

${scalarBlock(1, 1)}

export function matmul_f32__scalar(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: i32, transB: i32, accumulate: i32, bias: usize, ws: usize, n0: i32, n1: i32, lda: i32): void {
  // Byte strides: A(i,p) at a + i·ai + p·ap, B(p,j) at b + p·bp + j·bj.
  const ai: usize = transA ? 4 : <usize>lda << 2, ap: usize = transA ? <usize>lda << 2 : 4;
  const bp: usize = transB ? 4 : <usize>n << 2, bj: usize = transB ? <usize>k << 2 : 4;
  const ldc: usize = <usize>n << 2;
  let i = 0;
  for (; i < m; i += 4) {
    const rows4 = i + 4 <= m;
    const nrows = rows4 ? 1 : m - i;
    for (let r = 0; r < nrows; r++) {
      const ii = i + r;
      let j = n0;
      for (; j + 4 <= n1; j += 4) {
        const pa = a + <usize>ii * ai, pb = b + <usize>j * bj, cc = c + <usize>ii * ldc + (<usize>j << 2), bb = bias ? bias + (<usize>j << 2) : 0;
        if (rows4) scalar_4x4(pa, ai, ap, pb, bp, bj, k, cc, ldc, bb, accumulate);
        else scalar_1x4(pa, ai, ap, pb, bp, bj, k, cc, ldc, bb, accumulate);
      }
      for (; j < n1; j++) {
        const pa = a + <usize>ii * ai, pb = b + <usize>j * bj, cc = c + <usize>ii * ldc + (<usize>j << 2), bb = bias ? bias + (<usize>j << 2) : 0;
        if (rows4) scalar_4x1(pa, ai, ap, pb, bp, bj, k, cc, ldc, bb, accumulate);
        else scalar_1x1(pa, ai, ap, pb, bp, bj, k, cc, ldc, bb, accumulate);
      }
    }
  }
}
`;

const dotPath = `
// --- A·Bᵀ with few rows: dot products along k ------------------------------------------------------
// Lane l of each accumulator sums p ≡ l (mod 4); the k mod 4 tail is added with unfused mul + add.

${dotKernel(2, 4)}

${dotKernel(2, 1)}

${dotKernel(1, 4)}

${dotKernel(1, 1)}

function matmul_dot(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, acc: i32, bias: usize, n0: i32, n1: i32, lda: i32): void {
  const la: usize = <usize>lda << 2, lk: usize = <usize>k << 2, ldc: usize = <usize>n << 2;
  for (let i = 0; i < m; i += 2) {
    const two = i + 2 <= m;
    const pa = a + <usize>i * la, ci = c + <usize>i * ldc;
    let j = n0;
    for (; j + 4 <= n1; j += 4) {
      const jo = <usize>j << 2, bb = bias ? bias + jo : 0;
      if (two) dot_2x4(pa, la, b + <usize>j * lk, lk, k, ci + jo, ldc, bb, acc);
      else dot_1x4(pa, la, b + <usize>j * lk, lk, k, ci + jo, ldc, bb, acc);
    }
    for (; j < n1; j++) {
      const jo = <usize>j << 2, bb = bias ? bias + jo : 0;
      if (two) dot_2x1(pa, la, b + <usize>j * lk, lk, k, ci + jo, ldc, bb, acc);
      else dot_1x1(pa, la, b + <usize>j * lk, lk, k, ci + jo, ldc, bb, acc);
    }
  }
}
`;

// Micro-kernels and packers depend on (mr, NR) or MR only: two tiles sharing them emit them once.
const emitted = new Set();
const once = (key, text) => (emitted.has(key) ? '' : (emitted.add(key), text));

// A·B and Aᵀ·B with one or two rows (GEMV-like): nothing is reused, so B is read in place, 16
// columns (a whole cache line of each row) per pass; leftover columns go through a packed panel.
function rowsSection() {
  return `
// --- one or two rows ------------------------------------------------------------------------------

${[1, 2].map((r) => ['p', 'r'].map((mode) => once(`k${r}x16${mode}`, microKernel(r, 16, mode))).join('\n\n')).join('\n\n')}

${once('pb16', packB(16))}

function matmul_rows(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: i32, acc: i32, bias: usize, ws: usize, n0: i32, n1: i32, lda: i32): void {
  const ldc: usize = <usize>n << 2, la: usize = <usize>lda << 2;
  const bpack = (ws + 63) & ~63, tile = bpack + (<usize>k << 6);
  for (let j0 = n0; j0 < n1; j0 += 16) {
    const nr = min(16, n1 - j0), full = nr == 16;
    const jo = <usize>j0 << 2;
    let pb = b + jo, bs = ldc;
    if (!full) {
      pack_b_16(b, 0, n, k, j0, nr, bpack);
      pb = bpack;
      bs = 64;
    }
    const cc = full ? c + jo : tile, cl: usize = full ? ldc : 64, vbias = full && bias ? bias + jo : 0, ca = full ? acc : 0;
    if (transA) {
      if (m == 2) kernel_2x16_p(a, la, pb, bs, k, cc, cl, vbias, ca);
      else kernel_1x16_p(a, la, pb, bs, k, cc, cl, vbias, ca);
    } else {
      if (m == 2) kernel_2x16_r(a, la, pb, bs, k, cc, cl, vbias, ca);
      else kernel_1x16_r(a, la, pb, bs, k, cc, cl, vbias, ca);
    }
    if (!full) tile_to_c(tile, 64, m, nr, c + jo, ldc, bias ? bias + jo : 0, acc);
  }
}
`;
}

function tileSection(MR, NR, packAMode, name, what) {
  const packAOk = packAMode !== 'none';
  return `
// --- ${MR}×${NR} tile ----------------------------------------------------------------------------------

${['p', 'r'].map((mode) => range(MR).map((i) => once(`k${i + 1}x${NR}${mode}`, microKernel(i + 1, NR, mode))).join('\n\n')).join('\n\n')}

${once(`d${MR}x${NR}p`, kernelDispatch(MR, NR, 'p'))}

${once(`d${MR}x${NR}r`, kernelDispatch(MR, NR, 'r'))}

${packAOk ? once(`pa${MR}`, packA(MR)) : ''}

${once(`pb${NR}`, packB(NR))}

${once(`pg${NR}`, packBGroup(NR))}

${driver(name, MR, NR, packAMode, what)}
`;
}

const fmaName = `matmul_f32__simd128_fma_${FMA_MR}x${FMA_NR}`;
const plainName = `matmul_f32__simd128_${PLAIN_MR}x${PLAIN_NR}`;

const footer = `
// Scratch bytes matmul_f32 needs in \`ws\`, for any build: packed A (m·k floats), 64 B of alignment,
// one block of B panels (k·${WS_NB} floats) and a leftover tile (${WS_TILE} floats). In f64: past 2 GiB
// an i32 would reach JavaScript negative and the caller would allocate nothing.
export function matmul_ws_bytes_f32(m: i32, k: i32, n: i32): f64 {
  return (<f64>m * k + <f64>k * ${WS_NB} + ${WS_TILE}) * 4 + 64;
}

export function matmul_f32(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: i32, transB: i32, accumulate: i32, bias: usize, ws: usize, n0: i32, n1: i32, lda: i32): void {
  if (ASC_FEATURE_RELAXED_SIMD) ${fmaName}(a, b, c, m, k, n, transA, transB, accumulate, bias, ws, n0, n1, lda);
  else if (ASC_FEATURE_SIMD) ${plainName}(a, b, c, m, k, n, transA, transB, accumulate, bias, ws, n0, n1, lda);
  else matmul_f32__scalar(a, b, c, m, k, n, transA, transB, accumulate, bias, ws, n0, n1, lda);
}
`;

const fmaSection = tileSection(FMA_MR, FMA_NR, FMA_PACK_A, fmaName, `relaxed build: ${FMA_MR}×${FMA_NR} tiles, fused multiply-add.`);
const plainSection = tileSection(PLAIN_MR, PLAIN_NR, PLAIN_PACK_A, plainName, `simd build: ${PLAIN_MR}×${PLAIN_NR} tiles, mul + add.`);
const src = [header, scalarPath, dotPath, rowsSection(), fmaSection, plainSection, footer].join('\n').replace(/\n{3,}/g, '\n\n');
writeFileSync(OUT, src);

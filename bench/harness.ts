// Benchmark harness: benny (benchmark.js) for timing, medians converted to the unit that matters
// (GFLOP/s for matmul, GB/s or M elements/s for memory-bound kernels).
import b from 'benny';

export interface Row {
  kernel: string;
  shape: string;
  impl: string;
  median: number;
  unit: string;
}

export interface Case {
  impl: string;
  fn: () => void;
  /** Converts a median time in seconds to the reported figure, e.g. (s) => flops / s / 1e9. */
  rate: (seconds: number) => number;
}

/** Times each case (after benny's warm-up) and returns one row per case. */
export async function measure(kernel: string, shape: string, unit: string, cases: Case[], opts: { maxTime?: number } = {}): Promise<Row[]> {
  const rows: Row[] = [];
  await b.suite(
    `${kernel} ${shape}`,
    ...cases.map((c) => b.add(c.impl, c.fn)),
    b.configure({ cases: { maxTime: opts.maxTime ?? 0.5, minSamples: 5 } }),
    b.complete((summary) => {
      for (const [i, r] of summary.results.entries()) {
        rows.push({ kernel, shape, impl: cases[i].impl, median: cases[i].rate(r.details.median), unit });
      }
    }),
  );
  return rows;
}

/** Bench modules under bench/<suite>/ export `run(ctx)` returning rows. */
export interface BenchContext {
  /** Suite arguments after the suite name (e.g. a kernel id filter). */
  args: string[];
}

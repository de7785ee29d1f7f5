// Percentiles for the benchmarks' latency figures.

/** The p-th percentile of ascending samples, to two decimals. */
export function percentile(sorted: number[], p: number): number {
  return Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(2));
}

/** Percentile of a sorted sample (nearest rank). */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ??
  Number.NaN;

export interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
}

export const summarize = (samples: readonly number[]): Summary => {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sorted.reduce((sum, x) => sum + x, 0) / sorted.length,
  };
};

export const ms = (value: number): string => `${value.toFixed(3)} ms`;
export const ratio = (value: number): string => `${value.toFixed(2)}x`;

/** A target a benchmark checks its result against (a written budget, not a measured figure). */
export interface Target {
  readonly op: '<' | '<=' | '>=' | '=';
  readonly limit: number;
  readonly unit: string;
}

/**
 * One verdict line, `proxy overhead p50: 0.21 ms (target < 1 ms): met` (or `not met`), so that a
 * run says whether it meets its targets without reading the tables; `npm run bench` collects these
 * lines from every benchmark's output (`suite/verdicts.ts`).
 */
export const verdict = (name: string, value: number, target: Target, digits = 2): string => {
  const met =
    target.op === '<'
      ? value < target.limit
      : target.op === '<='
        ? value <= target.limit
        : target.op === '>='
          ? value >= target.limit
          : value === target.limit;
  const unit = target.unit === 'x' ? 'x' : ` ${target.unit}`;
  const shown = (n: number) => `${Number.isInteger(n) ? n : n.toFixed(digits)}${unit}`.trim();
  return `${name}: ${shown(value)} (target ${target.op} ${shown(target.limit)}): ${met ? 'met' : 'not met'}`;
};

/** The median of a sample (the middle of an odd count, the lower middle of an even one). */
export const median = (samples: readonly number[]): number =>
  percentile(
    [...samples].sort((a, b) => a - b),
    50,
  );

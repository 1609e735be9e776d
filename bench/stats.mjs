// Summaries across interleaved rounds: the median, and the min–max that shows how far the
// rounds disagree. A ratio is always computed within one round first (both sides measured
// minutes apart are not a ratio), then summarised like any other figure.

/**
 * @param {readonly number[]} values one per round; non-finite values are ignored
 * @returns {{ median: number, min: number, max: number, n: number } | undefined}
 */
export function summarize(values) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return undefined;
  const mid = n >> 1;
  const median = n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[n - 1], n };
}

/** Median of `values`, or NaN when there is none. */
export function median(values) {
  return summarize(values)?.median ?? Number.NaN;
}

/** `12,345 (11,900–12,800)`: the median, then the range when there are several rounds. */
export function formatSummary(summary, format) {
  if (summary === undefined) return '';
  const mid = format(summary.median);
  return summary.n > 1 ? `${mid} (${format(summary.min)}–${format(summary.max)})` : mid;
}

export const integer = (value) => Math.round(value).toLocaleString('en-US');
export const fixed = (digits) => (value) => value.toFixed(digits);
export const times = (value) => `${value.toFixed(2)}×`;

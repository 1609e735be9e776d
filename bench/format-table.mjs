import { markdownTable } from './markdown-table.mjs';

/**
 * A Markdown table of tinybench results. The first row is the baseline of the ratio column.
 *
 * @param {{ name: string, meanMs: number, p99Ms: number }[]} rows
 * @returns {string}
 */
export function formatTable(rows) {
  const baseline = rows[0];
  if (baseline === undefined) throw new Error('no benchmark rows');
  const header = ['task', 'ops/s', 'mean µs', 'p99 µs', '× crypto.verify'];
  const body = rows.map((row) => [
    row.name,
    Math.round(1000 / row.meanMs).toLocaleString('en-US'),
    (row.meanMs * 1000).toFixed(1),
    (row.p99Ms * 1000).toFixed(1),
    `${(row.meanMs / baseline.meanMs).toFixed(2)}×`,
  ]);
  return markdownTable(header, body);
}

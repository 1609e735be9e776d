import { markdownTable } from './markdown-table.mjs';
import { formatSummary, integer, median, summarize, times } from './stats.mjs';
import { RAW, TOKENGATE_COLD } from './verify-suite.mjs';

/**
 * The Markdown table of one algorithm of the micro suite. Figures are medians across rounds
 * with (min–max); each ratio is computed within one round, then summarised:
 * "× crypto.verify" is the task's ops/s over raw `crypto.verify`'s (1.00× = as fast as the
 * bare signature check), "tokengate cold ×" is tokengate's cold ops/s over the peer's.
 *
 * @param {{ names: string[], rounds: Map<string, { meanMs: number, p99Ms: number }>[] }} suite
 * @returns {string}
 */
export function formatTable({ names, rounds }) {
  const header = ['task', 'ops/s', 'mean µs', 'p99 µs', '× crypto.verify', 'tokengate cold ×'];
  const perRound = (name, value) => rounds.map((round) => value(round.get(name), round));
  const body = names.map((name) => [
    name,
    formatSummary(summarize(perRound(name, (task) => 1000 / task.meanMs)), integer),
    (1000 * median(perRound(name, (task) => task.meanMs))).toFixed(1),
    (1000 * median(perRound(name, (task) => task.p99Ms))).toFixed(1),
    formatSummary(
      summarize(perRound(name, (task, round) => round.get(RAW).meanMs / task.meanMs)),
      times,
    ),
    name === RAW || name.startsWith('tokengate')
      ? ''
      : formatSummary(
          summarize(
            perRound(name, (task, round) => task.meanMs / round.get(TOKENGATE_COLD).meanMs),
          ),
          times,
        ),
  ]);
  return markdownTable(header, body);
}

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
export function formatTable(suite) {
  return formatRoundsTable(suite, {
    raw: RAW,
    title: 'tokengate cold ×',
    // The peer's time over tokengate's cold time, in the same round; none for tokengate's rows.
    against: (name) => (name === RAW || name.startsWith('tokengate') ? undefined : TOKENGATE_COLD),
    inverse: true,
  });
}

/**
 * A micro-suite table: ops/s, mean and p99 per task (medians across rounds, with min–max), the
 * ratio to the `raw` task and one more ratio column, each ratio computed within a round.
 * `against(name)` names the task a row is compared with in that column (`undefined`: empty);
 * `inverse` compares times the other way (the row's time over the other's).
 *
 * @param {{ names: string[], rounds: Map<string, { meanMs: number, p99Ms: number }>[] }} suite
 * @param {{ raw: string, title: string, against: (name: string) => string | undefined, inverse?: boolean }} columns
 * @returns {string}
 */
export function formatRoundsTable({ names, rounds }, { raw, title, against, inverse = false }) {
  const header = ['task', 'ops/s', 'mean µs', 'p99 µs', '× crypto.verify', title];
  const perRound = (name, value) => rounds.map((round) => value(round.get(name), round));
  const body = names.map((name) => {
    const other = against(name);
    return [
      name,
      formatSummary(summarize(perRound(name, (task) => 1000 / task.meanMs)), integer),
      (1000 * median(perRound(name, (task) => task.meanMs))).toFixed(1),
      (1000 * median(perRound(name, (task) => task.p99Ms))).toFixed(1),
      formatSummary(
        summarize(perRound(name, (task, round) => round.get(raw).meanMs / task.meanMs)),
        times,
      ),
      other === undefined
        ? ''
        : formatSummary(
            summarize(
              perRound(name, (task, round) =>
                inverse
                  ? task.meanMs / round.get(other).meanMs
                  : round.get(other).meanMs / task.meanMs,
              ),
            ),
            times,
          ),
    ];
  });
  return markdownTable(header, body);
}

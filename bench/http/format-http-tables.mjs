// Markdown tables of the HTTP suite: one per scenario, rows grouped by framework, then the
// retained heap per server and the rounds with their load and bare baselines. Every figure is
// the median across rounds with (min–max); every ratio is computed within one round (both
// servers of a ratio ran minutes apart at most, under the same load) and then summarised.
import { markdownTable } from '../markdown-table.mjs';
import { fixed, formatSummary, integer, median, summarize, times } from '../stats.mjs';
import { CONNECTIONS } from './load.mjs';
import { scenariosOf } from './servers.mjs';

// A round whose bare baseline moved more than this from the median of bare is disturbed:
// something else took the machine, and its ratios deserve less trust.
export const DISTURBED_DEVIATION = 0.15;

const percent = (value) => `${(100 * value).toFixed(1)}%`;
const megabytes = (bytes) => (bytes / 1e6).toFixed(1);

/**
 * @param {{ plan: { framework: string, servers: object[] }[], rounds: object[],
 *   skipped: object[], tokenBytes: number }} suite
 * @param {{ seconds: number, warmupSeconds: number, poolSize: number }} options
 * @returns {string}
 */
export function formatHttpTables(suite, { seconds, warmupSeconds, poolSize }) {
  const { plan, rounds, skipped, tokenBytes } = suite;
  const sections = [
    `RS256 Cognito access token of ${tokenBytes} bytes; autocannon, ${CONNECTIONS} connections; ${rounds.length} interleaved round(s): per framework the servers run in an order rotated each round, each in a fresh process, ${2 * warmupSeconds} s warm-up then ${seconds} s measured per scenario. Figures: median across rounds (min–max); ratios computed within each round, then the median (min–max); "best 1 s" is the median of each run's fastest second, secondary.`,
    `### HTTP — reused token (one valid token on every request)`,
    scenarioTable(plan, rounds, 'reused'),
    `### HTTP — fresh tokens (${poolSize.toLocaleString('en-US')} distinct tokens in rotation)`,
    scenarioTable(plan, rounds, 'fresh'),
    `### HTTP — heap retained after each server's runs (after a full GC)`,
    heapTable(plan, rounds),
    `### HTTP — rounds (bare req/s, reused token; disturbed when > ${100 * DISTURBED_DEVIATION}% from the median of bare)`,
    roundsTable(plan, rounds),
  ];
  const notes = [...warnings(plan, rounds), ...skipped.map(skipNote)];
  if (notes.length > 0) sections.push(notes.join('\n'));
  return sections.join('\n\n');
}

function scenarioTable(plan, rounds, scenario) {
  const header = ['framework', 'server', 'req/s', 'best 1 s', 'p99 ms', 'non-2xx', 'CPU µs/req'];
  header.push('GC % of CPU', '× bare');
  if (scenario === 'fresh') header.push('× minimal verifier');
  header.push('× best peer');
  const body = [];
  for (const { servers } of plan) {
    for (const server of servers.filter((s) => scenariosOf(s).includes(scenario))) {
      const runs = rounds.map(({ results }) => results.get(server.file)?.[scenario]);
      const measured = runs.filter((run) => run !== undefined);
      if (measured.length === 0) continue;
      const failures = measured.reduce((sum, run) => sum + run.non2xx + run.errors, 0);
      const p99 = median(measured.map((run) => run.p99Ms));
      const row = [
        server.label,
        server.name,
        formatSummary(summarize(measured.map((run) => run.reqPerSec)), integer),
        integer(median(measured.map((run) => run.bestSecondReqPerSec))),
        // autocannon records latency in whole milliseconds; 0 means under one.
        p99 === 0 ? '<1' : String(p99),
        failures === 0 ? '0' : `**${failures}**`,
        formatSummary(summarize(measured.map((run) => run.cpuMicrosPerRequest)), fixed(1)),
        percent(median(measured.map((run) => run.gcShare))),
        // Bare ran the reused-token scenario only: both scenarios compare against it.
        ratioCell(rounds, server, scenario, servers, (group, results) =>
          runOf(group, results, 'bare', 'reused'),
        ),
      ];
      if (scenario === 'fresh') {
        row.push(
          ratioCell(rounds, server, scenario, servers, (group, results) =>
            runOf(group, results, 'minimal', 'fresh'),
          ),
        );
      }
      row.push(
        server.kind === 'tokengate'
          ? ratioCell(rounds, server, scenario, servers, (group, results) =>
              bestPeer(group, results, scenario),
            )
          : '',
      );
      body.push(row);
    }
  }
  return markdownTable(header, body, 2);
}

/** The median (min–max) of `server / baseline` req/s, each taken within one round. */
function ratioCell(rounds, server, scenario, servers, baselineOf) {
  const ratios = rounds.map(({ results }) => {
    const run = results.get(server.file)?.[scenario];
    const baseline = baselineOf(servers, results);
    return run === undefined || baseline === undefined
      ? Number.NaN
      : run.reqPerSec / baseline.reqPerSec;
  });
  // The baseline's own row: 1.00× by definition, no range to show.
  if (ratios.every((ratio) => ratio === 1)) return times(1);
  return formatSummary(summarize(ratios), times);
}

/** One round's run of the framework's server of `kind` in `scenario`. */
function runOf(servers, results, kind, scenario) {
  const server = servers.find((s) => s.kind === kind);
  return server === undefined ? undefined : results.get(server.file)?.[scenario];
}

function bestPeer(servers, results, scenario) {
  let best;
  for (const server of servers.filter((s) => s.kind === 'peer')) {
    const run = results.get(server.file)?.[scenario];
    if (run !== undefined && (best === undefined || run.reqPerSec > best.reqPerSec)) best = run;
  }
  return best;
}

function heapTable(plan, rounds) {
  const body = [];
  for (const { servers } of plan) {
    for (const server of servers) {
      const heaps = rounds
        .map(({ results }) => results.get(server.file)?.heapUsed)
        .filter((heap) => heap !== undefined);
      if (heaps.length === 0) continue;
      body.push([server.label, server.name, formatSummary(summarize(heaps), megabytes)]);
    }
  }
  return markdownTable(['framework', 'server', 'heap used, MB'], body, 2);
}

/** Load average and each framework's bare baseline per round, flagging disturbed rounds. */
export function roundsTable(plan, rounds) {
  const bares = plan.map(({ servers }) => servers.find((s) => s.kind === 'bare'));
  const baseline = bares.map((bare) =>
    median(rounds.map(({ results }) => results.get(bare?.file)?.reused?.reqPerSec ?? Number.NaN)),
  );
  const header = ['round', 'load average'];
  header.push(...plan.map(({ servers }) => servers[0]?.label ?? ''), 'disturbed');
  const body = rounds.map(({ round, loadAverage, results }) => {
    const disturbed = [];
    const cells = bares.map((bare, index) => {
      const run = bare === undefined ? undefined : results.get(bare.file)?.reused;
      if (run === undefined) return '';
      const deviation = run.reqPerSec / baseline[index] - 1;
      if (Math.abs(deviation) > DISTURBED_DEVIATION) disturbed.push(bare.label);
      const sign = deviation >= 0 ? '+' : '−';
      return `${integer(run.reqPerSec)} (${sign}${Math.abs(100 * deviation).toFixed(0)}%)`;
    });
    const flag = disturbed.length === 0 ? 'no' : `**yes**: ${disturbed.join(', ')}`;
    return [String(round + 1), loadAverage.toFixed(2), ...cells, flag];
  });
  return markdownTable(header, body, 1);
}

function warnings(plan, rounds) {
  const lines = [];
  for (const { servers } of plan) {
    for (const server of servers) {
      for (const { round, results } of rounds) {
        for (const scenario of scenariosOf(server)) {
          const run = results.get(server.file)?.[scenario];
          if (run !== undefined && (run.non2xx > 0 || run.errors > 0)) {
            lines.push(
              `- **Warning**: round ${round + 1}, ${server.label} / ${server.name} / ${scenario}: ${run.non2xx} non-2xx, ${run.errors} errors.`,
            );
          }
        }
      }
    }
  }
  return lines;
}

function skipNote({ round, server, reason }) {
  return `- Skipped in round ${round + 1}: ${server.label} / ${server.name}: ${reason}`;
}

// Markdown tables of the HTTP suite, one per scenario, rows grouped by framework. Ratios are of
// req/s: against the framework's bare baseline, against the best peer on the same framework,
// and (fresh tokens) against the crypto-bound ceiling 1 / (bare CPU per request + crypto.verify).
import { markdownTable } from '../markdown-table.mjs';
import { CONNECTIONS } from './load.mjs';

const HEADER = ['framework', 'server', 'req/s', 'p99 ms', 'non-2xx', 'server CPU µs/req'];

/**
 * @param {{ rows: object[], skipped: object[], rawVerifyMicros: number, tokenBytes: number }} suite
 * @param {{ seconds: number, poolSize: number }} options
 * @returns {string}
 */
export function formatHttpTables(suite, { seconds, poolSize }) {
  const { rows, skipped, rawVerifyMicros, tokenBytes } = suite;
  const frameworks = [...new Set(rows.map((row) => row.framework))];
  const bareOf = (framework) =>
    rows.find((row) => row.framework === framework && row.kind === 'bare');

  const reusedBody = [];
  const freshBody = [];
  for (const framework of frameworks) {
    const bare = bareOf(framework);
    const group = rows.filter((row) => row.framework === framework);
    for (const row of group) {
      reusedBody.push([
        ...cells(row, row.reused),
        ratio(row.reused, bare?.reused),
        row.kind === 'tokengate' ? ratio(row.reused, bestPeer(group, 'reused')) : '',
      ]);
    }
    const ceiling =
      bare === undefined ? undefined : 1e6 / (bare.reused.cpuMicrosPerRequest + rawVerifyMicros);
    if (ceiling !== undefined) {
      freshBody.push([
        framework,
        'ceiling: bare CPU + crypto.verify',
        integer(ceiling),
        '',
        '',
        (bare.reused.cpuMicrosPerRequest + rawVerifyMicros).toFixed(1),
        ratio({ reqPerSec: ceiling }, bare.reused),
        '',
        '1.00×',
      ]);
    }
    for (const row of group) {
      if (row.fresh === undefined) continue;
      freshBody.push([
        ...cells(row, row.fresh),
        ratio(row.fresh, bare?.reused),
        row.kind === 'tokengate' ? ratio(row.fresh, bestPeer(group, 'fresh')) : '',
        ceiling === undefined ? '' : ratio(row.fresh, { reqPerSec: ceiling }),
      ]);
    }
  }

  const sections = [
    `RS256 Cognito access token of ${tokenBytes} bytes; autocannon, ${CONNECTIONS} connections; ${seconds} s measured per server and scenario, the best 1-s segment reported; raw \`crypto.verify\` ${rawVerifyMicros.toFixed(1)} µs (${integer(1e6 / rawVerifyMicros)}/s).`,
    `### HTTP — reused token (one valid token on every request)`,
    markdownTable([...HEADER, '× bare', '× best peer'], reusedBody, 2),
    `### HTTP — fresh tokens (${poolSize.toLocaleString('en-US')} distinct tokens in rotation)`,
    markdownTable([...HEADER, '× bare', '× best peer', '× ceiling'], freshBody, 2),
  ];
  const warnings = rows.flatMap((row) =>
    [
      ['reused token', row.reused],
      ['fresh tokens', row.fresh],
    ]
      .filter(([, result]) => result !== undefined && (result.non2xx > 0 || result.errors > 0))
      .map(
        ([scenario, result]) =>
          `- **Warning**: ${row.framework} / ${row.name} / ${scenario}: ${result.non2xx} non-2xx, ${result.errors} errors.`,
      ),
  );
  const notes = skipped.map(
    (server) => `- Skipped ${server.framework} / ${server.name}: ${server.reason}`,
  );
  if (warnings.length + notes.length > 0) sections.push([...warnings, ...notes].join('\n'));
  return sections.join('\n\n');
}

function cells(row, result) {
  const failures = result.non2xx + result.errors;
  return [
    row.framework,
    row.name,
    integer(result.reqPerSec),
    // autocannon records latency in whole milliseconds; 0 means under one.
    result.p99Ms === 0 ? '<1' : String(result.p99Ms),
    failures === 0 ? '0' : `**${failures}**`,
    result.cpuMicrosPerRequest.toFixed(1),
  ];
}

/** The fastest peer of a framework group in one scenario. */
function bestPeer(group, scenario) {
  const peers = group.filter((row) => row.kind === 'peer' && row[scenario] !== undefined);
  if (peers.length === 0) return undefined;
  return peers.reduce((best, row) =>
    row[scenario].reqPerSec > best[scenario].reqPerSec ? row : best,
  )[scenario];
}

function ratio(result, baseline) {
  return baseline === undefined ? '' : `${(result.reqPerSec / baseline.reqPerSec).toFixed(2)}×`;
}

function integer(value) {
  return Math.round(value).toLocaleString('en-US');
}

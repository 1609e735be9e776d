// Counters of one adapter's soak traffic, and the final report.

export const BREACHES = ['falseAccept', 'falseReject', 'unexpected5xx', 'malformed', 'mismatch'];

export function createTally() {
  return {
    requests: 0,
    expected: 0,
    deliberate503: 0,
    windowReject: 0,
    falseAccept: 0,
    falseReject: 0,
    unexpected5xx: 0,
    malformed: 0,
    mismatch: 0,
    /** No response: connection error or client timeout. */
    failed: 0,
    statuses: new Map(),
    latencies: [],
    /** The first few breaches, to show what went wrong. */
    examples: [],
    /** Requests slower than one JWKS deadline plus a margin, and the first few of them. */
    slow: 0,
    slowExamples: [],
  };
}

export function record(tally, category, status, latencyMs, describe, slowAfterMs) {
  tally.requests += 1;
  if (latencyMs > slowAfterMs) {
    tally.slow += 1;
    if (tally.slowExamples.length < 5) {
      tally.slowExamples.push(`${latencyMs.toFixed(0)} ms: ${describe()}`);
    }
  }
  tally[category] += 1;
  tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);
  tally.latencies.push(latencyMs);
  if (category !== 'expected' && category !== 'deliberate503' && category !== 'windowReject') {
    if (tally.examples.length < 5) tally.examples.push(describe());
  }
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function latencySummary(latencies) {
  const sorted = Float64Array.from(latencies).sort();
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? NaN : sorted[sorted.length - 1],
  };
}

export const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
export const ms = (value) => (Number.isFinite(value) ? value.toFixed(1) : '-');

/** A plain-text table: first row is the header. */
export function table(rows) {
  const widths = rows[0].map((_, column) =>
    Math.max(...rows.map((row) => String(row[column]).length)),
  );
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          column === 0
            ? String(cell).padEnd(widths[column])
            : String(cell).padStart(widths[column]),
        )
        .join('  '),
    )
    .join('\n');
}

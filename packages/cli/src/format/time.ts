/** The registered NumericDate claims (RFC 7519 §4.1.4–4.1.6) plus OIDC Core §2 `auth_time`. */
export const TIME_CLAIMS = ['exp', 'nbf', 'iat', 'auth_time'] as const;

/**
 * "in 58 min", "3 min ago", "now": a human distance between a NumericDate and now, both in
 * seconds since the epoch.
 */
export function relativeTime(seconds: number, nowSeconds: number): string {
  const delta = Math.round(seconds - nowSeconds);
  if (Math.abs(delta) < 1) return 'now';
  const amount = humanDuration(Math.abs(delta));
  return delta > 0 ? `in ${amount}` : `${amount} ago`;
}

/** 45 s, 3 min, 2 h 5 min, 3 d 4 h. */
export function humanDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/**
 * One line per time claim present, e.g. `exp  2025-01-01T10:00:00.000Z  (expired 3 min ago)`.
 * A value that is not a finite number is shown as such: decoding never judges, but says so.
 */
export function describeTimes(claims: Record<string, unknown>, nowSeconds: number): string[] {
  const lines: string[] = [];
  for (const name of TIME_CLAIMS) {
    const value = claims[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      lines.push(`${name.padEnd(9)} ${JSON.stringify(value)}  (not a NumericDate)`);
      continue;
    }
    const iso = isoDate(value);
    const relative = relativeTime(value, nowSeconds);
    const note =
      name === 'exp'
        ? value <= nowSeconds
          ? `expired ${relative}`
          : `expires ${relative}`
        : relative;
    lines.push(`${name.padEnd(9)} ${iso}  (${note})`);
  }
  return lines;
}

function isoDate(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? 'out of range' : date.toISOString();
}

// Readers that never throw: a claim of the wrong JSON type reads as "absent", so rules over
// it simply do not match (RFC 7519 leaves claim types to the application).

const EMPTY: readonly string[] = Object.freeze([]);

export function stringClaim(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** An array claim, keeping only its string members. */
export function stringArrayClaim(value: unknown): readonly string[] {
  if (!Array.isArray(value)) return EMPTY;
  return value.every((item) => typeof item === 'string')
    ? (value as string[])
    : value.filter((item): item is string => typeof item === 'string');
}

/**
 * A space-delimited list (OAuth `scope`, RFC 6749 §3.3 and RFC 8693 §4.2) or an array of
 * strings (Okta and Entra `scp`).
 */
export function scopeListClaim(value: unknown): readonly string[] {
  if (typeof value === 'string') return value === '' ? EMPTY : value.split(' ').filter(Boolean);
  return stringArrayClaim(value);
}

/** `aud` as a list: RFC 7519 §4.1.3 allows a single string or an array. */
export function audienceClaim(value: unknown): readonly string[] {
  return typeof value === 'string' ? [value] : stringArrayClaim(value);
}

/** The first of `names` the token carries (`['cognito:groups', 'groups']`: the first one present wins). */
export function firstPresent(
  claims: Readonly<Record<string, unknown>>,
  names: readonly string[],
): unknown {
  for (const name of names) if (claims[name] !== undefined) return claims[name];
  return undefined;
}

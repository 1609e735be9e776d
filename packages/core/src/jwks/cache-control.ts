// RFC 9111 §5.2.2: `s-maxage` wins over `max-age` for shared caches, and a JWKS cache in a
// server is shared by all its users. `no-store`/`no-cache` mean "do not reuse": answered with 0.
const DIRECTIVE = /(?:^|,)\s*(s-maxage|max-age|no-store|no-cache)\s*(?:=\s*"?(\d+)"?)?\s*(?=,|$)/gi;

/** Seconds a response may be reused according to its `Cache-Control`, or `undefined` if it does not say. */
export function freshnessSeconds(cacheControl: string | null): number | undefined {
  if (cacheControl === null) return undefined;
  let maxAge: number | undefined;
  let sharedMaxAge: number | undefined;
  for (const match of cacheControl.matchAll(DIRECTIVE)) {
    const name = match[1]?.toLowerCase();
    if (name === 'no-store' || name === 'no-cache') return 0;
    const value = match[2] === undefined ? undefined : Number(match[2]);
    if (value === undefined) continue;
    if (name === 's-maxage') sharedMaxAge = value;
    else maxAge = value;
  }
  return sharedMaxAge ?? maxAge;
}

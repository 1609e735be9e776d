import { randomBytes } from 'node:crypto';

// Before any load, prove a server does what its row claims: a valid token gets 200 with the
// token's `sub` (bare and minimal verifier: a fixed body), and (for authenticating servers,
// the minimal verifier included) a forged or missing token gets 401. A server
// that skipped verification would otherwise look fast. The first valid request also loads the
// JWKS, the HTTP equivalent of `verifier.prewarm()`.

/**
 * @param {string} url
 * @param {{ kind: string }} server
 * @param {{ token: string, forged: string, sub: string }} tokens
 */
export async function probeServer(url, server, { token, forged, sub }) {
  const ok = await fetch(`${url}/me`, { headers: { authorization: `Bearer ${token}` } });
  const body = await ok.text();
  if (ok.status !== 200) throw new Error(`valid token: ${ok.status} ${body.slice(0, 200)}`);
  // The minimal verifier does not decode the payload, so it answers a fixed body.
  const expected = { bare: 'anonymous', minimal: 'signature-only' }[server.kind] ?? sub;
  if (JSON.parse(body).sub !== expected) throw new Error(`valid token: unexpected body ${body}`);
  if (server.kind === 'bare') return;

  for (const [what, headers] of [
    ['forged token', { authorization: `Bearer ${forged}` }],
    ['no token', {}],
  ]) {
    const response = await fetch(`${url}/me`, { headers });
    await response.arrayBuffer();
    if (response.status !== 401) throw new Error(`${what}: ${response.status}, expected 401`);
  }
}

/** The same header and payload with a random signature of the right length. */
export function forgeSignature(token) {
  const dot = token.lastIndexOf('.');
  const length = Buffer.from(token.slice(dot + 1), 'base64url').length;
  return `${token.slice(0, dot + 1)}${randomBytes(length).toString('base64url')}`;
}

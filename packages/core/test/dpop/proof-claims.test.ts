// RFC 9449 §4.3 checks 8–12 and the token binding: `htm`, `htu` (normalized, query and
// fragment ignored), `iat` within its window, `jti`, `ath`, and the proof key's thumbprint
// against the token's `cnf.jkt` (RFC 9449 §6.1).
import { checkDpopProof, dpopPolicy } from '@tokengate/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { codeOf, failure } from './check-helpers.js';
import { ath, present, proofKeyPair, REQUEST_URL, type ProofKeyPair } from './proof-signer.js';

let pair: ProofKeyPair;
beforeAll(async () => {
  pair = await proofKeyPair('ES256');
});

const NOW = Math.floor(Date.now() / 1000) * 1000;
const check = (presentation: ReturnType<typeof present>, nowMs = NOW) =>
  checkDpopProof(dpopPolicy({}), presentation, nowMs);
const accepted = async (presentation: ReturnType<typeof present>, nowMs = NOW) => {
  await check(presentation, nowMs);
};

describe('htm', () => {
  it('must be the request method, exactly', async () => {
    await accepted(present(pair, { method: 'POST' }, { method: 'POST' }));
    expect(await codeOf(() => check(present(pair, { method: 'POST' })))).toBe(
      'DPOP_METHOD_MISMATCH',
    );
    // RFC 9110 §9.1: methods are case-sensitive.
    expect(await codeOf(() => check(present(pair, { method: 'get' })))).toBe(
      'DPOP_METHOD_MISMATCH',
    );
  });

  it('must be a string', async () => {
    for (const htm of [undefined, 1, ['GET']]) {
      expect(await codeOf(() => check(present(pair, { claims: { htm } })))).toBe(
        'DPOP_PROOF_INVALID',
      );
    }
  });
});

describe('htu', () => {
  it.each([
    ['a query the request does not have', `${REQUEST_URL}?page=2`, REQUEST_URL],
    ['no query when the request has one', REQUEST_URL, `${REQUEST_URL}?page=2`],
    ['another query', `${REQUEST_URL}?a=1`, `${REQUEST_URL}?b=2`],
    ['a fragment', `${REQUEST_URL}#top`, REQUEST_URL],
    ['another spelling of the same URI', 'HTTPS://API.EXAMPLE.COM:443/%6Frders', REQUEST_URL],
    ['an explicit default port on the request', REQUEST_URL, 'https://api.example.com:443/orders'],
  ])('matches despite %s', async (_name, htu, url) => {
    await accepted(present(pair, { url: htu }, { url }));
  });

  it.each([
    ['another host', 'https://evil.example.com/orders'],
    ['another port', 'https://api.example.com:8443/orders'],
    ['another path', 'https://api.example.com/orders/1'],
    ['another path case', 'https://api.example.com/Orders'],
    ['a trailing slash', 'https://api.example.com/orders/'],
    ['another scheme', 'http://api.example.com/orders'],
    ['a subdomain', 'https://a.api.example.com/orders'],
  ])('refuses %s', async (_name, htu) => {
    const error = await failure(() => check(present(pair, { url: htu })));
    expect(error.code).toBe('DPOP_URL_MISMATCH');
    expect(error.detail).toMatchObject({ url: REQUEST_URL });
  });

  it.each([
    ['missing', undefined],
    ['a number', 443],
    ['relative', '/orders'],
    ['with userinfo', 'https://user@api.example.com/orders'],
    ['not a URI', 'https://api.example.com/or ders'],
    ['a broken percent-encoding', 'https://api.example.com/%zz'],
    ['huge', `https://api.example.com/${'a'.repeat(5000)} `],
  ])('is invalid when %s, never a crash', async (_name, htu) => {
    const error = await failure(() => check(present(pair, { claims: { htu } })));
    expect(error.code).toBe('DPOP_PROOF_INVALID');
    // Whatever the proof held reaches the logs capped.
    expect(JSON.stringify(error.detail).length).toBeLessThan(400);
  });

  it('does not match a request URL that is no http(s) URI', async () => {
    expect(await codeOf(() => check(present(pair, {}, { url: '/orders' })))).toBe(
      'DPOP_URL_MISMATCH',
    );
  });
});

describe('iat', () => {
  const at = (iat: unknown) => present(pair, { claims: { iat } });

  it('may be proofMaxAgeSeconds plus the tolerance old, and the tolerance ahead', async () => {
    await accepted(at(NOW / 1000 - 65));
    await accepted(at(NOW / 1000 + 5));
    await accepted(at(NOW / 1000 - 0.5));
    const policy = dpopPolicy({ proofMaxAgeSeconds: 300, clockToleranceSeconds: 0 });
    await checkDpopProof(policy, at(NOW / 1000 - 300), NOW);
    expect(await codeOf(() => checkDpopProof(policy, at(NOW / 1000 + 1), NOW))).toBe(
      'DPOP_PROOF_ISSUED_IN_FUTURE',
    );
  });

  it('refuses a stale proof', async () => {
    const error = await failure(() => check(at(NOW / 1000 - 66)));
    expect(error.code).toBe('DPOP_PROOF_EXPIRED');
    expect(error.detail).toMatchObject({ maxAgeSeconds: 60, leewaySeconds: 5 });
  });

  it('refuses a proof from the future', async () => {
    expect(await codeOf(() => check(at(NOW / 1000 + 6)))).toBe('DPOP_PROOF_ISSUED_IN_FUTURE');
  });

  it.each([undefined, '1700000000', Number.NaN, null])('must be a number, not %s', async (iat) => {
    expect(await codeOf(() => check(at(iat)))).toBe('DPOP_PROOF_INVALID');
  });
});

describe('jti', () => {
  it('is a string of 1 to 256 characters', async () => {
    await accepted(present(pair, { claims: { jti: 'j'.repeat(256) } }));
    await accepted(present(pair, { claims: { jti: 'x' } }));
    for (const jti of [undefined, '', 'j'.repeat(257), 42]) {
      expect(await codeOf(() => check(present(pair, { claims: { jti } })))).toBe(
        'DPOP_PROOF_INVALID',
      );
    }
  });
});

describe('ath', () => {
  it('must be the hash of the access token presented', async () => {
    await accepted(present(pair, { accessToken: 'token-a' }, { accessToken: 'token-a' }));
    const error = await failure(() =>
      check(present(pair, { accessToken: 'token-a' }, { accessToken: 'token-b' })),
    );
    expect(error.code).toBe('DPOP_ATH_MISMATCH');
    // The hash padded, in base64, or with stray low bits in its last character (RFC 4648
    // §3.5: decoders ignore them): not the same string.
    const hash = ath('token-a');
    const last = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.indexOf(
      hash.at(-1)!,
    );
    const strayBits = `${hash.slice(0, -1)}${'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[last + 1]!}`;
    expect(Buffer.from(strayBits, 'base64url').equals(Buffer.from(hash, 'base64url'))).toBe(true);
    for (const spelling of [
      strayBits,
      hash.slice(0, -1),
      `${hash.slice(0, -1)}+`,
      `${ath('token-a')}=`,
      Buffer.from(ath('token-a'), 'base64url').toString('base64'),
    ]) {
      expect(
        await codeOf(() =>
          check(present(pair, { claims: { ath: spelling } }, { accessToken: 'token-a' })),
        ),
      ).toBe('DPOP_ATH_MISMATCH');
    }
  });

  it('must be there', async () => {
    expect(await codeOf(() => check(present(pair, { claims: { ath: undefined } })))).toBe(
      'DPOP_PROOF_INVALID',
    );
  });
});

describe('the token binding', () => {
  it('needs the proof key to be the key of cnf.jkt', async () => {
    const other = await proofKeyPair('ES256');
    const error = await failure(() => check(present(pair, {}, { jkt: other.jkt })));
    expect(error.code).toBe('DPOP_BINDING_MISMATCH');
    expect(error.detail).toMatchObject({ jkt: other.jkt, thumbprint: pair.jkt });
    expect(await codeOf(() => check(present(pair, {}, { jkt: '' })))).toBe('DPOP_BINDING_MISMATCH');
  });

  it('holds for every key type (thumbprints agree with jose)', async () => {
    for (const alg of ['RS256', 'ES384', 'ES512', 'EdDSA'] as const) {
      await accepted(present(await proofKeyPair(alg)));
    }
  });
});

describe('a refusal', () => {
  it('tells the client a fixed sentence and keeps what the proof said for the logs', async () => {
    const presentation = present(pair, { method: 'DELETE' });
    const error = await failure(() => check(presentation));
    expect(error.status).toBe(401);
    expect(error.error).toBe('invalid_dpop_proof');
    expect(error.description).not.toContain(presentation.proof.slice(0, 20));
    expect(error.toJSON()).toEqual({
      error: 'invalid_dpop_proof',
      error_description: error.description,
    });
    expect(error.detail).toEqual({ htm: 'DELETE', method: 'GET' });
  });
});

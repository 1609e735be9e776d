// Differential test: tokengate and aws-jwt-verify, the reference Cognito verifier, must reach
// the same verdict on every Cognito-shaped token, except where tokengate is deliberately
// stricter. Those cases are listed with the reason; any other disagreement fails.
import { cognitoIssuer, createVerifier } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const userPoolId = 'us-east-1_Differential';
const iss = `https://cognito-idp.us-east-1.amazonaws.com/${userPoolId}`;
const now = (): number => Math.floor(Date.now() / 1000);
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

let pool: TestIssuer;
let tokengate: ReturnType<typeof createVerifier>;
let reference: ReturnType<typeof CognitoJwtVerifier.create>;

beforeAll(async () => {
  pool = await createTestIssuer({ kind: 'cognito', userPoolId, issuer: iss });
  tokengate = createVerifier({
    // Both sides get the same tolerance so that only real rule differences show.
    clockToleranceSeconds: 5,
    issuers: [cognitoIssuer({ userPoolId, clientId: pool.clientId, jwksUri: pool.jwksUri })],
  });
  reference = CognitoJwtVerifier.create({
    userPoolId,
    tokenUse: 'access',
    clientId: pool.clientId,
    graceSeconds: 5,
  });
  reference.cacheJwks(
    pool.jwks() as unknown as Parameters<typeof reference.cacheJwks>[0],
    userPoolId,
  );
});
afterAll(() => pool.close());

type Verdict = 'accept' | 'reject';
interface Case {
  readonly name: string;
  readonly token: () => Promise<string>;
  /** Set when tokengate refuses on purpose what the reference accepts; says why. */
  readonly stricter?: string;
}

function tamper(token: string, index: number, change: (segment: string) => string): string {
  const parts = token.split('.');
  parts[index] = change(parts[index] ?? '');
  return parts.join('.');
}

const cases: readonly Case[] = [
  {
    name: 'a valid access token',
    token: () => pool.accessToken({ groups: ['admin'], scopes: ['orders:read'] }),
  },
  { name: 'a valid M2M token', token: () => pool.m2mToken({ scopes: ['orders-api/orders.read'] }) },
  { name: 'an expired token', token: () => pool.accessToken({ expiresIn: -60 }) },
  { name: 'an ID token', token: () => pool.idToken() },
  {
    name: 'a token without token_use',
    token: () => pool.accessToken({ claims: { token_use: undefined } }),
  },
  {
    name: 'a refresh-shaped token',
    token: () => pool.accessToken({ claims: { token_use: 'refresh' } }),
  },
  {
    name: "another app client's token",
    token: () => pool.accessToken({ clientId: 'other-client' }),
  },
  {
    name: "another pool's token",
    token: () => pool.accessToken({ claims: { iss: iss.replace('Differential', 'Other') } }),
  },
  {
    name: 'an issuer with a trailing slash',
    token: () => pool.accessToken({ claims: { iss: `${iss}/` } }),
  },
  {
    name: 'a token not valid yet',
    token: () => pool.accessToken({ claims: { nbf: now() + 600 } }),
  },
  {
    name: 'a token without exp',
    token: () => pool.accessToken({ claims: { exp: undefined } }),
    stricter:
      'RFC 9068 §2.2 and RFC 8725 §3.10: a bearer token that never expires is refused by default',
  },
  {
    name: 'exp as a string',
    token: () => pool.accessToken({ claims: { exp: String(now() + 600) } }),
  },
  {
    name: 'a tampered payload',
    token: async () =>
      tamper(await pool.accessToken(), 1, () =>
        b64({ iss, token_use: 'access', client_id: pool.clientId, exp: now() + 600 }),
      ),
  },
  {
    name: 'a flipped signature bit',
    token: async () =>
      tamper(await pool.accessToken(), 2, (s) => (s[5] === 'A' ? 'B' : 'A') + s.slice(1)),
  },
  {
    name: 'alg none',
    token: async () =>
      tamper(await pool.accessToken(), 0, () => b64({ alg: 'none', kid: pool.currentKid })).replace(
        /\.[^.]*$/,
        '.',
      ),
  },
  {
    name: 'alg HS256',
    token: async () =>
      tamper(await pool.accessToken(), 0, () => b64({ alg: 'HS256', kid: pool.currentKid })),
  },
  { name: 'an unknown kid', token: () => pool.accessToken({ header: { kid: 'unknown-kid' } }) },
  {
    name: 'padding on the signature',
    token: async () => `${await pool.accessToken()}=`,
    stricter: 'RFC 7515 §2: compact JWS segments are unpadded base64url',
  },
  {
    name: 'iat in the future',
    token: () => pool.accessToken({ claims: { iat: now() + 3600 } }),
    stricter: 'RFC 7519 §4.1.6: a token cannot have been issued after now (beyond the leeway)',
  },
  {
    name: 'an unknown crit header',
    token: () => pool.accessToken({ header: { crit: ['x-custom'], 'x-custom': true } }),
    stricter: 'RFC 7515 §4.1.11: critical extensions that are not understood must be refused',
  },
  {
    name: 'iat as a string',
    token: () => pool.accessToken({ claims: { iat: 'yesterday' } }),
  },
  {
    name: 'a numeric sub',
    token: () => pool.accessToken({ claims: { sub: 42 } }),
  },
];

async function verdictOf(verify: () => Promise<unknown>): Promise<Verdict> {
  try {
    await verify();
    return 'accept';
  } catch {
    return 'reject';
  }
}

describe('tokengate and aws-jwt-verify agree on Cognito tokens', () => {
  it.each(cases)('$name', async ({ token: mint, stricter }) => {
    const token = await mint();
    const ours = await verdictOf(() => tokengate.verify(token));
    const theirs = await verdictOf(async () => reference.verifySync(token));
    if (stricter === undefined) {
      expect(ours).toBe(theirs);
    } else {
      expect({ ours, theirs }).toEqual({ ours: 'reject', theirs: 'accept' });
    }
  });

  it('agree on every single-character corruption of a valid token', async () => {
    const token = await pool.accessToken({ groups: ['admin'] });
    const disagreements: string[] = [];
    // Every 7th position across all three segments, replaced by a character of the alphabet.
    for (let i = 0; i < token.length; i += 7) {
      const replacement = token[i] === 'A' ? 'B' : 'A';
      const corrupted =
        token.slice(0, i) + (token[i] === '.' ? '.' : replacement) + token.slice(i + 1);
      if (corrupted === token) continue;
      const ours = await verdictOf(() => tokengate.verify(corrupted));
      const theirs = await verdictOf(async () => reference.verifySync(corrupted));
      if (ours !== theirs)
        disagreements.push(`position ${i}: tokengate ${ours}, aws-jwt-verify ${theirs}`);
      expect(ours).toBe('reject');
    }
    expect(disagreements).toEqual([]);
  });
});

// Every option mistake of an introspection issuer is a TypeError when the verifier is built,
// never a surprise on a request.
import {
  createVerifier,
  introspectionIssuer,
  oidcIssuer,
  type IntrospectionIssuerOptions,
} from '@tokengate/core';
import { describe, expect, it } from 'vitest';
import { rejectionOf } from '../helpers.js';
import { API, CLIENT_ID, ISSUER, SECRET } from './fixtures.js';

const ENDPOINT = 'https://idp.tokengate.test/oauth2/introspect';

function options(overrides: Record<string, unknown> = {}): IntrospectionIssuerOptions {
  return {
    issuer: ISSUER,
    introspectionEndpoint: ENDPOINT,
    clientId: CLIENT_ID,
    clientAuth: { method: 'client_secret_basic', clientSecret: SECRET },
    audience: API,
    ...overrides,
  } as IntrospectionIssuerOptions;
}

describe('introspectionIssuer() options', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    [
      'a misspelt option',
      { timeoutMS: 10 },
      /unknown option "timeoutMS"; did you mean `timeoutMs`/,
    ],
    ['typ', { typ: 'at+jwt' }, /typ does not apply/],
    ['no clientAuth', { clientAuth: undefined }, /clientAuth must be an object/],
    [
      'an unknown method',
      { clientAuth: { method: 'tls_client_auth' } },
      /clientAuth.method must be/,
    ],
    [
      'a secret with a line break',
      { clientAuth: { method: 'client_secret_post', clientSecret: 'x\n' } },
      /clientAuth.clientSecret must be a non-empty string of printable ASCII/,
    ],
    [
      'a plain http endpoint',
      { introspectionEndpoint: 'http://idp.example.com/i' },
      /must use https:/,
    ],
    [
      'an endpoint with credentials',
      { introspectionEndpoint: 'https://u:p@idp.test/i' },
      /must not contain credentials/,
    ],
    [
      'an endpoint with a fragment',
      { introspectionEndpoint: `${ENDPOINT}#x` },
      /must not have a fragment/,
    ],
    ['jwksUri without jwtResponse', { jwksUri: `${ISSUER}/jwks` }, /set jwtResponse: true/],
    ['a non-boolean opaqueTokens', { opaqueTokens: 'yes' }, /opaqueTokens must be a boolean/],
    ['a zero timeoutMs', { timeoutMs: 0 }, /timeoutMs must be a positive integer/],
    ['a negative inactiveTtlMs', { cache: { inactiveTtlMs: -1 } }, /cache.inactiveTtlMs must be/],
    ['an unknown cache option', { cache: { ttl: 5 } }, /cache: unknown option "ttl"/],
    ['a client id with a newline', { clientId: 'api\n' }, /clientId must be printable ASCII/],
  ];
  it.each(cases)('refuses %s', (_name, overrides, message) => {
    expect(() => introspectionIssuer(options(overrides))).toThrow(TypeError);
    expect(() => introspectionIssuer(options(overrides))).toThrow(message);
  });

  it('never echoes the client secret in a TypeError', () => {
    const secret = 'hunter2\r\n';
    const error = (() => {
      try {
        introspectionIssuer(
          options({ clientAuth: { method: 'client_secret_basic', clientSecret: secret } }),
        );
      } catch (caught) {
        return caught as Error;
      }
      return undefined;
    })();
    expect(error?.message).not.toContain('hunter2');
  });

  it('keeps the secret out of the issuer value apps log', () => {
    const issuer = introspectionIssuer(options());
    expect(JSON.stringify(issuer)).not.toContain(SECRET);
    expect(issuer.kind).toBe('introspection');
    expect(issuer.endpoints).toStrictEqual([{ issuer: ISSUER }]);
  });
});

describe('introspection issuers in createVerifier()', () => {
  it('requires an audience, or an explicit null (RFC 8725 §3.9)', () => {
    expect(() =>
      createVerifier({ issuers: [introspectionIssuer(options({ audience: undefined }))] }),
    ).toThrow(/audience is required/);
    expect(() =>
      createVerifier({ issuers: [introspectionIssuer(options({ audience: null }))] }),
    ).not.toThrow();
  });

  it('refuses two issuers that both take opaque tokens', () => {
    const other = { issuer: 'https://other.tokengate.test' };
    expect(() =>
      createVerifier({
        issuers: [introspectionIssuer(options()), introspectionIssuer(options(other))],
      }),
    ).toThrow(/both take opaque tokens/);
    expect(() =>
      createVerifier({
        issuers: [
          introspectionIssuer(options()),
          introspectionIssuer(options({ ...other, opaqueTokens: false })),
        ],
      }),
    ).not.toThrow();
  });

  it('refuses an issuer both introspected and verified by keys, or listed twice', () => {
    expect(() =>
      createVerifier({
        issuers: [oidcIssuer({ issuer: ISSUER, audience: API }), introspectionIssuer(options())],
      }),
    ).toThrow(/configured twice/);
    expect(() =>
      createVerifier({
        issuers: [
          introspectionIssuer(options()),
          introspectionIssuer(options({ opaqueTokens: false })),
        ],
      }),
    ).toThrow(/configured twice/);
  });

  it('refuses a copy of an introspection issuer, which has lost its settings', () => {
    expect(() => createVerifier({ issuers: [{ ...introspectionIssuer(options()) }] })).toThrow(
      /build introspection issuers with introspectionIssuer\(\)/,
    );
  });

  it('refuses typ in a verifier-wide policy only for JWTs, not for introspected tokens', () => {
    expect(() =>
      createVerifier({ issuers: [introspectionIssuer(options())], typ: 'at+jwt' }),
    ).not.toThrow();
  });

  it('fails closed when a resolver returns an introspection issuer', async () => {
    const verifier = createVerifier({
      resolveIssuer: () => introspectionIssuer(options()),
      audience: API,
    });
    const token = `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({ iss: ISSUER }),
    ).toString('base64url')}.c2ln`;
    expect(await rejectionOf(verifier.verify(token))).toMatchObject({ status: 503 });
  });
});

import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { IdpUnavailableError, createVerifier, oidcIssuer } from '@tokengate/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAlbVerifier, type AlbVerifierOptions } from '@tokengate/core';
import { nowSeconds, rejectionOf } from './helpers.js';

const ARN =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188';
const CLIENT = '1example23456789';
const ISS = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123';

// A loopback stand-in for public-keys.auth.elb.<region>.amazonaws.com: PEMs at /<kid>.
let server: Server;
let baseUrl: string;
let mode: 'ok' | 'error' | 'slow' | 'garbage' = 'ok';
let hits = 0;
const pems = new Map<string, string>();
const pair = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const spki = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();
const { privateKey, publicKey } = pair();
const kid = randomUUID();

beforeAll(async () => {
  pems.set(kid, spki(publicKey));
  server = createServer((req, res) => {
    hits += 1;
    if (mode === 'slow') return; // never answers
    if (mode === 'error') return void res.writeHead(500).end();
    if (mode === 'garbage') return void res.writeHead(200).end('<html>not a key</html>');
    const pem = pems.get((req.url ?? '').slice(1));
    if (pem === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(pem);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  mode = 'ok';
  hits = 0;
});

type Overrides = { [K in keyof AlbVerifierOptions]?: AlbVerifierOptions[K] | undefined };

function verifier(options: Overrides = {}) {
  return createAlbVerifier({
    region: 'us-east-1',
    albArn: ARN,
    clientId: CLIENT,
    issuer: ISS,
    keyBaseUrl: baseUrl,
    timeoutMs: 300,
    cooldownMs: 300,
    ...options,
  } as AlbVerifierOptions);
}

/** Base64url WITH `=` padding, as the ALB emits it. */
const padded = (bytes: Buffer) => bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
const unpadded = (bytes: Buffer) => bytes.toString('base64url');
const json = (value: unknown, encode = padded) => encode(Buffer.from(JSON.stringify(value)));

interface TokenParts {
  header?: object;
  payload?: object;
  key?: KeyObject;
  signature?: Buffer;
  /** Sign unpadded segments, as a strict JWS would be. */
  unpadded?: boolean;
}

function albToken(parts: TokenParts = {}): string {
  const encode = parts.unpadded === true ? unpadded : padded;
  const exp = nowSeconds() + 120;
  const header = { alg: 'ES256', kid, signer: ARN, iss: ISS, client: CLIENT, exp, ...parts.header };
  const payload = { sub: 'user-1', email: 'a@example.com', username: 'alice', exp, iss: ISS };
  const input = `${json(header, encode)}.${json({ ...payload, ...parts.payload }, encode)}`;
  const key = parts.key ?? privateKey;
  const signature =
    parts.signature ?? sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${encode(signature)}`;
}

describe('a valid ALB token', () => {
  it('resolves to the normalized result, padding and all', async () => {
    const token = albToken({ payload: { 'cognito:groups': ['admin'] } });
    expect(token).toMatch(/=\.|=$/);
    const result = await verifier().verify(token);
    expect(result).toMatchObject({
      token,
      issuer: ISS,
      subject: 'user-1',
      clientId: CLIENT,
      tokenUse: 'id',
      scopes: [],
      groups: ['admin'],
      header: { kid, signer: ARN },
      claims: { email: 'a@example.com', username: 'alice' },
    });
    expect(hits).toBe(1);
  });

  it('accepts unpadded segments, but not padding stripped after signing', async () => {
    const token = albToken({ unpadded: true });
    expect((await verifier().verify(token)).groups).toEqual([]); // no cognito:groups
    const stripped = albToken().replace(/=/g, ''); // the signature covers the segments as sent
    expect((await rejectionOf(verifier().verify(stripped))).code).toBe('SIGNATURE_INVALID');
  });

  it('accepts any signer or client when explicitly null, and any iss when unset', async () => {
    const token = albToken({ header: { signer: 'x', client: 'y' }, payload: { iss: 'z' } });
    const open = verifier({ albArn: null, clientId: null, issuer: undefined });
    await expect(open.verify(token)).resolves.toMatchObject({ issuer: 'z' });
  });

  it('is refused by the strict bearer path, which forbids padding', async () => {
    const strict = createVerifier({
      issuers: [oidcIssuer({ issuer: ISS, jwksUri: baseUrl, audience: null })],
    });
    expect((await rejectionOf(strict.verify(albToken()))).code).toBe('TOKEN_MALFORMED');
  });
});

describe('refusals before any fetch', () => {
  const cases: [string, () => string, string][] = [
    ['wrong signer', () => albToken({ header: { signer: `${ARN}0` } }), 'AUDIENCE_MISMATCH'],
    ['no signer', () => albToken({ header: { signer: undefined } }), 'AUDIENCE_MISMATCH'],
    ['wrong client', () => albToken({ header: { client: 'other' } }), 'CLIENT_ID_MISMATCH'],
    ['wrong iss', () => albToken({ payload: { iss: `${ISS}x` } }), 'ISSUER_UNKNOWN'],
    ['expired', () => albToken({ payload: { exp: nowSeconds() - 60 } }), 'TOKEN_EXPIRED'],
    ['expired header', () => albToken({ header: { exp: nowSeconds() - 60 } }), 'TOKEN_EXPIRED'],
    ['no exp', () => albToken({ payload: { exp: undefined } }), 'CLAIM_MISSING'],
    ['ES384', () => albToken({ header: { alg: 'ES384' } }), 'ALG_NOT_ALLOWED'],
    ['RS256', () => albToken({ header: { alg: 'RS256' } }), 'ALG_NOT_ALLOWED'],
    ['none', () => albToken({ header: { alg: 'none' } }), 'ALG_NOT_ALLOWED'],
    ['crit', () => albToken({ header: { crit: ['x'] } }), 'CRIT_UNSUPPORTED'],
    ['two segments', () => albToken().split('.').slice(0, 2).join('.'), 'TOKEN_MALFORMED'],
    ['+ in a segment', () => `+${albToken().slice(1)}`, 'TOKEN_MALFORMED'],
    ['/ in a segment', () => `/${albToken().slice(1)}`, 'TOKEN_MALFORMED'],
    ['whitespace', () => ` ${albToken()}`, 'TOKEN_MALFORMED'],
    ['too much padding', () => `${albToken()}====`, 'TOKEN_MALFORMED'],
    ['padding mid-segment', () => albToken().replace('.', '=A.'), 'TOKEN_MALFORMED'],
    ['array payload', () => `${json({ alg: 'ES256', kid })}.${json([1])}.AAAA`, 'TOKEN_MALFORMED'],
  ];

  it.each(cases)('%s → %s', async (_name, make, code) => {
    expect((await rejectionOf(verifier().verify(make()))).code).toBe(code);
    expect(hits).toBe(0);
  });

  // The kid becomes part of a URL: anything but hex and `-` is refused before it gets there.
  it.each(['../x', 'a/b', '%2e%2e', 'ab?c', 'ab#c', 'f'.repeat(65), '', 7, undefined])(
    'kid %j → TOKEN_MALFORMED',
    async (value) => {
      const token = albToken({ header: { kid: value } });
      expect((await rejectionOf(verifier().verify(token))).code).toBe('TOKEN_MALFORMED');
      expect(hits).toBe(0);
    },
  );

  // ALB kids are lower-case UUIDs: any other shape is refused before it can spend a fetch or
  // a share of the fetch budget (hex-only strings used to be fetched).
  it.each([
    ['hex only', 'deadbeef'],
    ['a UUID without dashes', kid.replace(/-/g, '')],
    ['the real kid in upper case', kid.toUpperCase()],
    ['a UUID in braces', `{${kid}}`],
    ['a UUID and one more digit', `${kid}0`],
    ['dashes misplaced', `${kid.slice(0, 7)}-${kid.slice(7, 8)}${kid.slice(9)}`],
  ])('kid %s → TOKEN_MALFORMED, no fetch', async (_name, value) => {
    const token = albToken({ header: { kid: value } });
    expect((await rejectionOf(verifier().verify(token))).code).toBe('TOKEN_MALFORMED');
    expect(hits).toBe(0);
  });

  it('refuses empty and oversized header values', async () => {
    expect((await rejectionOf(verifier().verify(''))).code).toBe('TOKEN_MALFORMED');
    const big = verifier({ maxTokenBytes: 100 });
    expect((await rejectionOf(big.verify(albToken()))).code).toBe('TOKEN_TOO_LARGE');
  });
});

// Node's base64 and latin1 decoders keep a character's low byte: a non-ASCII look-alike of a
// padded ALB token must not be a second spelling of it.
describe('non-ASCII look-alikes', () => {
  const respelled = (token: string, index: number, spell: (code: number) => number) =>
    `${token.slice(0, index)}${String.fromCharCode(spell(token.charCodeAt(index)))}${token.slice(index + 1)}`;

  it('refuses every position respelled 0x100 or 0x80 above, and lone surrogates', async () => {
    const token = albToken();
    expect(token).toContain('=');
    const alb = verifier();
    await expect(alb.verify(token)).resolves.toMatchObject({ subject: 'user-1' });
    const lookAlikes = Array.from(token, (_, index) => [
      respelled(token, index, (code) => code + 0x100),
      respelled(token, index, (code) => code + 0x80),
    ]).flat();
    for (const index of [0, token.indexOf('.') + 1, token.length - 3]) {
      lookAlikes.push(respelled(token, index, (code) => 0xd800 | code));
      lookAlikes.push(respelled(token, index, (code) => 0xdc00 | code));
    }
    const codes = new Set<string>();
    for (const lookAlike of lookAlikes) codes.add((await rejectionOf(alb.verify(lookAlike))).code);
    expect([...codes]).toEqual(['TOKEN_MALFORMED']);
    await expect(alb.verify(token)).resolves.toMatchObject({ subject: 'user-1' });
  });
});

describe('signatures', () => {
  it('refuses a tampered payload', async () => {
    const [h, , s] = albToken().split('.');
    const forged = `${h}.${json({ sub: 'admin', exp: nowSeconds() + 60, iss: ISS })}.${s}`;
    expect((await rejectionOf(verifier().verify(forged))).code).toBe('SIGNATURE_INVALID');
  });

  it('refuses zero-R, zero-S, wrong-size signatures and another key', async () => {
    const v = verifier();
    const real = Buffer.from(albToken().split('.')[2] ?? '', 'base64url');
    const zeroR = Buffer.concat([Buffer.alloc(32), real.subarray(32)]);
    const zeroS = Buffer.concat([real.subarray(0, 32), Buffer.alloc(32)]);
    for (const signature of [Buffer.alloc(64), zeroR, zeroS, Buffer.concat([real, real])]) {
      expect((await rejectionOf(v.verify(albToken({ signature })))).code).toBe('SIGNATURE_INVALID');
    }
    const otherKey = albToken({ key: pair().privateKey });
    expect((await rejectionOf(v.verify(otherKey))).code).toBe('SIGNATURE_INVALID');
  });
});

describe('key fetching', () => {
  it('fetches a key once for concurrent first requests, then serves it from cache', async () => {
    const v = verifier();
    const tokens = Array.from({ length: 10 }, () => albToken());
    await Promise.all(tokens.map((token) => v.verify(token)));
    expect(hits).toBe(1);
    mode = 'error';
    await expect(v.verify(albToken())).resolves.toMatchObject({ subject: 'user-1' });
    expect(hits).toBe(1);
  });

  it('remembers an unknown kid for the cooldown', async () => {
    const v = verifier();
    const token = albToken({ header: { kid: randomUUID() } });
    expect((await rejectionOf(v.verify(token))).code).toBe('KEY_NOT_FOUND');
    expect((await rejectionOf(v.verify(token))).code).toBe('KEY_NOT_FOUND');
    expect(hits).toBe(1);
    await sleep(350);
    expect((await rejectionOf(v.verify(token))).code).toBe('KEY_NOT_FOUND');
    expect(hits).toBe(2);
  });

  it('bounds fetches per cooldown across random kids', async () => {
    const v = verifier({ maxFetchesPerCooldown: 3, cooldownMs: 60_000 });
    const codes: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      codes.push((await rejectionOf(v.verify(albToken({ header: { kid: randomUUID() } })))).code);
    }
    expect(codes).toEqual([...Array(3).fill('KEY_NOT_FOUND'), ...Array(3).fill('IDP_UNAVAILABLE')]);
    expect(hits).toBe(3);
  });

  // The signer ARN and client id are not secret: anyone can name random kids. The ALB's next
  // key must still get through, and the key server must still see a bounded number of fetches.
  it('accepts a newly published key in the next cooldown despite a flood of random kids', async () => {
    const cooldownMs = 1500;
    const v = verifier({ maxFetchesPerCooldown: 3, cooldownMs });
    const rotated = pair();
    const newKid = randomUUID();
    pems.set(newKid, spki(rotated.publicKey));
    const real = () => albToken({ header: { kid: newKid }, key: rotated.privateKey });
    const random = () => albToken({ header: { kid: randomUUID() } });
    // Cooldown 1: the flood spends the budget first; the ALB's own traffic, now signed with
    // the new key, arrives among it (every 20th request) and is refused with a 503.
    const first = Array.from({ length: 200 }, (_, i) => (i % 20 === 19 ? real() : random()));
    const codes: Record<string, number> = {};
    for (const token of first) {
      const { code } = await rejectionOf(v.verify(token));
      codes[code] = (codes[code] ?? 0) + 1;
    }
    expect(codes).toEqual({ KEY_NOT_FOUND: 3, IDP_UNAVAILABLE: 197 });
    expect(hits).toBe(3);
    // Cooldown 2: the flood again takes the whole first-come budget before the real kid comes.
    const second = Array.from({ length: 100 }, random);
    await sleep(cooldownMs + 50);
    for (const token of second) await rejectionOf(v.verify(token));
    expect(hits).toBe(6);
    await expect(v.verify(real())).resolves.toMatchObject({ subject: 'user-1' });
    expect(hits).toBe(7);
    // Cached from now on; the flood still gets nothing more this cooldown.
    await expect(v.verify(real())).resolves.toMatchObject({ subject: 'user-1' });
    for (let i = 0; i < 20; i += 1) {
      expect((await rejectionOf(v.verify(random()))).code).toBe('IDP_UNAVAILABLE');
    }
    expect(hits).toBe(7);
  });

  it.each(['error', 'slow', 'garbage'] as const)(
    'answers 503 when the key server is %s',
    async (m) => {
      mode = m;
      const v = verifier();
      const started = Date.now();
      const error = await rejectionOf(v.verify(albToken()));
      expect(error).toBeInstanceOf(IdpUnavailableError);
      expect(error.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(1500);
      // The failure is remembered for the cooldown: no second request.
      expect((await rejectionOf(v.verify(albToken()))).code).toBe('IDP_UNAVAILABLE');
      expect(hits).toBe(1);
      mode = 'ok';
      await sleep(350);
      await expect(v.verify(albToken())).resolves.toMatchObject({ subject: 'user-1' });
    },
  );

  it('refuses a served key that is not EC P-256 SPKI', async () => {
    const other = randomUUID();
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    for (const pem of [
      spki(p384.publicKey),
      pair().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    ]) {
      pems.set(other, pem);
      const token = albToken({ header: { kid: other } });
      expect((await rejectionOf(verifier().verify(token))).code).toBe('IDP_UNAVAILABLE');
    }
  });
});

describe('options', () => {
  it.each([
    ['bad region', { region: 'us_east_1' }],
    ['albArn missing', { albArn: undefined }],
    ['clientId missing', { clientId: undefined }],
    ['empty albArn list', { albArn: [] }],
    ['ARN of another region', { region: 'eu-west-1' }],
    ['http key base off loopback', { keyBaseUrl: 'http://keys.example.com/' }],
    ['keyUrl with keyBaseUrl', { keyUrl: () => 'x', keyBaseUrl: 'http://127.0.0.1:1/' }],
    ['non-positive timeout', { timeoutMs: 0 }],
  ])('throws a TypeError for %s', (_name, patch) => {
    const base = { region: 'us-east-1', albArn: ARN, clientId: CLIENT };
    expect(() => createAlbVerifier({ ...base, ...patch } as AlbVerifierOptions)).toThrow(TypeError);
  });

  it('uses keyUrl and reports events', async () => {
    const events: string[] = [];
    const v = verifier({
      keyBaseUrl: undefined,
      keyUrl: (k) => `${baseUrl}${k}`,
      onEvent: (event) => events.push(event.type),
    });
    await v.verify(albToken());
    await rejectionOf(v.verify(albToken({ header: { client: 'x' } })));
    expect(events).toEqual(['jwks-fetch', 'verified', 'rejected']);
  });
});

// RFC 9449 §4.3 checks 1–7, before any claim is looked at: one compact proof of bounded size,
// `typ` `dpop+jwt`, an allowed asymmetric `alg` (never HMAC or none), no `crit`, and a `jwk`
// that is a public key fit for `alg`; then the signature, made with that key.
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { backend } from '#crypto-backend';
import { checkDpopProof, dpopPolicy } from '@tokengate/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Algorithm } from '../../src/lib/types.js';
import { codeOf, failure } from './check-helpers.js';
import {
  ACCESS_TOKEN,
  ath,
  present,
  proofKeyPair,
  REQUEST_URL,
  signJws,
  type ProofKeyPair,
} from './proof-signer.js';

const ALGORITHMS: readonly Algorithm[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

const pairs = new Map<Algorithm, ProofKeyPair>();
let es256: ProofKeyPair;
beforeAll(async () => {
  for (const alg of ALGORITHMS) pairs.set(alg, await proofKeyPair(alg));
  es256 = pairs.get('ES256')!;
});

const now = (): number => Date.now();
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const claims = () => ({
  jti: crypto.randomUUID(),
  htm: 'GET',
  htu: REQUEST_URL,
  iat: Math.floor(Date.now() / 1000),
  ath: ath(ACCESS_TOKEN),
});

describe('a DPoP proof', () => {
  it.each(ALGORITHMS)('signed with %s is accepted', async (alg) => {
    const result = checkDpopProof(dpopPolicy(undefined), present(pairs.get(alg)!), now());
    // Node with the memory store answers synchronously: no turn of the event loop.
    if (backend.name === 'node') expect(result).toBeUndefined();
    else expect(result).toBeInstanceOf(Promise);
    await result;
  });

  it('is checked the same way on the next request with the same key (cached import)', async () => {
    const policy = dpopPolicy({});
    for (let i = 0; i < 3; i += 1) await checkDpopProof(policy, present(es256), now());
    const other = await proofKeyPair('ES256');
    await checkDpopProof(policy, present(other), now());
    // A proof naming the cached key but signed by another key is still refused.
    const forged = present(other, { header: { jwk: es256.publicJwk } }, { jkt: es256.jkt });
    expect(await codeOf(() => checkDpopProof(policy, forged, now()))).toBe(
      'DPOP_SIGNATURE_INVALID',
    );
  });

  it('must be there', async () => {
    for (const proof of ['', undefined]) {
      const presentation = { ...present(es256), proof: proof as string };
      expect(await codeOf(() => checkDpopProof(dpopPolicy({}), presentation, now()))).toBe(
        'DPOP_PROOF_MISSING',
      );
    }
  });

  it('must be one proof, not a list of them', async () => {
    const presentation = present(es256);
    const joined = { ...presentation, proof: `${presentation.proof}, ${present(es256).proof}` };
    expect(await codeOf(() => checkDpopProof(dpopPolicy({}), joined, now()))).toBe(
      'DPOP_PROOF_DUPLICATE',
    );
  });

  it('must be at most 8 KiB', async () => {
    const policy = dpopPolicy({});
    const fits = present(es256, { claims: { pad: 'x'.repeat(5_500) } });
    expect(fits.proof.length).toBeLessThanOrEqual(8192);
    await checkDpopProof(policy, fits, now());
    const large = present(es256, { claims: { pad: 'x'.repeat(6_500) } });
    expect(large.proof.length).toBeGreaterThan(8192);
    const error = await failure(() => checkDpopProof(policy, large, now()));
    expect(error.code).toBe('DPOP_PROOF_INVALID');
    expect(error.detail).toMatchObject({ maxLength: 8192 });
  });

  it.each([
    ['two segments', (proof: string) => proof.split('.').slice(0, 2).join('.')],
    ['four segments', (proof: string) => `${proof}.AAAA`],
    ['a non-ASCII look-alike', (proof: string) => `\u0141${proof.slice(1)}`],
    ['padding', (proof: string) => `${proof}=`],
    [
      'a header that is not JSON',
      (proof: string) => `bm90IGpzb24${proof.slice(proof.indexOf('.'))}`,
    ],
    ['a JSON array payload', (proof: string) => proof.replace(/\.[^.]+\./, `.${b64([1])}.`)],
  ])('must be a compact JWS: %s is refused', async (_name, spoil) => {
    const presentation = present(es256);
    const spoiled = { ...presentation, proof: spoil(presentation.proof) };
    expect(await codeOf(() => checkDpopProof(dpopPolicy({}), spoiled, now()))).toBe(
      'DPOP_PROOF_INVALID',
    );
  });

  it.each(['dpop+jwt', 'DPoP+JWT', 'application/dpop+jwt'])('may have typ %s', async (typ) => {
    await checkDpopProof(dpopPolicy({}), present(es256, { header: { typ } }), now());
  });

  it.each([undefined, 'JWT', 'at+jwt', 'dpop', 'dpop+jwt ', 7])(
    'must not have typ %s',
    async (typ) => {
      const presentation = present(es256, { header: { typ } });
      expect(await codeOf(() => checkDpopProof(dpopPolicy({}), presentation, now()))).toBe(
        'DPOP_PROOF_INVALID',
      );
    },
  );

  it('is refused when signed with HMAC, whatever key it names', async () => {
    const secret = Buffer.from('a shared secret anyone may know!');
    const header = {
      typ: 'dpop+jwt',
      alg: 'HS256',
      jwk: { kty: 'oct', k: secret.toString('base64url') },
    };
    const input = `${b64(header)}.${b64(claims())}`;
    const proof = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
    const error = await failure(() =>
      checkDpopProof(dpopPolicy({}), { ...present(es256), proof }, now()),
    );
    expect(error.code).toBe('DPOP_ALG_NOT_ALLOWED');
    expect(error.status).toBe(401);
    expect(error.error).toBe('invalid_dpop_proof');
  });

  it('is refused with alg none, signed or not', async () => {
    const input = `${b64({ typ: 'dpop+jwt', alg: 'none', jwk: es256.publicJwk })}.${b64(claims())}`;
    const policy = dpopPolicy({});
    // RFC 7518 §3.6: an unsecured JWS has an empty signature, which is no compact proof at all.
    expect(
      await codeOf(() => checkDpopProof(policy, { ...present(es256), proof: `${input}.` }, now())),
    ).toBe('DPOP_PROOF_INVALID');
    const signed = `${input}.${signJws(es256, { alg: 'ES256' }, {}).split('.')[2]!}`;
    expect(
      await codeOf(() => checkDpopProof(policy, { ...present(es256), proof: signed }, now())),
    ).toBe('DPOP_ALG_NOT_ALLOWED');
  });

  it('must use an algorithm of the policy', async () => {
    const policy = dpopPolicy({ algorithms: ['ES256', 'EdDSA'] });
    await checkDpopProof(policy, present(pairs.get('EdDSA')!), now());
    expect(await codeOf(() => checkDpopProof(policy, present(pairs.get('RS256')!), now()))).toBe(
      'DPOP_ALG_NOT_ALLOWED',
    );
  });

  it('must not have critical header parameters', async () => {
    const presentation = present(es256, { header: { crit: ['exp'], exp: 1 } });
    expect(await codeOf(() => checkDpopProof(dpopPolicy({}), presentation, now()))).toBe(
      'DPOP_PROOF_INVALID',
    );
  });
});

describe('the proof key (jwk header)', () => {
  const refusedWith = async (jwk: unknown, pair: ProofKeyPair = es256): Promise<string> =>
    codeOf(() => checkDpopProof(dpopPolicy({}), present(pair, { header: { jwk } }), now()));

  it('must be there and be an object', async () => {
    for (const jwk of [undefined, null, 'key', [es256.publicJwk]]) {
      expect(await refusedWith(jwk)).toBe('DPOP_KEY_INVALID');
    }
  });

  it.each(['EC', 'RSA', 'OKP'] as const)('must not hold private members (%s)', async (kty) => {
    const pair = pairs.get(kty === 'EC' ? 'ES256' : kty === 'RSA' ? 'PS256' : 'EdDSA')!;
    const privateJwk = pair.privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
    expect(await refusedWith(privateJwk, pair)).toBe('DPOP_KEY_INVALID');
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']) {
      expect(await refusedWith({ ...pair.publicJwk, [member]: 'AQAB' }, pair), member).toBe(
        'DPOP_KEY_INVALID',
      );
    }
  });

  it('must be an asymmetric key the platform can use', async () => {
    expect(await refusedWith({ kty: 'oct', k: 'c2VjcmV0' })).toBe('DPOP_KEY_INVALID');
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const weakPair = { ...pairs.get('RS256')!, privateKey: weak.privateKey };
    expect(await refusedWith(weak.publicKey.export({ format: 'jwk' }), weakPair)).toBe(
      'DPOP_KEY_INVALID',
    );
    // A point off the curve (RFC 7518 §6.2.1; invalid-curve attacks).
    const offCurve = { ...es256.publicJwk, y: es256.publicJwk['x'] };
    expect(await refusedWith(offCurve)).toBe('DPOP_KEY_INVALID');
    const ed448 = generateKeyPairSync('ed448').publicKey.export({ format: 'jwk' });
    expect(await refusedWith(ed448, pairs.get('EdDSA')!)).toBe('DPOP_KEY_INVALID');
  });

  it('must fit the algorithm: key type and curve', async () => {
    // An RS256 proof naming an EC key, an ES384 proof naming a P-256 key.
    expect(await refusedWith(es256.publicJwk, pairs.get('RS256')!)).toBe('DPOP_KEY_INVALID');
    expect(await refusedWith(es256.publicJwk, pairs.get('ES384')!)).toBe('DPOP_KEY_INVALID');
    expect(await refusedWith(pairs.get('RS256')!.publicJwk, pairs.get('EdDSA')!)).toBe(
      'DPOP_KEY_INVALID',
    );
  });

  it('must be meant for signatures with this algorithm when it says so', async () => {
    const policy = dpopPolicy({});
    const marked = { ...es256.publicJwk, use: 'sig', alg: 'ES256', key_ops: ['verify'] };
    await checkDpopProof(policy, present(es256, { header: { jwk: marked } }), now());
    for (const jwk of [
      { ...es256.publicJwk, use: 'enc' },
      { ...es256.publicJwk, alg: 'ES384' },
      { ...es256.publicJwk, key_ops: ['encrypt'] },
    ]) {
      expect(await refusedWith(jwk)).toBe('DPOP_KEY_INVALID');
    }
  });

  it('must have made the signature', async () => {
    const other = await proofKeyPair('ES256');
    // Signed by `other`, naming es256's key: the signature does not verify with the named key.
    expect(
      await codeOf(() =>
        checkDpopProof(dpopPolicy({}), present(other, { header: { jwk: es256.publicJwk } }), now()),
      ),
    ).toBe('DPOP_SIGNATURE_INVALID');
    const genuine = present(es256);
    const [header, , signature] = genuine.proof.split('.');
    const tampered = `${header!}.${b64({ ...claims(), htm: 'GET' })}.${signature!}`;
    expect(
      await codeOf(() => checkDpopProof(dpopPolicy({}), { ...genuine, proof: tampered }, now())),
    ).toBe('DPOP_SIGNATURE_INVALID');
  });
});

// DPoP attack families on the proof itself (RFC 9449 §4.2, §4.3 checks 1–7): its form and size,
// its type, an HMAC or `none` where a public-key signature belongs, a `jwk` carrying private
// parts or not fit for the signature, a signature by another key, and another client's key.
import { createHash } from 'node:crypto';
import {
  dpopRequest,
  proofRefused,
  type DpopAttack,
  type DpopRequestSpec,
  type DpopWorld,
} from './dpop-kit.js';

/** A row whose one request is `dpopRequest(spec)`. */
const refused = (
  name: string,
  code: DpopAttack['code'],
  description: string,
  spec: (world: DpopWorld) => DpopRequestSpec,
  app?: DpopAttack['app'],
): DpopAttack => ({
  name,
  code,
  ...(app === undefined ? {} : { app }),
  request: (world, origin) => dpopRequest(world, origin, spec(world)),
  expected: proofRefused(description, app === 'nonce' ? 'ES256' : undefined),
});

const lines = (make: (proof: string) => readonly string[]) => () => ({ lines: make });
const header = (members: Record<string, unknown>) => () => ({ proof: { header: members } });
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
/** The proof with one character in the middle of its signature changed (same length). */
const tamper = (proof: string): string => {
  const at = proof.length - 20;
  return `${proof.slice(0, at)}${proof[at] === 'A' ? 'B' : 'A'}${proof.slice(at + 1)}`;
};

export const PROOF_FORM: readonly DpopAttack[] = [
  refused(
    'no DPoP header',
    'DPOP_PROOF_MISSING',
    'Request has no DPoP proof',
    lines(() => []),
  ),
  refused(
    'an empty DPoP header',
    'DPOP_PROOF_MISSING',
    'Request has no DPoP proof',
    lines(() => ['']),
  ),
  refused(
    'two DPoP header lines, both valid proofs of the same key',
    'DPOP_PROOF_DUPLICATE',
    'Request has more than one DPoP header',
    lines((proof) => [proof, proof]),
  ),
  refused(
    'two proofs joined in one line (a list)',
    'DPOP_PROOF_DUPLICATE',
    'The request must carry exactly one DPoP proof',
    lines((proof) => [`${proof}, ${proof}`]),
  ),
  refused(
    'an oversize proof (9000 bytes)',
    'DPOP_PROOF_INVALID',
    'DPoP proof is too large',
    lines(() => ['a'.repeat(9000)]),
  ),
  refused(
    'a proof past 8 KiB only through a padded header member',
    'DPOP_PROOF_INVALID',
    'DPoP proof is too large',
    header({ pad: 'x'.repeat(7000) }),
  ),
  refused(
    'not a JWS at all',
    'DPOP_PROOF_INVALID',
    'DPoP proof is not a compact JWS',
    lines(() => ['not-a-jws']),
  ),
  refused(
    'a JWS with four segments',
    'DPOP_PROOF_INVALID',
    'DPoP proof is not a compact JWS',
    lines((proof) => [`${proof}.AAAA`]),
  ),
  refused(
    'non-ASCII in the proof',
    'DPOP_PROOF_INVALID',
    'DPoP proof is not a compact JWS',
    lines((proof) => [`${proof}é`]),
  ),
  refused(
    'segments that are not base64url JSON',
    'DPOP_PROOF_INVALID',
    'DPoP proof is not a well-formed JWT',
    lines(() => ['aaa.bbb.ccc']),
  ),
  refused(
    'a header that is a JSON array',
    'DPOP_PROOF_INVALID',
    'DPoP proof is not a well-formed JWT',
    lines((proof) => [`${b64([1])}.${proof.split('.')[1]}.${proof.split('.')[2]}`]),
  ),
  refused(
    'typ JWT',
    'DPOP_PROOF_INVALID',
    'DPoP proof type must be dpop+jwt',
    header({ typ: 'JWT' }),
  ),
  refused(
    'typ at+jwt (an access token as a proof)',
    'DPOP_PROOF_INVALID',
    'DPoP proof type must be dpop+jwt',
    header({ typ: 'at+jwt' }),
  ),
  refused(
    'no typ',
    'DPOP_PROOF_INVALID',
    'DPoP proof type must be dpop+jwt',
    header({ typ: undefined }),
  ),
  refused(
    'typ with a media-type parameter',
    'DPOP_PROOF_INVALID',
    'DPoP proof type must be dpop+jwt',
    header({ typ: 'dpop+jwt; v=1' }),
  ),
  refused(
    'typ that is not a string',
    'DPOP_PROOF_INVALID',
    'DPoP proof type must be dpop+jwt',
    header({ typ: ['dpop+jwt'] }),
  ),
  refused(
    'a crit header (RFC 7515 §4.1.11)',
    'DPOP_PROOF_INVALID',
    'DPoP proof has critical header parameters',
    header({ crit: ['exp'], exp: 1 }),
  ),
];

const NOT_ALLOWED = 'DPoP proof algorithm is not allowed';
const hmac =
  (alg: 'HS256' | 'HS384' | 'HS512', secret: (world: DpopWorld) => string) =>
  (world: DpopWorld) => ({
    proof: { signWith: { alg, secret: secret(world) } },
  });

export const PROOF_ALG: readonly DpopAttack[] = [
  // RFC 8725 §3.1–3.2, RFC 9449 §4.3 check 4: an HMAC keyed with what an attacker knows
  // (the public key, the token) would verify if the JWK were taken as a MAC key.
  refused(
    'HS256 keyed with the public JWK',
    'DPOP_ALG_NOT_ALLOWED',
    NOT_ALLOWED,
    hmac('HS256', (w) => JSON.stringify(w.key.publicJwk)),
  ),
  refused(
    'HS256 keyed with the access token',
    'DPOP_ALG_NOT_ALLOWED',
    NOT_ALLOWED,
    hmac('HS256', (w) => w.bound),
  ),
  refused(
    'HS384 keyed with the JWK x coordinate',
    'DPOP_ALG_NOT_ALLOWED',
    NOT_ALLOWED,
    hmac('HS384', (w) => w.key.publicJwk['x'] ?? ''),
  ),
  refused(
    'HS512 keyed with anything',
    'DPOP_ALG_NOT_ALLOWED',
    NOT_ALLOWED,
    hmac('HS512', () => 'anything'),
  ),
  // An unsecured JWS ends with an empty signature: not the compact form of a signed proof.
  refused(
    'alg none, empty signature',
    'DPOP_PROOF_INVALID',
    'DPoP proof is not a compact JWS',
    () => ({ proof: { signWith: { alg: 'none' } } }),
  ),
  refused('alg none with a signature appended', 'DPOP_ALG_NOT_ALLOWED', NOT_ALLOWED, () => ({
    proof: { signWith: { alg: 'none' } },
    lines: (proof) => [`${proof}AAAA`],
  })),
  refused(
    'alg None (case variant) with a signature appended',
    'DPOP_ALG_NOT_ALLOWED',
    NOT_ALLOWED,
    () => ({
      proof: { signWith: { alg: 'none' }, header: { alg: 'None' } },
      lines: (proof) => [`${proof}AAAA`],
    }),
  ),
  refused('no alg', 'DPOP_ALG_NOT_ALLOWED', NOT_ALLOWED, header({ alg: undefined })),
  // The `nonce` app accepts ES256 only: a valid EdDSA proof is refused before its nonce is read.
  refused(
    'an algorithm outside dpop.algorithms',
    'DPOP_ALG_NOT_ALLOWED',
    NOT_ALLOWED,
    (w) => ({ key: w.ed, token: w.boundEd }),
    'nonce',
  ),
];

const PRIVATE = 'DPoP proof jwk must not hold a private key';
const NOT_FOR_THIS = 'DPoP proof jwk is not meant for this signature';

export const PROOF_KEY: readonly DpopAttack[] = [
  refused('a jwk that is the whole private key', 'DPOP_KEY_INVALID', PRIVATE, (w) => ({
    proof: { header: { jwk: w.key.privateKey.export({ format: 'jwk' }) } },
  })),
  refused('a jwk with only d added', 'DPOP_KEY_INVALID', PRIVATE, (w) => ({
    proof: { header: { jwk: { ...w.key.publicJwk, d: 'AAAA' } } },
  })),
  refused('a jwk with a null d', 'DPOP_KEY_INVALID', PRIVATE, (w) => ({
    proof: { header: { jwk: { ...w.key.publicJwk, d: null } } },
  })),
  refused(
    'an oct jwk (a shared secret)',
    'DPOP_KEY_INVALID',
    PRIVATE,
    header({ jwk: { kty: 'oct', k: 'c2VjcmV0' } }),
  ),
  refused('no jwk', 'DPOP_KEY_INVALID', 'DPoP proof has no jwk header', header({ jwk: undefined })),
  refused('a jwk that is a string', 'DPOP_KEY_INVALID', 'DPoP proof has no jwk header', (w) => ({
    proof: { header: { jwk: JSON.stringify(w.key.publicJwk) } },
  })),
  refused('a jwk marked use enc', 'DPOP_KEY_INVALID', NOT_FOR_THIS, (w) => ({
    proof: { header: { jwk: { ...w.key.publicJwk, use: 'enc' } } },
  })),
  refused('a jwk whose alg is another', 'DPOP_KEY_INVALID', NOT_FOR_THIS, (w) => ({
    proof: { header: { jwk: { ...w.key.publicJwk, alg: 'ES384' } } },
  })),
  refused('a jwk whose key_ops lack verify', 'DPOP_KEY_INVALID', NOT_FOR_THIS, (w) => ({
    proof: { header: { jwk: { ...w.key.publicJwk, key_ops: ['encrypt'] } } },
  })),
  // An invalid-curve point: right sizes, off P-256.
  refused(
    'an EC point off its curve',
    'DPOP_KEY_INVALID',
    'DPoP proof jwk is not a usable public key',
    (w) => ({
      proof: {
        header: { jwk: { ...w.key.publicJwk, y: Buffer.alloc(32, 1).toString('base64url') } },
      },
    }),
  ),
  refused(
    'a P-256 jwk under alg ES384',
    'DPOP_KEY_INVALID',
    'DPoP proof jwk does not fit its algorithm',
    header({ alg: 'ES384' }),
  ),
  refused(
    'an EC jwk under alg RS256',
    'DPOP_KEY_INVALID',
    'DPoP proof jwk does not fit its algorithm',
    header({ alg: 'RS256' }),
  ),
  // RFC 9449 §4.3 check 7: the signature must verify with the `jwk` the proof carries.
  refused(
    "the client's jwk, signed by another key",
    'DPOP_SIGNATURE_INVALID',
    'DPoP proof signature is invalid',
    (w) => ({ proof: { signWith: w.other } }),
  ),
  refused(
    'one signature character changed',
    'DPOP_SIGNATURE_INVALID',
    'DPoP proof signature is invalid',
    lines((proof) => [tamper(proof)]),
  ),
  // RFC 9449 §6.1: a valid proof of another key is no proof for a token bound to this one.
  refused(
    "another client's valid proof (thumbprint mismatch)",
    'DPOP_BINDING_MISMATCH',
    'DPoP proof key is not the key the token is bound to',
    (w) => ({ key: w.other }),
  ),
  refused(
    'a valid proof of an EdDSA key the token is not bound to',
    'DPOP_BINDING_MISMATCH',
    'DPoP proof key is not the key the token is bound to',
    (w) => ({ key: w.ed }),
  ),
];

/** base64url(SHA-256(token)): `ath` (RFC 9449 §4.2). */
export const ath = (token: string): string =>
  createHash('sha256').update(token, 'ascii').digest('base64url');

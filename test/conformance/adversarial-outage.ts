// Hostile tokens while an issuer's JWKS is unreachable: the outage answers 503 (never an
// invalid_token, never keys taken from the token instead), and whatever can be refused
// without keys is still refused first, as a 401.
import { hmacSigner, rsaSigner } from './attack-tokens.js';
import {
  accessClaims,
  D,
  invalidToken,
  me,
  rs256,
  unavailable,
  type AdversarialScenario,
  type AttackContext,
} from './adversarial-kit.js';

/** Claims pool "down", signed by the attacker, with every key-locating header filled in. */
const attackerForDown = (c: AttackContext, header: Record<string, unknown>): string =>
  rs256(c.down, accessClaims(c.down), {
    header: { jku: c.trap.jwksUrl, jwk: c.attacker.rsa.jwk, ...header },
    signer: rsaSigner(c.attacker.rsa.privateKey),
  });

export const OUTAGE_SCENARIOS: readonly AdversarialScenario[] = [
  {
    name: 'IdP down: an honest token answers 503',
    request: (c) => me(rs256(c.down, accessClaims(c.down))),
    expected: unavailable,
  },
  {
    name: 'IdP down: attacker token with jku and jwk does not fall back to header keys',
    request: (c) => me(attackerForDown(c, { kid: c.attacker.rsa.kid })),
    expected: unavailable,
  },
  {
    name: 'IdP down: attacker token without kid does not fall back to header keys',
    request: (c) => me(attackerForDown(c, { kid: undefined })),
    expected: unavailable,
  },
  {
    name: 'IdP down: alg none is still refused before any fetch',
    request: (c) => me(attackerForDown(c, { alg: 'none' })),
    expected: invalidToken(D.alg),
  },
  {
    name: 'IdP down: HS256 keyed with the issuer public key is still refused',
    request: (c) =>
      me(
        rs256(c.down, accessClaims(c.down), {
          header: { alg: 'HS256' },
          signer: hmacSigner(
            c.down.key.publicKey.export({ type: 'spki', format: 'pem' }),
            'sha256',
          ),
        }),
      ),
    expected: invalidToken(D.alg),
  },
  {
    name: 'IdP down: unknown crit is still refused',
    request: (c) => me(attackerForDown(c, { crit: ['exp'] })),
    expected: invalidToken(D.crit),
  },
];

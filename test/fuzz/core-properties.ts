// Properties of the core verifier, run in-process: (i) a mutated token is never accepted
// unless the mutation is neutral (see `neutrality`), (ii) every rejection is a well-formed
// TokengateError (see `verdictOf`), never a 503 while the IdP is up, and two differently built
// verifiers (token cache + event loop, no cache + thread pool) always reach the same verdict.
import { createVerifier, type VerifiedToken, type Verifier } from '@tokengate/core';
import fc from 'fast-check';
import {
  headerMutations,
  payloadMutations,
  signedVariants,
  type SignedCase,
} from './json-mutations.js';
import { b64u, characterMutations, structureMutations, type TokenCase } from './mutations.js';
import { signatureMutations } from './signature-mutations.js';
import {
  FuzzViolation,
  neutrality,
  verdictOf,
  type FuzzProperty,
  type Neutrality,
  type Tally,
  type Verdict,
} from './oracle.js';
import type { FuzzWorld } from './world.js';

/** Strings made from scratch: any characters, dotted random bytes, plausible JSON, huge. */
export function arbitraryTokens(world: FuzzWorld): fc.Arbitrary<TokenCase> {
  const segment = fc.uint8Array({ maxLength: 80 }).map(b64u);
  const json = (value: unknown): string => JSON.stringify(value) ?? 'null';
  const plausible = fc
    .record({
      alg: fc.constantFrom('RS256', 'PS256', 'ES256', 'EdDSA', 'none', 'HS256'),
      kid: fc.option(fc.constantFrom(...world.kids), { nil: undefined }),
      iss: fc.constantFrom(world.oidc.issuer, world.pool.issuer),
      extra: fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), {
        maxKeys: 4,
      }),
      signature: fc.oneof(
        fc
          .constantFrom(64, 256)
          .chain((length) => fc.uint8Array({ minLength: length, maxLength: length })),
        fc.uint8Array({ maxLength: 300 }),
      ),
    })
    .map(({ alg, kid, iss, extra, signature }) => {
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        ...extra,
        iss,
        sub: 'x',
        aud: world.oidc.audience,
        token_use: 'access',
        client_id: world.pool.clientId,
        exp: now + 600,
      };
      return `${b64u(json({ alg, kid }))}.${b64u(json(claims))}.${b64u(signature)}`;
    });
  return fc
    .oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({ unit: 'grapheme', maxLength: 100 }),
      fc.stringMatching(/^[A-Za-z0-9_.~+/=-]{0,300}$/),
      fc.tuple(segment, segment, segment).map((parts) => parts.join('.')),
      fc
        .tuple(fc.jsonValue(), fc.jsonValue(), fc.uint8Array({ maxLength: 300 }))
        .map(
          ([header, payload, signature]) =>
            `${b64u(json(header))}.${b64u(json(payload))}.${b64u(signature)}`,
        ),
      plausible,
      // Around the size limit (16384 by default), before and after decoding would matter.
      fc
        .integer({ min: 16_370, max: 16_400 })
        .map((length) => `${'e30.'}${'A'.repeat(length - 8)}.AAAA`),
      fc.integer({ min: 16_385, max: 200_000 }).map((length) => 'A'.repeat(length)),
    )
    .map((mutant) => ({ base: undefined, how: 'a string made from scratch', mutant }));
}

/** Mutations of valid tokens, by property name; each case is checked by `checkTokenCase`. */
const MUTATIONS = {
  'core: character edits (flip, insert, delete, replace)': characterMutations,
  'core: segment swaps and structure': structureMutations,
  'core: header re-encoded (alg, kid, crit, typ, extra keys)': headerMutations,
  'core: payload re-encoded (every claim, wrong types, huge numbers)': payloadMutations,
  'core: signature bytes (truncated, extended, flipped, DER, zero R/S)': signatureMutations,
  'core: strings made from scratch': arbitraryTokens,
} as const satisfies Record<string, (world: FuzzWorld) => fc.Arbitrary<TokenCase>>;

const SIGNED = 'core: validly signed tokens with edited claims (checks after the signature)';

export const CORE_PROPERTY_NAMES = [
  ...Object.keys(MUTATIONS),
  SIGNED,
] as readonly CorePropertyName[];
export type CorePropertyName = keyof typeof MUTATIONS | typeof SIGNED;

/**
 * The verifiers every core case runs through: the world's, and one built the other way (no
 * cache, and on node:crypto the thread pool, which the Web Crypto backend does not have:
 * vitest.webcrypto.config.ts says which backend runs).
 */
export function coreVerifiers(world: FuzzWorld): readonly Verifier[] {
  const threadPool = process.env['TOKENGATE_CRYPTO_BACKEND'] !== 'web';
  return [world.verifier, createVerifier({ ...world.verifierOptions, cache: false, threadPool })];
}

export function coreProperty(
  name: CorePropertyName,
  world: FuzzWorld,
  verifiers: readonly Verifier[],
  tally: Tally,
): FuzzProperty {
  if (name === SIGNED) {
    return fc.asyncProperty(signedVariants(world), (signedCase) =>
      checkSignedCase(world, verifiers, tally, signedCase),
    );
  }
  return fc.asyncProperty(MUTATIONS[name](world), (tokenCase) =>
    checkTokenCase(world, verifiers, tally, tokenCase),
  );
}

/** The most neutral relation of `mutant` to any valid token of the world. */
export function neutralityAmong(
  world: FuzzWorld,
  base: TokenCase['base'],
  mutant: string,
): Neutrality {
  const candidates = base === undefined ? world.tokens : [base, ...world.tokens];
  let best: Neutrality = 'changed';
  for (const { token } of candidates) {
    const relation = neutrality(token, mutant);
    if (relation === 'identical') return relation;
    if (relation === 'non-canonical-signature') best = relation;
  }
  return best;
}

const outcomeOf = (verdict: Verdict): string =>
  verdict.accepted ? 'accepted' : verdict.error.code;

export async function checkTokenCase(
  world: FuzzWorld,
  verifiers: readonly Verifier[],
  tally: Tally,
  { base, how, mutant }: TokenCase,
): Promise<void> {
  tally.cases += 1;
  const verdict = await verdictsOf(verifiers, mutant, how);
  // Swapping segments between valid tokens can rebuild another valid token (the OIDC ID tokens
  // of different keys share one payload), so neutrality is judged against every valid token.
  const neutral = neutralityAmong(world, base, mutant);
  if (verdict.accepted) {
    if (neutral === 'changed')
      throw new FuzzViolation(`a mutated token was accepted (${how}): ${mutant}`);
    tally.count(`accepted (${neutral})`);
    return;
  }
  const { code, status } = verdict.error;
  if (status >= 500) throw new FuzzViolation(`${code} (${status}) while the IdP is up (${how})`);
  if (neutral === 'identical')
    throw new FuzzViolation(`an unchanged token was rejected: ${code} (${how})`);
  tally.count(neutral === 'changed' ? code : `${code} (${neutral})`);
}

async function verdictsOf(
  verifiers: readonly Verifier[],
  token: string,
  how: string,
): Promise<Verdict> {
  const verdicts: Verdict[] = [];
  for (const verifier of verifiers)
    verdicts.push(await verdictOf(token, (t) => verifier.verify(t)));
  const verdict = verdicts[0] as Verdict;
  for (const other of verdicts.slice(1)) {
    if (outcomeOf(other) !== outcomeOf(verdict)) {
      throw new FuzzViolation(
        `verifiers disagree: ${verdicts.map(outcomeOf).join(' vs ')} (${how})`,
      );
    }
  }
  return verdict;
}

/**
 * A token the issuer really signed may be accepted only if its header and claims pass the
 * rules a reference reading of RFC 7515/7519 and the presets gives (with one second of slack
 * around each time bound, so the clock cannot flake the verdict).
 */
export async function checkSignedCase(
  world: FuzzWorld,
  verifiers: readonly Verifier[],
  tally: Tally,
  signedCase: SignedCase,
): Promise<void> {
  tally.cases += 1;
  const verdict = await verdictsOf(verifiers, signedCase.mutant, signedCase.how);
  if (!verdict.accepted) {
    const { code, status } = verdict.error;
    if (status >= 500)
      throw new FuzzViolation(`${code} (${status}) while the IdP is up (${signedCase.how})`);
    tally.count(code);
    return;
  }
  const problem = whyNotAcceptable(world, signedCase, verdict.result);
  if (problem !== undefined) {
    throw new FuzzViolation(
      `a token with ${problem} was accepted (${signedCase.how}): ${signedCase.mutant}`,
    );
  }
  tally.count('accepted (re-signed by the issuer, claims valid)');
}

const TOLERANCE = 5;
const SLACK = 1;

function whyNotAcceptable(
  world: FuzzWorld,
  { base, header, claims }: SignedCase,
  result: VerifiedToken,
): string | undefined {
  if (base === undefined) return 'no base token';
  if (!isObject(header) || !isObject(claims))
    return 'a header or payload that is not a JSON object';
  const now = Date.now() / 1000;
  const cognito = claims.iss === world.pool.issuer;
  if (claims.iss !== base.issuer)
    return `iss ${JSON.stringify(claims.iss)} signed by another issuer's key`;
  if (header.alg !== base.alg)
    return `alg ${JSON.stringify(header.alg)} on a ${base.alg} signature`;
  if (header.crit !== undefined) return 'a crit header';
  if (header.kid !== undefined && header.kid !== base.kid)
    return `kid ${JSON.stringify(header.kid)}`;
  const { exp, nbf, iat, sub } = claims;
  if (typeof exp !== 'number' || !Number.isFinite(exp) || exp <= now - TOLERANCE - SLACK)
    return `exp ${String(exp)}`;
  for (const [name, value] of [
    ['nbf', nbf],
    ['iat', iat],
  ] as const) {
    if (
      value !== undefined &&
      (typeof value !== 'number' || !Number.isFinite(value) || value > now + TOLERANCE + SLACK)
    ) {
      return `${name} ${String(value)}`;
    }
  }
  if (sub !== undefined && typeof sub !== 'string') return `sub ${JSON.stringify(sub)}`;
  const audiences =
    typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
  if (cognito) {
    if (claims.token_use === 'access' && claims.client_id !== world.pool.clientId)
      return 'a foreign client_id';
    if (claims.token_use === 'id' && !audiences.includes(world.pool.clientId))
      return 'a foreign aud';
    if (claims.token_use !== 'access' && claims.token_use !== 'id')
      return `token_use ${JSON.stringify(claims.token_use)}`;
  } else if (!audiences.includes(world.oidc.audience) && !audiences.includes(world.oidc.clientId)) {
    return `aud ${JSON.stringify(claims.aud)}`;
  }
  if (result.issuer !== claims.iss || result.subject !== sub)
    return 'a result that does not match its claims';
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

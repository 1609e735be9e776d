// The fixed world every fuzz property starts from: a local OIDC issuer with one key per
// algorithm family (RS256, PS256, ES256, EdDSA), a local Cognito pool (RS256), the valid tokens
// they mint, a verifier that trusts both, and an attacker's own keys for forged signatures.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  cognitoIssuer,
  createVerifier,
  oidcIssuer,
  type Verifier,
  type VerifierOptions,
} from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';

/** The algorithms the fuzzed tokens are signed with. */
export const FUZZ_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;
export type FuzzAlgorithm = (typeof FUZZ_ALGORITHMS)[number];

/** A token the verifier accepts as is: every property mutates one of these. */
export interface BaseToken {
  readonly name: string;
  readonly token: string;
  readonly alg: FuzzAlgorithm;
  /** `sub` of the token, as the adapters' handlers echo it. */
  readonly sub: string;
  /** The issuer key that signed it, for properties that sign edited claims on purpose. */
  readonly privateKey: KeyObject;
  /** `kid` of that key (the token itself may carry none). */
  readonly kid: string;
  /** `iss` of the token: the issuer whose key signed it. */
  readonly issuer: string;
}

export interface FuzzWorld {
  readonly oidc: TestIssuer;
  readonly pool: TestIssuer;
  readonly tokens: readonly BaseToken[];
  readonly verifierOptions: VerifierOptions;
  readonly verifier: Verifier;
  /** kids of every published key, for header mutations. */
  readonly kids: readonly string[];
  /** Public keys of the issuers (PEM and JWK text), for HMAC key-confusion attempts. */
  readonly publicKeyTexts: readonly string[];
  /** Keys that belong to nobody the verifier trusts. */
  readonly attackerKeys: Readonly<Record<FuzzAlgorithm, KeyObject>>;
  close(): Promise<void>;
}

export const FUZZ_SUB = 'fuzz-subject';

export async function createWorld(): Promise<FuzzWorld> {
  const oidc = await createTestIssuer({ kind: 'oidc', alg: 'RS256' });
  const pool = await createTestIssuer({ kind: 'cognito', userPoolId: 'us-east-1_Fuzz' });
  const kidOf: Record<FuzzAlgorithm, string> = {
    RS256: oidc.currentKid,
    PS256: await oidc.addKey({ alg: 'PS256' }),
    ES256: await oidc.addKey({ alg: 'ES256' }),
    EdDSA: await oidc.addKey({ alg: 'EdDSA' }),
  };

  const privateKeyOf = (issuer: TestIssuer, kid: string): KeyObject => {
    const key = issuer.keys().find((candidate) => candidate.kid === kid);
    if (key === undefined) throw new Error(`fuzz world: no key ${kid}`);
    return key.privateKey;
  };
  const tokens: BaseToken[] = [];
  const add = async (
    name: string,
    issuer: TestIssuer,
    alg: FuzzAlgorithm,
    kid: string,
    sub: string,
    mint: Promise<string>,
  ): Promise<void> => {
    tokens.push({
      name,
      alg,
      kid,
      sub,
      issuer: issuer.issuer,
      token: await mint,
      privateKey: privateKeyOf(issuer, kid),
    });
  };
  const user = { sub: FUZZ_SUB, groups: ['admin'], scopes: ['orders:read', 'orders:write'] };
  for (const alg of FUZZ_ALGORITHMS) {
    const kid = kidOf[alg];
    await add(`oidc ${alg} access`, oidc, alg, kid, FUZZ_SUB, oidc.accessToken({ ...user, kid }));
    await add(`oidc ${alg} id`, oidc, alg, kid, FUZZ_SUB, oidc.idToken({ sub: FUZZ_SUB, kid }));
    // Without a kid the verifier must find the single key that fits the algorithm.
    await add(
      `oidc ${alg} access without kid`,
      oidc,
      alg,
      kid,
      FUZZ_SUB,
      oidc.accessToken({ ...user, kid, header: { kid: undefined } }),
    );
  }
  const poolKid = pool.currentKid;
  await add('cognito RS256 access', pool, 'RS256', poolKid, FUZZ_SUB, pool.accessToken(user));
  await add(
    'cognito RS256 id',
    pool,
    'RS256',
    poolKid,
    FUZZ_SUB,
    pool.idToken({ sub: FUZZ_SUB, groups: ['admin'] }),
  );
  await add(
    'cognito RS256 m2m',
    pool,
    'RS256',
    poolKid,
    pool.clientId,
    pool.m2mToken({ scopes: ['orders-api/orders.read'] }),
  );

  const verifierOptions: VerifierOptions = {
    issuers: [
      oidcIssuer({
        issuer: oidc.issuer,
        jwksUri: oidc.jwksUri,
        // Access tokens are for the API, ID tokens name the client: both are accepted here.
        audience: [oidc.audience, oidc.clientId],
      }),
      cognitoIssuer({
        userPoolId: pool.userPoolId ?? '',
        clientId: pool.clientId,
        issuerOverride: pool.issuer,
        tokenUse: 'both',
      }),
    ],
  };
  const verifier = createVerifier(verifierOptions);
  for (const { token, name } of tokens) {
    await verifier.verify(token).catch((error: unknown) => {
      throw new Error(`fuzz world: base token "${name}" does not verify`, { cause: error });
    });
  }

  const publicKeyTexts: string[] = [];
  for (const key of [...oidc.keys(), ...pool.keys()]) {
    publicKeyTexts.push(
      key.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      JSON.stringify(key.publicJwk),
    );
  }

  return {
    oidc,
    pool,
    tokens,
    verifierOptions,
    verifier,
    kids: [...oidc.keys(), ...pool.keys()].map((key) => key.kid),
    publicKeyTexts,
    attackerKeys: {
      RS256: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
      PS256: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
      ES256: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey,
      EdDSA: generateKeyPairSync('ed25519').privateKey,
    },
    async close() {
      await Promise.all([oidc.close(), pool.close()]);
    },
  };
}

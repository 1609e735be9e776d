// Shared world of the DPoP conformance and adversarial tables (RFC 9449): one issuer, the
// client's keys, tokens bound to them, the apps each table starts per adapter, the exact
// answers tokengate gives, and a builder of DPoP requests that rows bend one way.
import {
  createGate,
  isTokengateError,
  oidcIssuer,
  type DpopOptions,
  type GateOptions,
  type TokengateErrorCode,
} from '@tokengate/core';
import {
  createDpopKey,
  createTestIssuer,
  type DpopKey,
  type DpopProofOptions,
  type TestIssuer,
} from '@tokengate/testing';
import { expect } from 'vitest';
import { startApp, type AdapterName, type RunningApp } from './apps.js';
import { DEFAULT_DPOP_ALGS } from '../support/challenges.js';
import type { RawRequest, RawResponse } from '../support/raw-http-client.js';
import { REALM, USER_SUB, type Expected } from './scenarios.js';

export { REALM, USER_SUB } from './scenarios.js';

export const ADAPTERS: readonly AdapterName[] = [
  'express',
  'koa',
  'fastify',
  'hono',
  'nestjs',
  'nestjs-fastify',
];

/** The default `dpop.algorithms`, as the `DPoP` challenge lists them (RFC 9449 §7.1). */
export const ALGS = DEFAULT_DPOP_ALGS;

/**
 * The nonce apps' shared secret (at least 32 bytes): every adapter's nonce app issues and
 * accepts the same nonces, as the servers of a fleet would (RFC 9449 §8).
 */
const NONCE_SECRET = 'conformance-nonce-secret-0123456789abcdef';

export interface DpopWorld {
  readonly idp: TestIssuer;
  /** The client's ES256 key; `bound` and `boundAdmin` name it in `cnf.jkt`. */
  readonly key: DpopKey;
  /** Another client's ES256 key, bound to nothing here. */
  readonly other: DpopKey;
  /** An EdDSA key and `boundEd`, a token bound to it. */
  readonly ed: DpopKey;
  /** scopes [orders:read], bound to `key`. */
  readonly bound: string;
  /** scopes [orders:read orders:write], bound to `key`. */
  readonly boundAdmin: string;
  readonly boundEd: string;
  /** A bearer token: no `cnf`. */
  readonly plain: string;
}

export async function createDpopWorld(): Promise<DpopWorld> {
  const idp = await createTestIssuer();
  const [key, other, ed] = await Promise.all([
    createDpopKey(),
    createDpopKey(),
    createDpopKey({ alg: 'EdDSA' }),
  ]);
  const user = { sub: USER_SUB, scopes: ['orders:read'] };
  return {
    idp,
    key,
    other,
    ed,
    bound: await idp.accessToken({ ...user, dpop: key }),
    boundAdmin: await idp.accessToken({
      ...user,
      scopes: ['orders:read', 'orders:write'],
      dpop: key,
    }),
    boundEd: await idp.accessToken({ ...user, dpop: ed }),
    plain: await idp.accessToken(user),
  };
}

/**
 * The gates the tables run against: the default (`allowed`), `required`, `disabled`, server
 * nonces (with ES256 alone, to see `algs` follow the option), and replay stores that fail:
 * one throws, one never answers (RFC 9449 §11.1: neither may let a proof through).
 */
export type DpopApp = 'allowed' | 'required' | 'disabled' | 'nonce' | 'storeDown' | 'storeHang';

const DPOP: Readonly<Record<DpopApp, DpopOptions | undefined>> = {
  allowed: undefined,
  required: { mode: 'required' },
  disabled: { mode: 'disabled' },
  nonce: { algorithms: ['ES256'], nonce: { secret: NONCE_SECRET } },
  storeDown: {
    replayStore: {
      remember: () => {
        throw new Error('replay store down');
      },
    },
  },
  storeHang: {
    replayStore: { remember: () => new Promise<boolean>(() => {}) },
    replayTimeoutMs: 100,
  },
};

export function dpopGateOptions(world: DpopWorld, app: DpopApp): GateOptions {
  const { idp } = world;
  const dpop = DPOP[app];
  return {
    realm: REALM,
    issuers: [oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience })],
    ...(dpop === undefined ? {} : { dpop }),
  };
}

/** Starts every `app` on every adapter; keys are `app:adapter`. */
export async function startDpopApps(
  world: DpopWorld,
  apps: readonly DpopApp[],
): Promise<Map<string, RunningApp>> {
  const running = new Map<string, RunningApp>();
  await Promise.all(
    apps.flatMap((app) =>
      ADAPTERS.map(async (adapter) => {
        running.set(`${app}:${adapter}`, await startApp(adapter, dpopGateOptions(world, app)));
      }),
    ),
  );
  return running;
}

// ---- Requests ---------------------------------------------------------------------------

export interface DpopRequestSpec {
  /** Default `world.bound`. */
  readonly token?: string;
  /** The `Authorization` scheme; default `DPoP`. */
  readonly scheme?: string;
  /** Signs the proof; default `world.key`. */
  readonly key?: DpopKey;
  readonly method?: 'GET' | 'POST';
  /** Path and query; default `/me`. */
  readonly path?: string;
  /** Merged over the proof's options: `url`, `method`, `accessToken`, `header`, `claims`, … */
  readonly proof?: Partial<DpopProofOptions>;
  /** The `DPoP` header lines made of the proof; default one line holding it. */
  readonly lines?: (proof: string) => readonly string[];
}

/**
 * A request with `Authorization: DPoP <token>` and a proof for it, as a client sends it: by
 * default the client's `key` and the token `bound` to it.
 */
export async function dpopRequest(
  world: Pick<DpopWorld, 'key' | 'bound'>,
  origin: string,
  spec: DpopRequestSpec = {},
): Promise<RawRequest> {
  const token = spec.token ?? world.bound;
  const method = spec.method ?? 'GET';
  const path = spec.path ?? '/me';
  const proof = await (spec.key ?? world.key).proof({
    method,
    url: `${origin}${path}`,
    accessToken: token,
    ...spec.proof,
  });
  const lines = spec.lines?.(proof) ?? [proof];
  return {
    method,
    path,
    headers: [
      ['Authorization', `${spec.scheme ?? 'DPoP'} ${token}`],
      ...lines.map((line): [string, string] => ['DPoP', line]),
    ],
  };
}

// ---- Exact answers ----------------------------------------------------------------------

export const ok = (route = '/me', sub: string | null = USER_SUB): Expected => ({
  status: 200,
  challenge: null,
  body: { route, sub },
});

const errorBody = (error: string, description: string) => ({
  error,
  error_description: description,
});

/** 401 `invalid_dpop_proof` (RFC 9449 §7.1): the error in the `DPoP` challenge, `Bearer` offered. */
export const proofRefused = (description: string, algs = ALGS): Expected => ({
  status: 401,
  challenge: `Bearer realm="${REALM}", DPoP realm="${REALM}", error="invalid_dpop_proof", error_description="${description}", algs="${algs}"`,
  body: errorBody('invalid_dpop_proof', description),
});

/** 401 `invalid_token` for a request made with the `DPoP` scheme: the error in its challenge. */
export const tokenRefusedInDpop = (description: string): Expected => ({
  status: 401,
  challenge: `Bearer realm="${REALM}", DPoP realm="${REALM}", error="invalid_token", error_description="${description}", algs="${ALGS}"`,
  body: errorBody('invalid_token', description),
});

/** 401 `invalid_token` for a request made with the `Bearer` scheme, `DPoP` offered. */
export const tokenRefusedInBearer = (description: string): Expected => ({
  status: 401,
  challenge: `Bearer realm="${REALM}", error="invalid_token", error_description="${description}", DPoP realm="${REALM}", algs="${ALGS}"`,
  body: errorBody('invalid_token', description),
});

/** What every answer is compared on: status, the whole `WWW-Authenticate`, the JSON body. */
export function expectAnswer(response: RawResponse, expected: Expected): void {
  expect({
    status: response.status,
    challenge: response.headers['www-authenticate'] ?? null,
    body: JSON.parse(response.body) as unknown,
  }).toEqual({ status: expected.status, challenge: expected.challenge, body: expected.body });
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  for (const [name, value] of Object.entries(expected.headers ?? {}))
    expect(response.headers[name], name).toBe(value);
}

/**
 * The stable `code` the gate itself throws for `request` (as if it arrived on `port`): the
 * body carries only the OAuth `error`, so the tables check each row's code here, once.
 */
export async function gateCode(
  world: DpopWorld,
  app: DpopApp,
  port: number,
  requests: readonly RawRequest[],
): Promise<TokengateErrorCode | null> {
  // Body tokens as the adapters' apps have them (test/conformance/apps.ts): not where DPoP is
  // required, since a body token is a bearer token.
  const gate = createGate({
    ...dpopGateOptions(world, app),
    optional: true,
    ...(app === 'required' ? {} : { allowBodyToken: true }),
  });
  try {
    for (const request of requests) {
      const rawHeaders = ['Host', `127.0.0.1:${port}`, ...(request.headers ?? []).flat()];
      const method = request.method ?? 'GET';
      // A form body as the adapters' body parsers hand it over (RFC 6750 §2.2).
      const body =
        request.body === undefined
          ? undefined
          : Object.fromEntries(new URLSearchParams(request.body));
      // `/me` needs a token: what an adapter's authorize() adds after an optional authenticate.
      gate.authorize(await gate.authenticate({ rawHeaders, url: request.path, method, body }));
    }
    return null;
  } catch (error) {
    if (isTokengateError(error)) return error.code;
    throw error;
  } finally {
    await gate.close();
  }
}

/** One row of the adversarial DPoP tables. */
export interface DpopAttack {
  readonly name: string;
  /** The gate it runs against; default `allowed`. */
  readonly app?: DpopApp;
  /** The stable code the gate throws (checked on the gate itself; see `gateCode`). */
  readonly code: TokengateErrorCode;
  /**
   * The requests, sent in order over one app: every one but the last must be answered 200 (a
   * replay's original), the last as `expected`.
   */
  readonly request: (world: DpopWorld, origin: string) => Promise<RawRequest | RawRequest[]>;
  readonly expected: Expected;
}

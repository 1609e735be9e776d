// The conformance table's step-up rows (RFC 9470): a valid token whose sign-in is too old or
// too weak answers 401 `insufficient_user_authentication` with what a new sign-in must meet
// (`max_age`, `acr_values`), and a 403 when no new sign-in could help; the same on every adapter.
import {
  acrIn,
  allScopes,
  amrIncludes,
  and,
  anyGroup,
  authenticatedWithin,
  oidcIssuer,
  or,
} from '@tokengate/core';
import { createDpopKey, type DpopKey, type TestIssuer, createTestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startApp, type ProtectedRoute, type RunningApp } from './apps.js';
import { ADAPTERS, ALGS, dpopRequest, expectAnswer, ok, REALM, USER_SUB } from './dpop-kit.js';
import type { Expected } from './scenarios.js';
import { sendRaw, type RawRequest } from '../support/raw-http-client.js';

const ROUTES: readonly ProtectedRoute[] = [
  { method: 'GET', path: '/recent', rule: authenticatedWithin(300) },
  { method: 'GET', path: '/phr', rule: acrIn('phr', 'phrh') },
  { method: 'GET', path: '/mfa', rule: amrIncludes('mfa') },
  {
    method: 'GET',
    path: '/mfa-hinted',
    rule: amrIncludes('mfa', { acrValues: 'urn:example:mfa' }),
  },
  // and(): the step-ups merge (the smallest max_age, the acr values both accept).
  {
    method: 'GET',
    path: '/strong-recent',
    rule: and(
      acrIn('phr', 'phrh'),
      authenticatedWithin(600),
      authenticatedWithin(300),
      acrIn('phrh', 'phr'),
    ),
  },
  // A refusal no sign-in can fix stays a 403.
  { method: 'GET', path: '/admin-strong', rule: and(anyGroup('admin'), acrIn('phr')) },
  { method: 'GET', path: '/scoped-strong', rule: and(allScopes('orders:write'), acrIn('phr')) },
  { method: 'GET', path: '/no-common', rule: and(acrIn('a'), acrIn('b')) },
  // or(): the first alternative a sign-in can meet is the one asked for.
  { method: 'GET', path: '/either', rule: or(anyGroup('admin'), acrIn('phr'), amrIncludes('hwk')) },
];

const DESCRIPTION = 'A more recent or stronger user authentication is required';
/** RFC 9470 §3: the attributes in the Bearer challenge, the DPoP scheme offered after it. */
const stepUp = (attributes: string): Expected => ({
  status: 401,
  challenge: `Bearer realm="${REALM}", error="insufficient_user_authentication", error_description="${DESCRIPTION}"${attributes}, DPoP realm="${REALM}", algs="${ALGS}"`,
  body: { error: 'insufficient_user_authentication', error_description: DESCRIPTION },
});
const denied: Expected = {
  status: 403,
  challenge: `Bearer realm="${REALM}", error="access_denied", error_description="Token does not grant access to this resource", DPoP realm="${REALM}", algs="${ALGS}"`,
  body: {
    error: 'access_denied',
    error_description: 'Token does not grant access to this resource',
  },
};

type Claims = Record<string, unknown>;
interface StepUpScenario {
  readonly name: string;
  readonly path: string;
  readonly claims: Claims;
  readonly expected: Expected;
}

const now = (): number => Math.floor(Date.now() / 1000);
const fresh = (): Claims => ({ auth_time: now() - 10 });
const stale = (): Claims => ({ auth_time: now() - 3600 });

const SCENARIOS: readonly (Omit<StepUpScenario, 'claims'> & { claims: () => Claims })[] = [
  { name: 'a sign-in within max_age', path: '/recent', claims: fresh, expected: ok('/recent') },
  {
    name: 'a sign-in an hour ago',
    path: '/recent',
    claims: stale,
    expected: stepUp(', max_age="300"'),
  },
  {
    name: 'no auth_time',
    path: '/recent',
    claims: () => ({}),
    expected: stepUp(', max_age="300"'),
  },
  {
    name: 'auth_time as a string',
    path: '/recent',
    claims: () => ({ auth_time: String(now()) }),
    expected: stepUp(', max_age="300"'),
  },
  { name: 'acr phr', path: '/phr', claims: () => ({ acr: 'phr' }), expected: ok('/phr') },
  { name: 'acr phrh', path: '/phr', claims: () => ({ acr: 'phrh' }), expected: ok('/phr') },
  {
    name: 'acr pwd',
    path: '/phr',
    claims: () => ({ acr: 'pwd' }),
    expected: stepUp(', acr_values="phr phrh"'),
  },
  { name: 'no acr', path: '/phr', claims: () => ({}), expected: stepUp(', acr_values="phr phrh"') },
  {
    name: 'acr in another case',
    path: '/phr',
    claims: () => ({ acr: 'PHR' }),
    expected: stepUp(', acr_values="phr phrh"'),
  },
  {
    name: 'acr as an array',
    path: '/phr',
    claims: () => ({ acr: ['phr'] }),
    expected: stepUp(', acr_values="phr phrh"'),
  },
  {
    name: 'amr with mfa',
    path: '/mfa',
    claims: () => ({ amr: ['pwd', 'mfa'] }),
    expected: ok('/mfa'),
  },
  // amrIncludes() without acrValues: RFC 9470 has no amr parameter, so nothing to ask for.
  {
    name: 'amr without mfa: a bare step-up',
    path: '/mfa',
    claims: () => ({ amr: ['pwd'] }),
    expected: stepUp(''),
  },
  { name: 'amr as a string', path: '/mfa', claims: () => ({ amr: 'mfa' }), expected: stepUp('') },
  {
    name: 'amr without mfa, acr_values hinted',
    path: '/mfa-hinted',
    claims: () => ({ amr: ['pwd'] }),
    expected: stepUp(', acr_values="urn:example:mfa"'),
  },
  {
    name: 'and(): weak and old',
    path: '/strong-recent',
    claims: () => ({ acr: 'pwd', ...stale() }),
    expected: stepUp(', acr_values="phr phrh", max_age="300"'),
  },
  {
    name: 'and(): strong but old',
    path: '/strong-recent',
    claims: () => ({ acr: 'phr', auth_time: now() - 400 }),
    expected: stepUp(', max_age="300"'),
  },
  {
    name: 'and(): strong and recent',
    path: '/strong-recent',
    claims: () => ({ acr: 'phrh', ...fresh() }),
    expected: ok('/strong-recent'),
  },
  {
    name: 'and(): no group, weak: 403',
    path: '/admin-strong',
    claims: () => ({ acr: 'pwd' }),
    expected: denied,
  },
  {
    name: 'and(): no scope, weak: 403 insufficient_scope',
    path: '/scoped-strong',
    claims: () => ({ acr: 'pwd' }),
    expected: {
      status: 403,
      challenge: `Bearer realm="${REALM}", error="insufficient_scope", error_description="Token lacks the scope this resource requires", scope="orders:write", DPoP realm="${REALM}", algs="${ALGS}"`,
      body: {
        error: 'insufficient_scope',
        error_description: 'Token lacks the scope this resource requires',
      },
    },
  },
  {
    name: 'and(): no acr both accept: 403',
    path: '/no-common',
    claims: () => ({ acr: 'c' }),
    expected: denied,
  },
  {
    name: 'and(): one met, the other asked for',
    path: '/no-common',
    claims: () => ({ acr: 'a' }),
    expected: stepUp(', acr_values="b"'),
  },
  {
    name: 'or(): the acr alternative',
    path: '/either',
    claims: () => ({ acr: 'pwd' }),
    expected: stepUp(', acr_values="phr"'),
  },
  {
    name: 'or(): the group alternative',
    path: '/either',
    claims: () => ({ groups: ['admin'] }),
    expected: ok('/either'),
  },
];

let idp: TestIssuer;
let key: DpopKey;
const apps = new Map<string, RunningApp>();

beforeAll(async () => {
  idp = await createTestIssuer();
  key = await createDpopKey();
  const options = {
    realm: REALM,
    issuers: [oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience })],
  };
  await Promise.all(
    ADAPTERS.map(async (adapter) => {
      apps.set(adapter, await startApp(adapter, options, { routes: ROUTES }));
    }),
  );
}, 60_000);

afterAll(async () => {
  await Promise.all([...apps.values()].map((app) => app.close()));
  await idp?.close();
});

describe.each(ADAPTERS)('%s', (adapter) => {
  const port = (): number => apps.get(adapter)!.port;

  it.each(SCENARIOS)('$path: $name', async ({ path, claims, expected }) => {
    const token = await idp.accessToken({ sub: USER_SUB, groups: [], claims: claims() });
    const request: RawRequest = { path, headers: [['Authorization', `Bearer ${token}`]] };
    expectAnswer(await sendRaw(port(), request), expected);
  });

  it('a DPoP-bound token: the step-up in the DPoP challenge (RFC 9449 §7.1)', async () => {
    const token = await idp.accessToken({ sub: USER_SUB, dpop: key, claims: stale() });
    const request = await dpopRequest({ key, bound: token }, `http://127.0.0.1:${port()}`, {
      path: '/recent',
    });
    expectAnswer(await sendRaw(port(), request), {
      status: 401,
      challenge: `Bearer realm="${REALM}", DPoP realm="${REALM}", error="insufficient_user_authentication", error_description="${DESCRIPTION}", max_age="300", algs="${ALGS}"`,
      body: { error: 'insufficient_user_authentication', error_description: DESCRIPTION },
    });
  });
});

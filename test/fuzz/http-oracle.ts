// What an adapter must answer to a fuzzed request, worked out without HTTP: the request as
// Node's parser hands it over (raw headers decoded as latin1, surrounding whitespace trimmed,
// form bodies parsed) goes through a `Gate` of its own, then the route's rule. Every adapter
// must give exactly that status, JSON body and challenge, so the three agree by construction.
import {
  TokengateError,
  createGate,
  createVerifier,
  type Gate,
  type VerifiedToken,
} from '@tokengate/core';
import { handlerBody, type ProtectedRoute } from '../conformance/apps.js';
import { framingHeaders } from '../support/raw-http-client.js';
import type { FuzzWorld } from './world.js';

export const REALM = 'fuzz';

/** A route the fuzzer calls: a protected one, or the unprotected health check. */
export type FuzzRoute =
  ProtectedRoute | { readonly method: 'GET'; readonly path: '/health'; readonly rule: 'none' };

export interface HttpCase {
  readonly how: string;
  readonly route: FuzzRoute;
  /** `?…` or empty. */
  readonly query: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body?: string | undefined;
  /** Every token-like value placed anywhere in the request. */
  readonly credentials: readonly string[];
  /** Whether the app answering it accepts `?access_token=`. */
  readonly queryTokens: boolean;
}

export type Expected =
  /** Not a valid HTTP message (a control character in a header): Node's parser answers. */
  | { readonly kind: 'transport' }
  | {
      readonly kind: 'app';
      readonly status: number;
      readonly body: unknown;
      readonly challenge: string | undefined;
      /** The TokengateError code, or `accepted`. */
      readonly outcome: string;
      /** The header section is close to Node's 16 KiB limit: 431 is fine too. */
      readonly nearSizeLimit: boolean;
    };

// RFC 9110 §5.5: field values are VCHAR, SP, HTAB and obs-text; other controls are refused.
const hasControl = (text: string): boolean => {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return true;
  }
  return false;
};
const MAX_HEADER_BYTES = 16 * 1024;

export interface HttpOracle {
  expect(httpCase: HttpCase, port: number): Promise<Expected>;
}

export function createHttpOracle(world: FuzzWorld): HttpOracle {
  const verifier = createVerifier(world.verifierOptions);
  const gates = new Map<boolean, Gate>(
    [false, true].map((queryTokens) => [
      queryTokens,
      createGate({
        verifier,
        realm: REALM,
        optional: true,
        allowBodyToken: true,
        allowQueryToken: queryTokens,
      }),
    ]),
  );

  async function expect(httpCase: HttpCase, port: number): Promise<Expected> {
    const lines = [...framingHeaders(port, httpCase.body), ...httpCase.headers];
    if (lines.some(([name, value]) => hasControl(name) || hasControl(value)))
      return { kind: 'transport' };
    const target = `${httpCase.route.path}${httpCase.query}`;
    const headerBytes = lines.reduce(
      (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value) + 4,
      target.length + 16,
    );
    // Node parses header bytes as latin1 and trims optional whitespace around values.
    const rawHeaders = lines.flatMap(([name, value]) => [
      name,
      trimOws(Buffer.from(value, 'utf8').toString('latin1')),
    ]);
    const outcome = await answer(
      gates.get(httpCase.queryTokens) as Gate,
      httpCase,
      rawHeaders,
      target,
    );
    return { kind: 'app', ...outcome, nearSizeLimit: headerBytes > MAX_HEADER_BYTES - 1024 };
  }

  return { expect };
}

async function answer(
  gate: Gate,
  { route, headers, body }: HttpCase,
  rawHeaders: string[],
  url: string,
): Promise<{ status: number; body: unknown; challenge: string | undefined; outcome: string }> {
  if (route.rule === 'none')
    return { status: 200, body: { ok: true }, challenge: undefined, outcome: 'unprotected' };
  let auth: VerifiedToken | undefined;
  const request = {
    rawHeaders,
    url,
    method: route.method,
    body: parsedBody(route.method, headers, body),
  };
  try {
    auth = await gate.authenticate(request);
    // With the request, as every adapter calls it: the refusal then carries the gate's
    // challenges (Bearer and DPoP, RFC 9449 §7.1), not RFC 6750's Bearer one alone.
    if (route.rule !== undefined)
      gate.authorize(auth, route.rule === true ? undefined : route.rule, request);
  } catch (error) {
    if (!(error instanceof TokengateError)) throw error;
    return {
      status: error.status,
      body: error.toJSON(),
      challenge: error.headers['WWW-Authenticate'],
      outcome: error.code,
    };
  }
  return {
    status: 200,
    body: handlerBody(route.path, auth),
    challenge: undefined,
    outcome: auth === undefined ? 'anonymous' : 'accepted',
  };
}

/** What the apps' body parsers make of a form body (only POST bodies are generated). */
function parsedBody(
  method: string,
  headers: readonly (readonly [string, string])[],
  body: string | undefined,
): unknown {
  if (method !== 'POST' || body === undefined) return undefined;
  const contentType = headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  if (!/^application\/x-www-form-urlencoded\b/i.test(contentType)) return undefined;
  const parsed: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const previous = parsed[name];
    parsed[name] =
      previous === undefined
        ? value
        : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return parsed;
}

function trimOws(value: string): string {
  return value.replace(/^[ \t]+|[ \t]+$/g, '');
}

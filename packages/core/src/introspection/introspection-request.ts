import { IdpUnavailableError } from '../errors/errors.js';
import { detailString, type ErrorDetail } from '../errors/error-detail.js';
import { boundedFetch, BoundedFetchError } from '../lib/bounded-fetch.js';
import type { IntrospectionSettings } from './introspection-options.js';

/** The answer of an introspection endpoint that said 200: its body and media type. */
export interface IntrospectionReply {
  readonly text: string;
  readonly contentType: string;
}

// An introspection answer is a few hundred bytes (RFC 7662 §2.2); anything near this is broken
// or hostile, and is never parsed.
export const MAX_ANSWER_BYTES = 64 * 1024;

// RFC 7521 §4.2: the client assertion type of a JWT (RFC 7523 §2.2).
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

// RFC 6749 §5.2: `error` is NQCHAR-free ASCII; anything else is not shown even in logs.
const OAUTH_ERROR = /^[\x20\x21\x23-\x5B\x5D-\x7E]{1,64}$/;

/** The longest `Retry-After` honoured; a server asking for more is asked again sooner. */
const MAX_RETRY_AFTER_SECONDS = 300;

/**
 * POSTs one token to the introspection endpoint (RFC 7662 §2.1) with the client's
 * authentication, within `timeoutMs` for headers and body, at most 64 KiB, no redirects (the
 * token and credentials must not be replayed elsewhere). Anything but a 200 is the server's
 * failure, not the token's: a 503 (`INTROSPECTION_UNAVAILABLE`) carrying the status and the
 * RFC 6749 §5.2 `error` code for logs (never the body, which may echo credentials).
 */
export async function postIntrospection(
  settings: IntrospectionSettings,
  token: string,
  fetchImpl: typeof globalThis.fetch,
  signal: AbortSignal,
): Promise<IntrospectionReply> {
  const form = new URLSearchParams(settings.form as [string, string][]);
  form.set('token', token);
  // RFC 7662 §2.1: a hint only; a server may look further, so the token kind is checked too.
  form.set('token_type_hint', 'access_token');
  if (settings.assertion !== undefined) {
    let assertion: string;
    try {
      assertion = await settings.assertion.signer.sign(
        settings.clientId,
        settings.assertion.audience,
        Date.now() / 1000,
      );
    } catch (cause) {
      throw unavailable(settings, { reason: 'client assertion could not be signed' }, cause);
    }
    // RFC 7523 §2.2 with OpenID Connect Core §9: client_id alongside the assertion.
    form.set('client_id', settings.clientId);
    form.set('client_assertion_type', JWT_BEARER);
    form.set('client_assertion', assertion);
  }
  let answer;
  try {
    answer = await boundedFetch(
      settings.endpoint,
      {
        method: 'POST',
        headers: settings.headers as Record<string, string>,
        body: form.toString(),
        readBody: () => true,
      },
      { timeoutMs: settings.timeoutMs, maxBytes: MAX_ANSWER_BYTES, fetch: fetchImpl, signal },
    );
  } catch (cause) {
    const reason =
      cause instanceof BoundedFetchError
        ? cause.reason === 'timeout'
          ? `no answer within ${settings.timeoutMs} ms`
          : cause.reason === 'too-large'
            ? `answer larger than ${MAX_ANSWER_BYTES} bytes`
            : cause.reason === 'aborted'
              ? 'verifier closed'
              : 'request failed'
        : 'request failed';
    throw unavailable(settings, { reason }, cause);
  }
  if (answer.status !== 200) {
    throw unavailable(
      settings,
      { reason: 'endpoint refused', status: answer.status, error: oauthError(answer.body) },
      new Error(`HTTP ${answer.status}`),
      retryAfter(answer.headers.get('retry-after')),
    );
  }
  return { text: answer.body, contentType: answer.headers.get('content-type') ?? '' };
}

/** The 503 of every introspection failure, with the issuer and what went wrong for logs. */
export function unavailable(
  settings: Pick<IntrospectionSettings, 'issuer'>,
  detail: ErrorDetail,
  cause?: unknown,
  retryAfterSeconds?: number,
): IdpUnavailableError {
  return new IdpUnavailableError({
    code: 'INTROSPECTION_UNAVAILABLE',
    description: 'The token could not be introspected; retry later',
    detail: { issuer: detailString(settings.issuer), ...detail },
    cause,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  });
}

/** The RFC 6749 §5.2 `error` code of an error answer, when it is one; never its description. */
function oauthError(text: string): string | null {
  try {
    const body: unknown = JSON.parse(text);
    const error = (body as { error?: unknown } | null)?.error;
    return typeof error === 'string' && OAUTH_ERROR.test(error) ? error : null;
  } catch {
    return null;
  }
}

/** RFC 9110 §10.2.3 delay-seconds, capped; an HTTP date or junk falls back to the default. */
function retryAfter(value: string | null): number | undefined {
  if (value === null || !/^\d{1,9}$/.test(value.trim())) return undefined;
  return Math.min(Math.max(Number(value.trim()), 1), MAX_RETRY_AFTER_SECONDS);
}

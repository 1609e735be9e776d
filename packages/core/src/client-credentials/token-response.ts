import { retryAfterMs } from '../lib/backoff.js';
import type { PostAnswer } from './bounded-post.js';
import type { Redactor } from './credential-redaction.js';
import { TokenEndpointError } from './token-endpoint-error.js';

/** A usable answer of the token endpoint. */
export interface GrantedToken {
  readonly accessToken: string;
  /** `expires_in`, or `undefined` when the endpoint left it out or sent nonsense. */
  readonly expiresInSeconds: number | undefined;
}

// RFC 6750 §2.1 b64token: what may follow `Bearer ` in a header, so nothing can be injected.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
// RFC 6749 §5.2 and Appendix A.7, A.8: `error` and `error_description` are NQSCHARs.
const ERROR_TEXT = /^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/;
// Everything else, control characters included, so nothing can forge a log line.
const NOT_ERROR_TEXT = /[^\x20-\x21\x23-\x5B\x5D-\x7E]+/g;
const MAX_DESCRIPTION = 200;
// Registered codes are ~25 characters (RFC 6749 §5.2, IANA "OAuth Extensions Error Registry").
const MAX_ERROR_CODE = 64;

/**
 * Reads an RFC 6749 §5.1 success or classifies the failure: 429 and 5xx are transient, other
 * statuses are a refusal (§5.2). Nothing the server sent is copied verbatim: only a valid
 * `error` code and a sanitized, capped `error_description`, both with every encoding of the
 * client's credentials removed by `redact`, since a server may echo the request.
 */
export function readTokenAnswer(answer: PostAnswer, redact: Redactor, nowMs: number): GrantedToken {
  const { status } = answer;
  if (status === 429 || status >= 500) {
    const waitMs = retryAfterMs(answer.headers.get('retry-after'), nowMs);
    return fail('TOKEN_ENDPOINT_UNAVAILABLE', `the token endpoint answered HTTP ${status}`, {
      status,
      retryAfterSeconds: waitMs === undefined ? undefined : Math.ceil(waitMs / 1000),
    });
  }
  const body = parseObject(answer.text);
  if (status < 200 || status > 299) {
    const oauthError = errorCode(body?.['error'], redact);
    const description = errorDescription(body?.['error_description'], redact);
    const detail = [oauthError, description].filter((part) => part !== undefined).join(': ');
    return fail(
      'TOKEN_REQUEST_REJECTED',
      `the token endpoint refused the request (HTTP ${status}${detail === '' ? '' : ` ${detail}`})`,
      { status, oauthError },
    );
  }
  if (body === undefined) return invalid(status, 'the token response is not a JSON object');
  const accessToken = body['access_token'];
  if (typeof accessToken !== 'string' || !B64TOKEN.test(accessToken)) {
    return invalid(status, 'the token response has no usable access_token');
  }
  const tokenType = body['token_type'];
  // RFC 6749 §7.1 and RFC 6750 §4: the type is matched case-insensitively; only Bearer is sent
  // the way this client sends it (a DPoP or MAC token would need proofs).
  if (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer') {
    return invalid(status, 'the token response is not of token_type Bearer');
  }
  return { accessToken, expiresInSeconds: expiresIn(body['expires_in']) };
}

function fail(
  code: 'TOKEN_ENDPOINT_UNAVAILABLE' | 'TOKEN_REQUEST_REJECTED',
  message: string,
  options: {
    status: number;
    oauthError?: string | undefined;
    retryAfterSeconds?: number | undefined;
  },
): never {
  throw new TokenEndpointError(code, message, options);
}

function invalid(status: number, message: string): never {
  throw new TokenEndpointError('TOKEN_RESPONSE_INVALID', message, { status });
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A positive lifetime; numeric strings are accepted, as some endpoints send them. */
function expiresIn(value: unknown): number | undefined {
  const seconds = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0
    ? seconds
    : undefined;
}

/**
 * The RFC 6749 §5.2 `error` code, which events and `oauthError` carry: kept only when it is a
 * short NQSCHAR string holding no credential, never repaired.
 */
function errorCode(value: unknown, redact: Redactor): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_ERROR_CODE || !ERROR_TEXT.test(value)) {
    return undefined;
  }
  return redact(value) === value ? value : undefined;
}

/**
 * `error_description` made safe for a message: credentials redacted, then anything outside the
 * §5.2 charset turned into spaces (redacting again, as that may rebuild a secret holding
 * spaces), then capped, so a cut cannot leave part of an encoding behind.
 */
function errorDescription(value: unknown, redact: Redactor): string | undefined {
  if (typeof value !== 'string') return undefined;
  let text = redact(value);
  if (!ERROR_TEXT.test(text)) text = redact(text.replace(NOT_ERROR_TEXT, ' ')).trim();
  if (text.length > MAX_DESCRIPTION) text = `${text.slice(0, MAX_DESCRIPTION)}…`;
  return text === '' ? undefined : text;
}

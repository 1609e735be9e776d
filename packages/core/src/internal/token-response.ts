import { retryAfterMs } from './backoff.js';
import type { PostAnswer } from './bounded-post.js';
import { TokenEndpointError } from './token-endpoint-error.js';

/** A usable answer of the token endpoint. */
export interface GrantedToken {
  readonly accessToken: string;
  /** `expires_in`, or `undefined` when the endpoint left it out or sent nonsense. */
  readonly expiresInSeconds: number | undefined;
}

// RFC 6750 §2.1 b64token: what may follow `Bearer ` in a header, so nothing can be injected.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
// RFC 6749 §5.2: `error` and `error_description` are limited to these characters.
const ERROR_TEXT = /^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/;
const NOT_ERROR_TEXT = /[^\x20-\x21\x23-\x5B\x5D-\x7E]+/g;
const MAX_DESCRIPTION = 200;

/**
 * Reads an RFC 6749 §5.1 success or classifies the failure: 429 and 5xx are transient, other
 * statuses are a refusal (§5.2). `secret` is redacted from anything the server echoed.
 */
export function readTokenAnswer(answer: PostAnswer, secret: string, nowMs: number): GrantedToken {
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
    const oauthError = errorText(body?.['error'], secret);
    const description = errorText(body?.['error_description'], secret);
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

/** Server-sent error text made safe for a message: secret redacted, charset and length bounded. */
function errorText(value: unknown, secret: string): string | undefined {
  if (typeof value !== 'string') return undefined;
  let text = value.split(secret).join('[redacted]');
  if (!ERROR_TEXT.test(text)) text = text.replace(NOT_ERROR_TEXT, ' ').trim();
  if (text.length > MAX_DESCRIPTION) text = `${text.slice(0, MAX_DESCRIPTION)}…`;
  return text === '' ? undefined : text;
}

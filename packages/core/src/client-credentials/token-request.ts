import { backoffDelayMs, sleep } from '../lib/backoff.js';
import { basicAuthorization } from '../lib/client-secret.js';
import { postForm } from './bounded-post.js';
import type { Redactor } from './credential-redaction.js';
import { TokenEndpointError } from './token-endpoint-error.js';
import { readTokenAnswer } from './token-response.js';
import type { GrantedToken } from './token-response.js';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post';

/** Everything one client-credentials request needs, built once at creation. */
export interface TokenRequestConfig {
  readonly tokenEndpoint: string;
  readonly form: string;
  readonly headers: Record<string, string>;
  /** Removes the client's credentials, in every encoding sent, from server-sent error text. */
  readonly redact: Redactor;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly fetch: typeof globalThis.fetch;
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly maxRetryDelayMs: number;
}

/** A failed attempt; `delayMs` is the wait before the next one, `undefined` when giving up. */
export interface AttemptFailure {
  readonly attempt: number;
  readonly error: TokenEndpointError;
  readonly delayMs: number | undefined;
}

export interface TokenRequestParts {
  readonly form: string;
  readonly headers: Record<string, string>;
}

/**
 * The body and headers of an RFC 6749 §4.4.2 request. The client authenticates with HTTP Basic
 * over its form-urlencoded id and secret (§2.3.1, which servers MUST support) or with both as
 * body parameters (§2.3.1, "NOT RECOMMENDED" but all some servers take).
 */
export function tokenRequestParts(options: {
  clientId: string;
  clientSecret: string;
  authMethod: ClientAuthMethod;
  scopes: readonly string[];
  audience: string | undefined;
  resource: string | undefined;
}): TokenRequestParts {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  // RFC 6749 §3.3: scopes are space-delimited.
  if (options.scopes.length > 0) form.set('scope', options.scopes.join(' '));
  // Not in RFC 6749: Auth0 requires `audience`; RFC 8707 §2 defines `resource`.
  if (options.audience !== undefined) form.set('audience', options.audience);
  if (options.resource !== undefined) form.set('resource', options.resource);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (options.authMethod === 'client_secret_post') {
    form.set('client_id', options.clientId);
    form.set('client_secret', options.clientSecret);
  } else {
    headers['authorization'] = basicAuthorization(options.clientId, options.clientSecret);
  }
  return { form: form.toString(), headers };
}

/**
 * Requests a token, retrying transient failures (network errors, timeouts, 429 and 5xx) up to
 * `retries` times with jittered exponential backoff. A `Retry-After` is honoured, never
 * shortened: when it asks for longer than `maxRetryDelayMs`, the request fails at once.
 */
export async function requestToken(
  config: TokenRequestConfig,
  onFailure: (failure: AttemptFailure) => void,
): Promise<{ granted: GrantedToken; attempts: number }> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const answer = await postForm(config.tokenEndpoint, config.form, config);
      return { granted: readTokenAnswer(answer, config.redact, Date.now()), attempts: attempt };
    } catch (error) {
      const failure =
        error instanceof TokenEndpointError
          ? error
          : new TokenEndpointError('TOKEN_ENDPOINT_UNAVAILABLE', 'the token request failed', {
              cause: error,
            });
      failure.attempts = attempt;
      const delayMs = retryDelay(config, attempt, failure);
      onFailure({ attempt, error: failure, delayMs });
      if (delayMs === undefined) throw failure;
      await sleep(delayMs);
    }
  }
}

function retryDelay(
  config: TokenRequestConfig,
  attempt: number,
  failure: TokenEndpointError,
): number | undefined {
  if (!failure.transient || attempt > config.retries) return undefined;
  const backoff = backoffDelayMs(attempt, config.retryDelayMs, config.maxRetryDelayMs);
  if (failure.retryAfterSeconds === undefined) return backoff;
  const askedMs = failure.retryAfterSeconds * 1000;
  return askedMs > config.maxRetryDelayMs ? undefined : Math.max(askedMs, backoff);
}

import { createRedactor } from './credential-redaction.js';
import { clientIdOption, clientSecretOption } from '../lib/client-secret.js';
import {
  assertKnownKeys,
  describe,
  durationMs,
  nonEmptyString,
  optionKeys,
  nonNegativeNumber,
  optionalBoolean,
  optionalFunction,
  secureUrl,
  stringList,
} from '../lib/options.js';
import { tokenRequestParts } from './token-request.js';
import type { ClientAuthMethod, TokenRequestConfig } from './token-request.js';

/**
 * Options of {@link createClientCredentialsSource}; mistakes throw `TypeError` at creation.
 *
 * @example
 * ```ts
 * const options: ClientCredentialsOptions = {
 *   tokenEndpoint: 'https://example.auth.eu-west-1.amazoncognito.com/oauth2/token',
 *   clientId: '4u2v3example',
 *   clientSecret: process.env.CLIENT_SECRET!,
 *   scopes: ['orders-api/orders.read'],
 * };
 * const tokens = createClientCredentialsSource(options);
 * ```
 */
export interface ClientCredentialsOptions {
  /** The RFC 6749 §3.2 token endpoint, e.g. `https://<domain>.auth.<region>.amazoncognito.com/oauth2/token`. */
  readonly tokenEndpoint: string;
  /** This service's client id at the authorization server. */
  readonly clientId: string;
  /** Its client secret; never logged, never in an event or an error message. */
  readonly clientSecret: string;
  /** Requested scopes (RFC 6749 §3.3). Default: none, so the server's defaults (Cognito: all of the client's). */
  readonly scopes?: string | readonly string[];
  /** Sent as the `audience` parameter, which Auth0 requires. */
  readonly audience?: string;
  /** Sent as the RFC 8707 `resource` parameter (oidc-provider, Entra ID v1, Keycloak…): an absolute URI. */
  readonly resource?: string;
  /** RFC 6749 §2.3.1. Default `'client_secret_basic'`, which every server must support. */
  readonly authMethod?: ClientAuthMethod;
  /** Renew this long before `expires_in` ends, capped at half the lifetime. Default 60. */
  readonly refreshSkewSeconds?: number;
  /** Deadline of one request, headers and body, in ms (at most 2^31 − 1). Default 5000. */
  readonly timeoutMs?: number;
  /** Extra attempts after network errors, timeouts, 429 and 5xx; never after other 4xx. Default 2. */
  readonly retries?: number;
  /**
   * Base of the jittered exponential backoff, in whole ms. Default 200. Not with `retries: 0`,
   * which never waits.
   */
  readonly retryDelayMs?: number;
  /**
   * Longest wait between attempts, in whole ms, at least `retryDelayMs` and at most 2^31 − 1;
   * a longer `Retry-After` fails at once instead. Default 10000. Not with `retries: 0`.
   */
  readonly maxRetryDelayMs?: number;
  /** Allow an `http:` endpoint off loopback (a container in development, never production). */
  readonly allowInsecureHttp?: boolean;
  /** Used for the token endpoint and by the `fetch` wrapper. Default `globalThis.fetch`. */
  readonly fetch?: typeof globalThis.fetch;
  /** Observability; events never carry the secret or a token. A throwing listener is ignored. */
  readonly onEvent?: ClientCredentialsEventListener;
}

/**
 * What a source reports; no secret or token ever appears in an event.
 *
 * @example
 * ```ts
 * const onEvent = (event: ClientCredentialsEvent) => {
 *   if (event.type === 'token-request-failed') log.warn({ code: event.code, status: event.status }, 'token request failed');
 * };
 * ```
 */
export type ClientCredentialsEvent =
  | {
      /** A new token was obtained. */
      readonly type: 'token-fetched';
      /** The client it was obtained for. */
      readonly clientId: string;
      /** Requests sent, retries included. */
      readonly attempts: number;
      /** How long it took, retries included. */
      readonly durationMs: number;
      /** The token's lifetime (`expires_in`, RFC 6749 §5.1), in seconds. */
      readonly expiresInSeconds: number;
      /** The endpoint sent no usable `expires_in`; the token is kept for a default 300 s. */
      readonly expiresInDefaulted: boolean;
    }
  | {
      /** One request to the token endpoint failed. */
      readonly type: 'token-request-failed';
      /** The client it was for. */
      readonly clientId: string;
      /** Which attempt failed, from 1. */
      readonly attempt: number;
      /** The {@link TokenEndpointErrorCode}. */
      readonly code: string;
      /** The endpoint's HTTP status, if it answered. */
      readonly status: number | undefined;
      /** The RFC 6749 §5.2 `error` code, if the endpoint sent one. */
      readonly oauthError: string | undefined;
      /** Wait before the next attempt; `undefined` when giving up. */
      readonly retryInMs: number | undefined;
    }
  | {
      /** A renewal failed transiently and the still-valid token was handed out instead. */
      readonly type: 'cached-token-kept';
      /** The client it was for. */
      readonly clientId: string;
      /** Why the renewal failed: a {@link TokenEndpointErrorCode}. */
      readonly code: string;
    }
  | {
      /** The cached token was dropped. */
      readonly type: 'token-invalidated';
      /** The client it was for. */
      readonly clientId: string;
      /** `invalidate()` was called, or a service answered 401 `invalid_token` to `fetch`. */
      readonly reason: 'manual' | 'rejected-downstream';
    };

/**
 * The `onEvent` option of {@link createClientCredentialsSource}. A listener that throws is
 * ignored.
 *
 * @example
 * ```ts
 * const onEvent: ClientCredentialsEventListener = (event) => metrics.increment(`token_source.${event.type}`);
 * ```
 */
export type ClientCredentialsEventListener = (event: ClientCredentialsEvent) => void;

export interface ResolvedClientCredentialsOptions {
  readonly config: TokenRequestConfig;
  readonly clientId: string;
  readonly fetchImpl: typeof globalThis.fetch;
  readonly onEvent: ClientCredentialsEventListener | undefined;
  readonly refreshSkewSeconds: number;
}

// A token response is a few KB even for large JWTs; anything bigger is broken or hostile.
const MAX_RESPONSE_BYTES = 64 * 1024;
// RFC 6749 §3.3 scope-token.
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** Validates {@link ClientCredentialsOptions} once; mistakes throw `TypeError`, never echoing the secret. */
export function resolveClientCredentialsOptions(
  options: ClientCredentialsOptions,
): ResolvedClientCredentialsOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('options must be an object');
  }
  assertKnownKeys(options, CLIENT_CREDENTIALS_OPTION_KEYS, 'createClientCredentialsSource');
  // A boolean only: `'true'` or `1` would otherwise be read as false in silence.
  const allowInsecureHttp = optionalBoolean(options.allowInsecureHttp, 'allowInsecureHttp', false);
  const tokenEndpoint = endpointUrl(options.tokenEndpoint, allowInsecureHttp);
  const clientId = clientIdOption(nonEmptyString(options.clientId, 'clientId'), 'clientId');
  // Checked without nonEmptyString, which would echo the value.
  const clientSecret = clientSecretOption(options.clientSecret, 'clientSecret');
  const scopes = options.scopes === undefined ? [] : stringList(options.scopes, 'scopes');
  if (!scopes.every((scope) => SCOPE_TOKEN.test(scope))) {
    throw new TypeError('scopes must be RFC 6749 §3.3 scope tokens (no spaces or quotes)');
  }
  const authMethod = options.authMethod ?? 'client_secret_basic';
  if (authMethod !== 'client_secret_basic' && authMethod !== 'client_secret_post') {
    throw new TypeError("authMethod must be 'client_secret_basic' or 'client_secret_post'");
  }
  const retries = nonNegativeNumber(options.retries, 'retries', 2);
  if (!Number.isSafeInteger(retries)) throw new TypeError('retries must be an integer');
  const { retryDelayMs, maxRetryDelayMs } = retryDelays(options, retries);
  const fetchImpl = optionalFunction(options.fetch, 'fetch') ?? globalThis.fetch;

  return {
    clientId,
    fetchImpl,
    onEvent: optionalFunction(options.onEvent, 'onEvent'),
    refreshSkewSeconds: nonNegativeNumber(options.refreshSkewSeconds, 'refreshSkewSeconds', 60),
    config: {
      tokenEndpoint,
      ...tokenRequestParts({
        clientId,
        clientSecret,
        authMethod,
        scopes,
        audience: optionalString(options.audience, 'audience'),
        resource: resourceUri(options.resource),
      }),
      redact: createRedactor(clientId, clientSecret),
      timeoutMs: durationMs(options.timeoutMs, 'timeoutMs', 5000),
      maxBytes: MAX_RESPONSE_BYTES,
      fetch: fetchImpl,
      retries,
      retryDelayMs,
      maxRetryDelayMs,
    },
  };
}

/**
 * The backoff: whole milliseconds a timer can hold (a longer sleep would fire at once), the
 * base no longer than the ceiling (which would silently cap every wait), and neither with
 * `retries: 0`, which never waits.
 */
function retryDelays(
  options: ClientCredentialsOptions,
  retries: number,
): { retryDelayMs: number; maxRetryDelayMs: number } {
  if (retries === 0) {
    for (const name of ['retryDelayMs', 'maxRetryDelayMs'] as const) {
      if (options[name] !== undefined) {
        throw new TypeError(`${name} has no effect with retries: 0 (no retry waits); drop it`);
      }
    }
  }
  const retryDelayMs = durationMs(options.retryDelayMs, 'retryDelayMs', 200);
  const maxRetryDelayMs = durationMs(options.maxRetryDelayMs, 'maxRetryDelayMs', 10_000);
  if (maxRetryDelayMs < retryDelayMs) {
    const given = options.maxRetryDelayMs === undefined ? ', its default' : '';
    throw new TypeError(
      `maxRetryDelayMs (${maxRetryDelayMs}${given}) must not be less than retryDelayMs (${retryDelayMs})`,
    );
  }
  return { retryDelayMs, maxRetryDelayMs };
}

function endpointUrl(value: unknown, allowInsecureHttp: boolean): string {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    // secureUrl reports it
  }
  // Refused without echoing the value: credentials belong in clientId/clientSecret.
  if (url !== undefined && (url.username !== '' || url.password !== '')) {
    throw new TypeError('tokenEndpoint must not contain credentials');
  }
  const text = secureUrl(value, 'tokenEndpoint', allowInsecureHttp);
  if (url !== undefined && url.hash !== '') {
    throw new TypeError('tokenEndpoint must not have a fragment (RFC 6749 §3.2)');
  }
  // The user pool's API host (the `iss` of its tokens) has no OAuth 2.0 token endpoint: client
  // credentials are granted by the pool's domain, so this would fail on every request.
  const userPool = url === undefined ? null : COGNITO_USER_POOL_HOST.exec(url.hostname);
  if (userPool !== null) {
    throw new TypeError(
      `tokenEndpoint is a Cognito user pool API URL (${describe(value)}), not its OAuth 2.0 token endpoint: ` +
        `use the user pool domain, https://<your-domain>.auth.${userPool[1]}.amazoncognito.com/oauth2/token ` +
        '(or your custom domain + /oauth2/token)',
    );
  }
  return text;
}

// `cognito-idp.<region>.amazonaws.com` and the updated issuer host `issuer-cognito-idp.…`.
const COGNITO_USER_POOL_HOST = /^(?:issuer-)?cognito-idp\.([a-z0-9-]+)\.amazonaws\.com$/i;

const CLIENT_CREDENTIALS_OPTION_KEYS = optionKeys<ClientCredentialsOptions>({
  tokenEndpoint: true,
  clientId: true,
  clientSecret: true,
  scopes: true,
  audience: true,
  resource: true,
  authMethod: true,
  refreshSkewSeconds: true,
  timeoutMs: true,
  retries: true,
  retryDelayMs: true,
  maxRetryDelayMs: true,
  allowInsecureHttp: true,
  fetch: true,
  onEvent: true,
});

function optionalString(value: unknown, name: string): string | undefined {
  return value === undefined ? undefined : nonEmptyString(value, name);
}

/** RFC 8707 §2: an absolute URI without a fragment. */
function resourceUri(value: unknown): string | undefined {
  const text = optionalString(value, 'resource');
  if (text === undefined) return undefined;
  if (!URL.canParse(text) || new URL(text).hash !== '') {
    throw new TypeError('resource must be an absolute URI without a fragment (RFC 8707 §2)');
  }
  return text;
}

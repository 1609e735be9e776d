import { bearerChallengeError } from '../errors/bearer-challenge.js';
import { notifyListener } from '../lib/notify-listener.js';
import {
  resolveClientCredentialsOptions,
  type ClientCredentialsEvent,
  type ClientCredentialsOptions,
} from './client-credentials-options.js';
import { TokenEndpointError } from './token-endpoint-error.js';
import { requestToken } from './token-request.js';
import type { AttemptFailure } from './token-request.js';

/**
 * A cached, self-renewing client-credentials token.
 *
 * @example
 * ```ts
 * const tokens: ClientCredentialsSource = createClientCredentialsSource(options);
 * const res = await tokens.fetch('https://orders.example.com/orders'); // Authorization: Bearer …
 * const token = await tokens.getToken(); // for a client that is not fetch
 * ```
 */
export interface ClientCredentialsSource {
  /** A valid access token, from the cache or from one request shared by concurrent callers. */
  getToken(): Promise<string>;
  /**
   * `fetch` with `Authorization: Bearer <token>`. A 401 whose challenge says `invalid_token`
   * (RFC 6750 §3.1) drops the token and replays the request once with a fresh one; a body is
   * buffered for that replay.
   */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** Forgets the cached token, e.g. after the service that received it said it was revoked. */
  invalidate(): void;
}

// RFC 6749 §5.1 makes expires_in only RECOMMENDED; without it, renew well within typical lifetimes.
const DEFAULT_EXPIRES_IN_SECONDS = 300;
// After a failed renewal, the still-valid token is handed out this long before trying again.
const KEPT_TOKEN_RETRY_MS = 5000;

interface HeldToken {
  readonly token: string;
  /** Milliseconds since the epoch: renew from here on. */
  readonly refreshAt: number;
  /** When the token itself ends, measured from when it was requested. */
  readonly expiresAt: number;
}

/**
 * Gets and caches access tokens with the OAuth 2.0 client credentials grant (RFC 6749 §4.4), for
 * calling another service as this service: Cognito's `/oauth2/token` (resource-server scopes),
 * Auth0 (`audience`), Okta, Keycloak, Entra ID or any OIDC token endpoint.
 *
 * @example
 * ```ts
 * const orders = createClientCredentialsSource({
 *   tokenEndpoint: 'https://auth.example.com/oauth2/token',
 *   clientId: process.env.ORDERS_CLIENT_ID!,
 *   clientSecret: process.env.ORDERS_CLIENT_SECRET!,
 *   scopes: ['orders-api/orders.read'],
 * });
 * const response = await orders.fetch('https://orders.internal/orders/42');
 * ```
 */
export function createClientCredentialsSource(
  options: ClientCredentialsOptions,
): ClientCredentialsSource {
  const { config, clientId, fetchImpl, onEvent, refreshSkewSeconds } =
    resolveClientCredentialsOptions(options);

  let held: HeldToken | undefined;
  let pending: Promise<HeldToken> | undefined;

  function emit(event: ClientCredentialsEvent): void {
    // An observer's failure (a throw, an async listener's rejection) never changes whether a
    // token is obtained.
    notifyListener(onEvent, event);
  }

  function onFailure({ attempt, error, delayMs }: AttemptFailure): void {
    if (onEvent === undefined) return;
    const { code, status, oauthError } = error;
    emit({
      type: 'token-request-failed',
      clientId,
      attempt,
      code,
      status,
      oauthError,
      retryInMs: delayMs,
    });
  }

  async function renew(): Promise<HeldToken> {
    const previous = held;
    const startedAt = Date.now();
    try {
      const { granted, attempts } = await requestToken(config, onFailure);
      const lifetime = granted.expiresInSeconds ?? DEFAULT_EXPIRES_IN_SECONDS;
      // A skew longer than half the lifetime would renew short-lived tokens on every call.
      const skew = Math.min(refreshSkewSeconds, lifetime / 2);
      const next = {
        token: granted.accessToken,
        refreshAt: startedAt + (lifetime - skew) * 1000,
        expiresAt: startedAt + lifetime * 1000,
      };
      held = next;
      emit({
        type: 'token-fetched',
        clientId,
        attempts,
        durationMs: Date.now() - startedAt,
        expiresInSeconds: lifetime,
        expiresInDefaulted: granted.expiresInSeconds === undefined,
      });
      return next;
    } catch (error) {
      // An IdP blip during the renewal window must not fail callers while the token still works.
      const now = Date.now();
      if (
        error instanceof TokenEndpointError &&
        error.transient &&
        previous !== undefined &&
        held === previous &&
        now < previous.expiresAt
      ) {
        held = { ...previous, refreshAt: Math.min(previous.expiresAt, now + KEPT_TOKEN_RETRY_MS) };
        emit({ type: 'cached-token-kept', clientId, code: error.code });
        return held;
      }
      throw error;
    }
  }

  async function getToken(): Promise<string> {
    if (held !== undefined && Date.now() < held.refreshAt) return held.token;
    // Single flight: concurrent callers share one request.
    pending ??= renew().finally(() => {
      pending = undefined;
    });
    return (await pending).token;
  }

  /** Forgets `token` unless a newer one already replaced it (concurrent 401s renew once). */
  function drop(token: string): void {
    if (held?.token !== token) return;
    held = undefined;
    emit({ type: 'token-invalidated', clientId, reason: 'rejected-downstream' });
  }

  async function authorizedFetch(
    input: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> {
    const request = new Request(input, init);
    const token = await getToken();
    // Cloned before the first send consumes the body, so the replay can send it again.
    const replay = request.body === null ? request : request.clone();
    const response = await fetchImpl(withBearer(request, token));
    if (
      response.status !== 401 ||
      bearerChallengeError(response.headers.get('www-authenticate')) !== 'invalid_token'
    ) {
      await replay.body?.cancel().catch(() => undefined);
      return response;
    }
    await response.body?.cancel().catch(() => undefined);
    drop(token);
    return fetchImpl(withBearer(replay, await getToken()));
  }

  return {
    getToken,
    fetch: authorizedFetch,
    invalidate() {
      held = undefined;
      emit({ type: 'token-invalidated', clientId, reason: 'manual' });
    },
  };
}

function withBearer(request: Request, token: string): Request {
  const headers = new Headers(request.headers);
  headers.set('authorization', `Bearer ${token}`); // RFC 6750 §2.1
  return new Request(request, { headers });
}

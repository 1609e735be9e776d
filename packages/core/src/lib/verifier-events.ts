import type { ErrorDetail } from '../errors/error-detail.js';

/**
 * The request a rejected token came with, as an adapter describes it (see `Verifier.verify`):
 * method, path without the query string (which may hold a token, RFC 6750 §2.3), the route
 * pattern when the framework knows it, and the request id (Fastify's `request.id`, else an
 * `x-request-id` header). Every string is capped and stripped of control characters.
 *
 * @example
 * ```ts
 * createVerifier({
 *   issuers,
 *   onEvent: (event) => {
 *     if (event.type === 'rejected' && event.request) log.info(event.request, event.code); // { method, path, route, id }
 *   },
 * });
 * ```
 */
export interface RejectedRequest {
  /** The HTTP method. */
  readonly method: string | undefined;
  /** The path, without the query string. */
  readonly path: string | undefined;
  /** The route pattern (`/orders/:id`), when the framework knows it. */
  readonly route?: string;
  /** The request id. */
  readonly id?: string;
}

/**
 * What `verify()` may be told of the request a token came with, read only to describe a
 * rejection in its `rejected` event. Adapters pass their request (Node's `req` has this shape).
 */
export interface RequestSource {
  readonly method?: string | undefined;
  /** The request target; only the path part is reported. */
  readonly url?: string | undefined;
  readonly rawHeaders?: readonly string[];
  /** The route pattern (`/orders/:id`), or Express's `req.route`. */
  readonly route?: unknown;
  /** The framework's request id; without one, an `x-request-id` header is reported. */
  readonly id?: unknown;
}

/**
 * Observability events; the callback must be cheap and never throws into verification.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({
 *   issuers,
 *   onEvent: (event) => {
 *     if (event.type === 'rejected') log.info({ code: event.code, detail: event.detail }, 'token rejected');
 *     if (event.type === 'jwks-fetch' && !event.ok) log.warn({ uri: event.uri, error: event.error }, 'JWKS fetch failed');
 *   },
 * });
 * ```
 */
export type VerifierEvent =
  | {
      /** A token was verified. */
      readonly type: 'verified';
      /** Its `iss`. */
      readonly issuer: string;
      /** The `kid` of the key that verified it. */
      readonly kid: string | undefined;
    }
  | {
      /** A token was refused. */
      readonly type: 'rejected';
      /** The error's stable `code`, e.g. `TOKEN_EXPIRED`. */
      readonly code: string;
      /** The HTTP status it answers with. */
      readonly status: number;
      /** The token's `iss`, when it could be read. */
      readonly issuer: string | undefined;
      /** The error's `detail`: what was expected and what the token held. */
      readonly detail: ErrorDetail;
      /** Set when the token came through an adapter (or a `source` passed to `verify`). */
      readonly request?: RejectedRequest;
    }
  | {
      /** A JWKS was fetched (first use, expiry, or an unknown `kid`). */
      readonly type: 'jwks-fetch';
      /** The `jwks_uri`. */
      readonly uri: string;
      /** Whether usable keys came back. */
      readonly ok: boolean;
      /** How long the fetch took. */
      readonly durationMs: number;
      /** Keys in the document, when it was read. */
      readonly keys?: number;
      /** Why it failed, e.g. `HTTP 503`: safe to log. */
      readonly error?: string;
    }
  | {
      /** One endpoint's outcome in `prewarm()`; `secondary` failures do not reject it. */
      readonly type: 'prewarm';
      /** The endpoint's `iss`. */
      readonly issuer: string;
      /** Whether the endpoint is {@link IssuerEndpoint.secondary}. */
      readonly secondary: boolean;
      /** Whether its keys loaded. */
      readonly ok: boolean;
      /** How long loading took. */
      readonly durationMs: number;
      /** The `IdpUnavailableError`'s cause, e.g. `HTTP 403`: safe to log. */
      readonly error?: string;
    }
  | {
      /** An OpenID Connect discovery document was fetched. */
      readonly type: 'discovery';
      /** The issuer it describes. */
      readonly issuer: string;
      /** Whether a valid document came back. */
      readonly ok: boolean;
      /** How long the fetch took. */
      readonly durationMs: number;
      /** Why it failed: safe to log. */
      readonly error?: string;
    };

/**
 * The `onEvent` callback of the verifier: receives every {@link VerifierEvent}. A listener that
 * throws is ignored, so logging can never break verification.
 *
 * @example
 * ```ts
 * const onEvent: VerifierEventListener = (event) => metrics.increment(`tokengate.${event.type}`);
 * ```
 */
export type VerifierEventListener = (event: VerifierEvent) => void;

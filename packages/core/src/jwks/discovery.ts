import { IdpUnavailableError } from '../errors/errors.js';
import type { VerifierEventListener } from '../lib/types.js';
import { fetchJson, type BoundedFetchOptions } from '../lib/bounded-fetch.js';
import { notify } from '../lib/observe.js';
import { secureUrl } from '../lib/options.js';
import { waitWithin } from '../lib/request-wait.js';

/** Resolves an issuer's `jwks_uri` from OpenID Connect Discovery, once, sharing concurrent calls. */
export interface JwksUriResolver {
  resolve(): string | Promise<string>;
}

/** `timeoutMs` is the fetch's own deadline; `waitMs` how long one request waits for it. */
export interface DiscoveryOptions extends BoundedFetchOptions {
  readonly waitMs: number;
  readonly issuer: string;
  readonly allowInsecureHttp: boolean;
  readonly cooldownMs: number;
  readonly onEvent: VerifierEventListener | undefined;
}

export function createJwksUriResolver(options: DiscoveryOptions): JwksUriResolver {
  // OpenID Connect Discovery 1.0 §4: the issuer, without a trailing slash, plus the well-known path.
  const documentUrl = `${options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  let jwksUri: string | undefined;
  let inflight: Promise<string> | undefined;
  let failedAt = -Infinity;
  let lastError: Error | undefined;

  async function discover(): Promise<string> {
    const startedAt = Date.now();
    try {
      const { body } = await fetchJson(documentUrl, options);
      const document = (typeof body === 'object' && body !== null ? body : {}) as Record<
        string,
        unknown
      >;
      // OpenID Connect Discovery 1.0 §4.3: the document must name exactly the issuer we asked for.
      if (document.issuer !== options.issuer) throw new Error('document issuer does not match');
      let uri: string;
      try {
        uri = secureUrl(document.jwks_uri, 'jwks_uri', options.allowInsecureHttp);
      } catch (cause) {
        throw new Error('document jwks_uri is missing or not a secure URL', { cause });
      }
      jwksUri = uri;
      report(true, startedAt);
      return uri;
    } catch (error) {
      failedAt = Date.now();
      lastError = error instanceof Error ? error : new Error(String(error));
      report(false, startedAt, lastError.message);
      throw unavailable();
    } finally {
      inflight = undefined;
    }
  }

  function unavailable(): IdpUnavailableError {
    return new IdpUnavailableError({
      description: 'The identity provider discovery document is unavailable; retry later',
      cause: lastError,
      retryAfterSeconds: Math.ceil(options.cooldownMs / 1000),
    });
  }

  function report(ok: boolean, startedAt: number, error?: string): void {
    const durationMs = Date.now() - startedAt;
    notify(
      options.onEvent,
      error === undefined
        ? { type: 'discovery', issuer: options.issuer, ok, durationMs }
        : { type: 'discovery', issuer: options.issuer, ok, durationMs, error },
    );
  }

  async function waitFor(flight: Promise<string>): Promise<string> {
    // A slow document is still being fetched: this request answers 503 at its own deadline,
    // and the document, once in, serves every later request.
    const uri = await waitWithin(flight, options.waitMs, undefined);
    if (uri === undefined) throw unavailable();
    return uri;
  }

  return {
    resolve() {
      if (jwksUri !== undefined) return jwksUri;
      if (inflight === undefined) {
        // Only a failed attempt starts the cooldown; one still running is joined instead.
        if (Date.now() - failedAt < options.cooldownMs) return Promise.reject(unavailable());
        inflight = discover();
        // Nobody may be waiting when it fails (every wait ended): that is no unhandled rejection.
        inflight.catch(() => undefined);
      }
      return waitFor(inflight);
    },
  };
}

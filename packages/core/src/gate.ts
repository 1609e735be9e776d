import { authorize } from './rules/authorize.js';
import type { BearerRequest, Credentials } from './http/bearer.js';
import {
  InvalidTokenError,
  isTokengateError,
  MissingTokenError,
  type TokengateError,
} from './errors/errors.js';
import { createRequestBinding } from './binding/request-binding.js';
import type { ResourceMetadata } from './metadata/metadata-route.js';
import { fromFetchRequest, type FetchRequestSource } from './fetch-request.js';
import type { Rule } from './rules/rule.js';
import type { RequestSource, VerifiedToken, VerifierEventListener } from './lib/types.js';
import { isVerifiedToken } from './claims/verified-token.js';
import { createTransport } from './gate-transport.js';
import { verifiedOnly, verifierFailed } from './gate-verdict.js';
import { VERIFY_NOW, type VerifyNow, type VerifyNowEntry } from './verify/verifier-options.js';
import { resolveGateOptions, type GateAdapter, type GateOptions } from './gate-options.js';

export type { GateAdapter, GateOptions } from './gate-options.js';

/**
 * The request path shared by every adapter: extract, verify, authorize.
 *
 * @example
 * ```ts
 * // A minimal adapter for node:http.
 * const gate: Gate = createGate({ issuers });
 * createServer(async (req, res) => {
 *   try {
 *     const auth = await gate.authenticate(req);
 *     gate.authorize(auth, anyScope('orders:read'), req);
 *     res.end(JSON.stringify({ sub: auth?.subject }));
 *   } catch (err) {
 *     if (!isTokengateError(err)) throw err;
 *     res.writeHead(err.status, err.headers).end(JSON.stringify(err.toJSON()));
 *   }
 * }).listen(3000);
 * ```
 */
export interface Gate {
  /**
   * Extracts and verifies the request's bearer token. Resolves to `undefined` for an
   * anonymous request in optional mode; otherwise rejects with a `TokengateError`.
   */
  authenticate(request: BearerRequest & RequestSource): Promise<VerifiedToken | undefined>;
  /**
   * `authenticate()` for adapters on the hot path: the result itself when nothing needs to wait
   * (a cached bearer token, an in-memory revocation store), otherwise a promise; a refusal is
   * thrown synchronously or rejected, always as a `TokengateError`. One call, no promise on a
   * cache hit: a reused token costs about what no authentication costs.
   */
  authenticateFast(
    request: BearerRequest & RequestSource,
  ): VerifiedToken | undefined | Promise<VerifiedToken | undefined>;
  /**
   * `authenticate()` for a Fetch-API `Request` (Hono, Workers, Bun, Deno): the same answers,
   * read from `Headers`, the URL, the method and, with `allowBodyToken`, a clone of a
   * form-encoded body (RFC 6750 §2.2; at most 100 KiB). See `FetchRequestSource` for the
   * raw header lines a Node server underneath can add.
   */
  authenticateRequest(
    request: Request,
    source?: FetchRequestSource,
  ): Promise<VerifiedToken | undefined>;
  /**
   * Throws a 401 when there is no `auth` or it is not a verifier's result (see
   * `isVerifiedToken`), a 403 when `rule` refuses it. With `request`, the error carries the
   * gate's challenges (see `challenge()`).
   */
  authorize(auth: VerifiedToken | undefined | null, rule?: Rule, request?: BearerRequest): void;
  /**
   * Sets the realm and the challenges this gate answers with (DPoP's, RFC 9728's
   * `resource_metadata`) on an error raised outside it for `request`, e.g. by an adapter's own
   * guard. An error that already has them is left alone. `auth`: the request's verified token,
   * whose binding tells which scheme the client used.
   */
  challenge(error: TokengateError, request: BearerRequest, auth?: unknown): void;
  /** The `realm` option, for the challenges of errors an adapter raises itself. */
  readonly realm: string | undefined;
  /**
   * The RFC 9728 document for a request to the metadata path (or a path-suffixed form of it),
   * as `{ status: 200, headers, body }`; `undefined` when metadata is off or the path is
   * another one. Adapters answer with it.
   */
  resourceMetadata(request: BearerRequest): ResourceMetadata | undefined;
  /**
   * The well-known path the metadata is served under (RFC 9728 §3), when metadata is on; its
   * path-suffixed forms sit below it. For adapters that register routes.
   */
  readonly resourceMetadataPath: string | undefined;
  /**
   * The `DPoP-Nonce` to send with a response (RFC 9449 §8.2), when server nonces are on;
   * adapters set it on every authenticated response.
   */
  dpopNonce(): string | undefined | Promise<string | undefined>;
  /**
   * Graceful shutdown: closes the verifier the gate built from options (its JWKS refresh
   * timers and fetches in flight). A `verifier` or `albVerifier` passed in is yours: it is left
   * open, as it may serve other gates. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Builds the framework-free request path that the Express, Koa and Fastify adapters wrap.
 * Everything is validated here, once; per request it only extracts, verifies and checks.
 *
 * @example
 * ```ts
 * const gate = createGate({ issuers: [cognitoIssuer({ userPoolId, clientId })], realm: 'api' });
 * const auth = await gate.authenticate({ rawHeaders: req.rawHeaders, url: req.url, method: req.method });
 * gate.authorize(auth, anyGroup('admin'));
 * ```
 */
export function createGate(given: GateOptions, adapter: GateAdapter = DIRECT): Gate {
  const { options, verifier, owned, realm, optional } = resolveGateOptions(given, adapter);
  const transport = createTransport(options, realm);
  const { bearerOptions, binding, dpopRequired, extract, fetchHeaders, metadata, decorate, dpop } =
    transport;

  function challenge(error: TokengateError, request: BearerRequest, auth?: unknown): void {
    // Already answered for a request, unless it was for none (`authorize()` without one) and
    // this request's origin can now name the metadata document.
    const given = error.challenge;
    if (
      given !== undefined &&
      (request === NO_REQUEST || metadata === undefined || given.resourceMetadata !== undefined)
    ) {
      return;
    }
    const own = error.realm;
    // RFC 9449 §7.1: the error stays in the challenge of the scheme the request used, which a
    // first decoration already knows (no `auth` exists when authentication itself failed).
    const bound = isVerifiedToken(auth) && auth.binding.type === 'dpop';
    decorate(error, request, given?.scheme ?? (bound ? 'dpop' : 'bearer'));
    if (own !== undefined) error.realm = own;
  }

  const bound = createRequestBinding({
    binding,
    dpop,
    realm,
    onEvent: (options as { onEvent?: VerifierEventListener }).onEvent,
    decorated: (error, request, scheme) => decorated(error, request, scheme),
  });

  // A verifier of this copy of the core answers a cache hit without a promise; another's (a
  // `verifier` passed in from the other build) through `verify()`.
  const entry = (verifier as { [VERIFY_NOW]?: VerifyNowEntry })[VERIFY_NOW];
  // Checked on every call: a `verify` replaced after the gate was built is still called.
  const verifyNow: VerifyNow = (token, source, callOptions) =>
    entry !== undefined && entry.verify === verifier.verify
      ? entry.now(token, source, callOptions)
      : verifier.verify(token, source, callOptions);

  /**
   * The request path, synchronous when nothing needs to wait (a cache hit of a bearer token):
   * then the result, else a promise. Only `TokengateError`s are thrown or rejected with.
   */
  function authenticateFast(
    request: BearerRequest & RequestSource,
  ): VerifiedToken | undefined | Promise<VerifiedToken | undefined> {
    let credentials: Credentials | undefined;
    try {
      credentials = extract(request);
      if (credentials === undefined) {
        if (optional) return undefined;
        throw new MissingTokenError({ realm });
      }
      if (dpopRequired && credentials.scheme === 'bearer') {
        // RFC 9449 §7.2: where DPoP is required, a bearer token is refused before any work.
        throw new InvalidTokenError('DPOP_SCHEME_REQUIRED', {
          description: 'This resource requires DPoP: send a DPoP-bound token with a DPoP proof',
          realm,
        });
      }
      // The request rides along for the verifier's `rejected` event (method, path, route, id).
      const verdict = verifyNow(credentials.token, request, ALLOW_BOUND_TOKENS);
      if (verdict instanceof Promise) return finishLater(verdict, request, credentials);
      return bound(verifiedOnly(verdict, realm), request, credentials);
    } catch (error) {
      throw decorated(error, request, credentials?.scheme);
    }
  }

  async function finishLater(
    verdict: Promise<VerifiedToken>,
    request: BearerRequest,
    credentials: Credentials,
  ): Promise<VerifiedToken> {
    try {
      return await bound(verifiedOnly(await verdict, realm), request, credentials);
    } catch (error) {
      throw decorated(error, request, credentials.scheme);
    }
  }

  function decorated(
    error: unknown,
    request: BearerRequest,
    scheme: Credentials['scheme'] | undefined,
  ): unknown {
    // The brand, not `instanceof`: a `verifier` passed in may come from another copy of the core.
    if (!isTokengateError(error)) return verifierFailed(error, realm);
    if (error.challenge === undefined) decorate(error, request, scheme);
    return error;
  }

  async function authenticate(
    request: BearerRequest & RequestSource,
  ): Promise<VerifiedToken | undefined> {
    return authenticateFast(request);
  }

  return {
    authenticate,
    authenticateFast,
    async authenticateRequest(request, source) {
      return authenticate(
        await fromFetchRequest(
          request,
          bearerOptions.allowBodyToken === true,
          realm,
          source,
          fetchHeaders,
        ),
      );
    },
    authorize(auth, rule, request) {
      try {
        // Only a verifier's own result counts: another middleware's `req.auth` (a decoded but
        // unverified payload, say) is no token at all. See verified-token.ts.
        if (!isVerifiedToken(auth)) throw new MissingTokenError({ realm });
        if (rule !== undefined) authorize(auth, rule, { realm });
      } catch (error) {
        // Without the request, the challenges still name the schemes; `resource_metadata`
        // needs its origin (unless `publicOrigin` or a configured resource gives it).
        if (isTokengateError(error)) challenge(error, request ?? NO_REQUEST, auth);
        throw error;
      }
    },
    challenge,
    realm,
    resourceMetadata(request) {
      return metadata?.serve(request);
    },
    resourceMetadataPath: metadata?.path,
    dpopNonce() {
      return dpop?.nonce();
    },
    async close() {
      await Promise.all([owned?.close(), dpop?.close()]);
    },
  };
}

const DIRECT: GateAdapter = { name: 'createGate' };

const NO_REQUEST: BearerRequest = Object.freeze({ rawHeaders: Object.freeze([]) });

const ALLOW_BOUND_TOKENS = Object.freeze({ allowBoundTokens: true });

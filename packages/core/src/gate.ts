import { authorize } from './rules/authorize.js';
import { extractBearerToken, type BearerOptions, type BearerRequest } from './http/bearer.js';
import { isTokengateError, MissingTokenError } from './errors/errors.js';
import { fromFetchRequest, type FetchRequestSource } from './fetch-request.js';
import type { AlbVerifier } from './alb/alb-verifier.js';
import { extractAlbToken } from './alb/alb-header.js';
import type { Rule } from './rules/rule.js';
import type { RequestSource, VerifiedToken } from './lib/types.js';
import { isVerifiedToken } from './claims/verified-token.js';
import { assertKnownKeys } from './lib/options.js';
import { createVerifier } from './verify/verifier.js';
import {
  VERIFIER_OPTION_KEYS,
  type Verifier,
  type VerifierOptions,
} from './verify/verifier-options.js';

/** Options every framework adapter takes: a verifier (or its options) plus transport rules. */
export type GateOptions = BearerOptions & {
  /**
   * Let requests without credentials through with no `auth` attached. A token that is
   * presented is still verified, and a bad one still fails.
   */
  readonly optional?: boolean;
} & (
    | { readonly verifier: Verifier }
    /**
     * Behind an Application Load Balancer with authentication: read the ALB's signed
     * `x-amzn-oidc-data` header instead of `Authorization`.
     */
    | { readonly albVerifier: AlbVerifier }
    | VerifierOptions
  );

/** Who builds the gate, for option errors: an adapter names itself and its own option names. */
export interface GateAdapter {
  /** Named in option errors, e.g. `@tokengate/koa authenticate()`. */
  readonly name: string;
  /** The adapter's own option names (Koa's `respond`, Fastify's `errorHandler`). */
  readonly keys?: readonly string[];
}

const DIRECT: GateAdapter = { name: 'createGate' };

/** The transport and gate names of `GateOptions`; the verifier's come from `createVerifier`. */
const GATE_OPTION_KEYS = [
  'allowQueryToken',
  'allowBodyToken',
  'realm',
  'optional',
  'verifier',
  'albVerifier',
] as const;

/** The options left for `createVerifier()` once the gate's and the adapter's are taken out. */
function verifierOptions(options: object, adapterKeys: readonly string[]): VerifierOptions {
  const rest: Record<string, unknown> = { ...options };
  for (const key of [...GATE_OPTION_KEYS, ...adapterKeys]) delete rest[key];
  return rest as VerifierOptions;
}

/** The request path shared by every adapter: extract, verify, authorize. */
export interface Gate {
  /**
   * Extracts and verifies the request's bearer token. Resolves to `undefined` for an
   * anonymous request in optional mode; otherwise rejects with a `TokengateError`.
   */
  authenticate(request: BearerRequest & RequestSource): Promise<VerifiedToken | undefined>;
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
   * `isVerifiedToken`), a 403 when `rule` refuses it.
   */
  authorize(auth: VerifiedToken | undefined | null, rule?: Rule): void;
  readonly realm: string | undefined;
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
export function createGate(options: GateOptions, adapter: GateAdapter = DIRECT): Gate {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  // GateOptions is a union: a name any of its branches (or the adapter) takes is known.
  const adapterKeys = adapter.keys ?? [];
  assertKnownKeys(
    options,
    new Set([...GATE_OPTION_KEYS, ...VERIFIER_OPTION_KEYS, ...adapterKeys]),
    adapter.name,
  );
  const owned =
    'verifier' in options || 'albVerifier' in options
      ? undefined
      : createVerifier(verifierOptions(options, adapterKeys));
  const verifier =
    owned ??
    ('verifier' in options
      ? options.verifier
      : (options as { albVerifier: AlbVerifier }).albVerifier);
  if (typeof verifier?.verify !== 'function') {
    throw new TypeError(
      'verifier must come from createVerifier() (or albVerifier from createAlbVerifier())',
    );
  }
  const extract =
    'albVerifier' in options
      ? (request: BearerRequest) => extractAlbToken(request.rawHeaders, realm)
      : (request: BearerRequest) => extractBearerToken(request, bearerOptions);
  const realm = options.realm;
  if (realm !== undefined && typeof realm !== 'string')
    throw new TypeError('realm must be a string');
  for (const flag of ['optional', 'allowQueryToken', 'allowBodyToken'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') {
      throw new TypeError(`${flag} must be a boolean`);
    }
  }
  const optional = options.optional === true;
  const bearerOptions: BearerOptions = {
    allowQueryToken: options.allowQueryToken === true,
    allowBodyToken: options.allowBodyToken === true,
    ...(realm === undefined ? {} : { realm }),
  };

  async function authenticate(
    request: BearerRequest & RequestSource,
  ): Promise<VerifiedToken | undefined> {
    const token = extract(request);
    if (token === undefined) {
      if (optional) return undefined;
      throw new MissingTokenError({ realm });
    }
    try {
      // The request rides along only for the verifier's `rejected` event (method, path, route, id).
      return await verifier.verify(token, request);
    } catch (error) {
      // The brand, not `instanceof`: a `verifier` passed in may come from another copy of the core.
      if (isTokengateError(error)) error.realm = realm;
      throw error;
    }
  }

  return {
    authenticate,
    async authenticateRequest(request, source) {
      return authenticate(
        await fromFetchRequest(request, bearerOptions.allowBodyToken === true, realm, source),
      );
    },
    authorize(auth, rule) {
      // Only a verifier's own result counts: another middleware's `req.auth` (a decoded but
      // unverified payload, say) is no token at all. See verified-token.ts.
      if (!isVerifiedToken(auth)) throw new MissingTokenError({ realm });
      if (rule !== undefined) authorize(auth, rule, { realm });
    },
    realm,
    async close() {
      await owned?.close();
    },
  };
}

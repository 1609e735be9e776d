import type { BearerOptions } from './http/bearer.js';
import type { TokenSourceOptions } from './http/token-sources.js';
import type { DpopMode, DpopOptions } from './dpop/dpop-options.js';
import type { ClientCertificateSource } from './mtls/client-certificate.js';
import type { ResourceMetadataOptions } from './metadata/resource-metadata-options.js';
import type { BearerMethod } from './metadata/resource-metadata.js';
import type { AlbVerifier } from './alb/alb-verifier.js';
import type { TrustedIssuer } from './lib/types.js';
import { assertKnownKeys, optionalBoolean, optionsSnapshot } from './lib/options.js';
import { createVerifier } from './verify/verifier.js';
import {
  VERIFIER_OPTION_KEYS,
  type Verifier,
  type VerifierOptions,
} from './verify/verifier-options.js';

/**
 * Options every framework adapter takes: a verifier (or its options) plus transport rules.
 *
 * @example
 * ```ts
 * const options: GateOptions = {
 *   issuers: [cognitoIssuer({ userPoolId: 'eu-west-1_AbCdEf123', clientId: '1example23456789' })],
 *   realm: 'api',
 *   dpop: 'allowed',
 *   publicOrigin: 'https://api.example.com',
 *   resourceMetadata: true,
 * };
 * const gate = createGate(options);
 * ```
 */
export type GateOptions = BearerOptions &
  TokenSourceOptions & {
    /**
     * Let requests without credentials through with no `auth` attached. A token that is
     * presented is still verified, and a bad one still fails.
     */
    readonly optional?: boolean;
    /**
     * DPoP (RFC 9449): `'allowed'` (default) accepts `Authorization: DPoP` with a proof next to
     * bearer tokens, `'required'` refuses bearer tokens, `'disabled'` refuses DPoP-bound tokens.
     * A DPoP-bound token is never accepted without its proof, whatever the mode. See docs/dpop.md.
     */
    readonly dpop?: DpopMode | DpopOptions;
    /**
     * Where a certificate-bound token's client certificate comes from (RFC 8705): the TLS socket
     * (default), or a header your proxy sets, named explicitly. See docs/mtls.md.
     */
    readonly clientCertificate?: ClientCertificateSource;
    /**
     * This server's public origin (`https://api.example.com`), for DPoP's `htu` and the RFC 9728
     * metadata. Default: from `Host` and the connection, or the forwarded headers when trusted.
     */
    readonly publicOrigin?: string;
    /**
     * Read the origin from `X-Forwarded-Proto` / `X-Forwarded-Host`, one value each (a list is
     * a 400: the client may have started it): only behind a proxy that sets them, overwriting
     * the client's. Default `false`.
     */
    readonly trustForwardedHeaders?: boolean;
    /**
     * RFC 9728 protected-resource metadata: `true` (or options) serves the document through the
     * adapter and names it in every challenge's `resource_metadata`. See docs/resource-metadata.md.
     */
    readonly resourceMetadata?: boolean | ResourceMetadataOptions;
  } & (
    | ({
        /** A verifier built with `createVerifier()`, shared with other gates; yours to close. */
        readonly verifier: Verifier;
      } & NoVerifierOptions)
    | ({
        /**
         * Behind an Application Load Balancer with authentication: read the ALB's signed
         * `x-amzn-oidc-data` header instead of `Authorization`.
         */
        readonly albVerifier: AlbVerifier;
      } & NoVerifierOptions)
    | VerifierOptions
  );

/**
 * Next to a prebuilt `verifier` or `albVerifier`, the options only `createVerifier()` reads are
 * compile errors, as they are `TypeError`s at run time: that verifier is used as it was built.
 *
 * @example
 * ```ts
 * // @ts-expect-error: `issuers` belongs where the verifier is built
 * const options: GateOptions = { verifier: createVerifier({ issuers }), issuers };
 * ```
 */
export type NoVerifierOptions = { readonly [K in keyof VerifierOptions]?: never };

/**
 * Who builds the gate, for option errors: an adapter names itself and its own option names.
 *
 * @example
 * ```ts
 * const adapter: GateAdapter = { name: '@acme/tokengate-polka authenticate()', keys: ['respond'] };
 * const gate = createGate(options, adapter); // option errors name the adapter, `respond` is accepted
 * ```
 */
export interface GateAdapter {
  /** Named in option errors, e.g. `@tokengate/koa authenticate()`. */
  readonly name: string;
  /** The adapter's own option names (Koa's `respond`, Fastify's `errorHandler`). */
  readonly keys?: readonly string[];
}

/** The transport and gate names of `GateOptions`; the verifier's come from `createVerifier`. */
export const GATE_OPTION_KEYS = [
  'allowQueryToken',
  'allowBodyToken',
  'realm',
  'optional',
  'verifier',
  'albVerifier',
  'dpop',
  'clientCertificate',
  'publicOrigin',
  'trustForwardedHeaders',
  'resourceMetadata',
  'tokenCookie',
  'getToken',
] as const;

/** The options left for `createVerifier()` once the gate's and the adapter's are taken out. */
export function verifierOptions(options: object, adapterKeys: readonly string[]): VerifierOptions {
  const rest: Record<string, unknown> = { ...options };
  for (const key of [...GATE_OPTION_KEYS, ...adapterKeys]) delete rest[key];
  return rest as VerifierOptions;
}

/**
 * A gate given a verifier built elsewhere uses that verifier as it is: options of
 * `createVerifier()` next to it (`issuers`, `cache`, `revocation`…) would be silently ignored,
 * and a gate that looks configured for one issuer would trust the verifier's. Refused instead.
 */
export function assertNoVerifierOptions(options: GateOptions, where: string): void {
  const given = options as Record<string, unknown>;
  if (given['verifier'] !== undefined && given['albVerifier'] !== undefined) {
    throw new TypeError(`${where}: verifier and albVerifier cannot be used together`);
  }
  const which = 'verifier' in given ? 'verifier' : 'albVerifier';
  for (const key of VERIFIER_OPTION_KEYS) {
    if (given[key] !== undefined) {
      throw new TypeError(
        `${where}: ${key} is an option of createVerifier(), not of a gate given ${which}: set it where that verifier is built`,
      );
    }
  }
}

/** The issuers named in the metadata's `authorization_servers` by default. */
export function issuersOf(options: object): readonly string[] {
  const issuers = (options as { issuers?: readonly TrustedIssuer[] }).issuers;
  if (!Array.isArray(issuers)) return [];
  // A secondary endpoint (Cognito's other issuer form, a replica region) may answer 403 for a
  // pool that does not use it: a client must not be sent there.
  return [
    ...new Set(
      issuers.flatMap((issuer: TrustedIssuer) =>
        issuer.endpoints.filter((e) => e.secondary !== true).map((e) => e.issuer),
      ),
    ),
  ];
}

/** RFC 9728 §2 `bearer_methods_supported`: RFC 6750 §2's ways this gate reads a token. */
export function bearerMethodsOf(options: BearerOptions, dpopRequired: boolean): BearerMethod[] {
  if (dpopRequired) return ['header'];
  const methods: BearerMethod[] = ['header'];
  if (options.allowBodyToken === true) methods.push('body');
  if (options.allowQueryToken === true) methods.push('query');
  return methods;
}

/** RFC 9110 §5.6.4 qdtext that needs no quoted-pair: printable ASCII but `"` and `\`. */
const QUOTABLE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** What `createGate` builds on: its options read once and checked, and its verifier. */
export interface ResolvedGateOptions {
  /** The one reading of the options every later read (and the verifier's) sees. */
  readonly options: GateOptions;
  readonly verifier: Verifier | AlbVerifier;
  /** The verifier built from the options, which the gate closes; none for one passed in. */
  readonly owned: Verifier | undefined;
  readonly realm: string | undefined;
  readonly optional: boolean;
}

/**
 * Reads a gate's options once (own and inherited keys, as the key check sees them), checks
 * them, and builds the verifier unless one is given. Every mistake is a `TypeError` here.
 */
export function resolveGateOptions(given: GateOptions, adapter: GateAdapter): ResolvedGateOptions {
  if (typeof given !== 'object' || given === null) throw new TypeError('options must be an object');
  // GateOptions is a union: a name any of its branches (or the adapter) takes is known.
  const adapterKeys = adapter.keys ?? [];
  const known = new Set([...GATE_OPTION_KEYS, ...VERIFIER_OPTION_KEYS, ...adapterKeys]);
  const options = optionsSnapshot(given, known);
  assertKnownKeys(options, known, adapter.name);
  const prebuilt = 'verifier' in options || 'albVerifier' in options;
  if (prebuilt) assertNoVerifierOptions(options, adapter.name);
  const owned = prebuilt ? undefined : createVerifier(verifierOptions(options, adapterKeys));
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
  const realm = options.realm;
  // RFC 9110 §11.2: the realm is sent as a quoted-string; anything a challenge would have to
  // escape or rewrite is refused here, so the realm a client sees is the one configured.
  if (realm !== undefined && (typeof realm !== 'string' || !QUOTABLE.test(realm))) {
    throw new TypeError(
      `realm must be printable ASCII without " or \\, got ${JSON.stringify(realm) ?? String(realm)}`,
    );
  }
  for (const flag of ['allowQueryToken', 'allowBodyToken'] as const) {
    optionalBoolean(options[flag], flag, false);
  }
  const optional = optionalBoolean(options.optional, 'optional', false);
  return { options, verifier, owned, realm, optional };
}

import { extractAlbToken } from './alb/alb-header.js';
import type { SenderBindingPolicy } from './binding/sender-binding.js';
import { dpopPolicy, type DpopPolicy } from './dpop/dpop-options.js';
import type { ChallengeContext } from './errors/challenge.js';
import type { TokengateError } from './errors/errors.js';
import { bearerMethodsOf, issuersOf, type GateOptions } from './gate-options.js';
import type { TrustedIssuer } from './lib/types.js';
import {
  extractCredentials,
  type BearerOptions,
  type BearerRequest,
  type Credentials,
} from './http/bearer.js';
import { originPolicy } from './http/request-origin.js';
import { tokenSources, withTokenSources } from './http/token-sources.js';
import { createMetadataRoute, type MetadataRoute } from './metadata/metadata-route.js';
import { clientCertificatePolicy } from './mtls/client-certificate.js';

/**
 * How a gate reads a request and answers it, validated once from its options: which
 * credentials it reads (RFC 6750 header, query, body; the DPoP scheme; a cookie or the app's
 * own source; the ALB's header), how it checks a bound token's proof, the RFC 9728 metadata,
 * and the challenges its errors carry.
 */
export interface Transport {
  readonly bearerOptions: BearerOptions;
  /** `undefined` when DPoP is disabled (or behind the ALB). */
  readonly dpop: DpopPolicy | undefined;
  readonly dpopRequired: boolean;
  readonly binding: SenderBindingPolicy;
  readonly metadata: MetadataRoute | undefined;
  /** Header names the Fetch-API path must copy besides the token's own. */
  readonly fetchHeaders: readonly string[];
  extract(request: BearerRequest): Credentials | undefined;
  /** Sets the realm and the challenges of this gate on an error for `request`. */
  decorate(
    error: TokengateError,
    request: BearerRequest,
    scheme: Credentials['scheme'] | undefined,
  ): void;
}

/** Builds the transport of a gate; every option mistake is a `TypeError` here. */
export function createTransport(options: GateOptions, realm: string | undefined): Transport {
  const bearerOptions: BearerOptions = {
    allowQueryToken: options.allowQueryToken === true,
    allowBodyToken: options.allowBodyToken === true,
    ...(realm === undefined ? {} : { realm }),
  };
  const alb = 'albVerifier' in options;
  if (alb && options.dpop !== undefined && options.dpop !== 'disabled') {
    throw new TypeError("dpop: the ALB's header is no DPoP credential; leave dpop unset");
  }
  const dpop = alb ? undefined : dpopPolicy(options.dpop);
  if (dpop !== undefined) assertKnownIssuers(dpop.issuerModes, options);
  const dpopAccepted = dpop !== undefined && dpop.mode !== 'disabled';
  const dpopRequired = dpop?.mode === 'required';
  const origin = originPolicy(options.publicOrigin, options.trustForwardedHeaders);
  const binding: SenderBindingPolicy = {
    dpop: dpopAccepted ? dpop : undefined,
    certificate: clientCertificatePolicy(options.clientCertificate),
    origin,
    realm,
  };
  const metadata = createMetadataRoute(options.resourceMetadata, {
    origin,
    issuers: issuersOf(options),
    bearerMethods: bearerMethodsOf(bearerOptions, dpopRequired),
    dpopAlgorithms: dpopAccepted ? dpop.algorithms : undefined,
    dpopRequired,
    certificateBound: options.clientCertificate !== undefined,
  });
  // The challenges every answer of this gate offers (RFC 9449 §7.1, RFC 9728 §5.1); without
  // DPoP or metadata, exactly RFC 6750's single Bearer challenge.
  const challenges = dpopAccepted || metadata !== undefined;
  const dpopAlgs = dpopAccepted ? dpop.algorithms.join(' ') : undefined;
  const sources = tokenSources(options);
  // What the Fetch-API path must copy from `Headers` besides the token's own.
  const fetchHeaders = [
    ...(dpopAccepted ? ['dpop'] : []),
    ...(origin.trustForwardedHeaders ? ['x-forwarded-proto', 'x-forwarded-host'] : []),
    ...binding.certificate.headerNames,
    ...(sources?.headerNames ?? []),
  ];

  if (alb && sources !== undefined) {
    throw new TypeError("tokenCookie and getToken: the ALB's header is the only credential there");
  }
  if (alb) {
    for (const name of ['allowQueryToken', 'allowBodyToken', 'clientCertificate'] as const) {
      if (options[name] !== undefined && options[name] !== false) {
        throw new TypeError(
          `${name}: the ALB's header is the only credential there, and it is bound to no certificate`,
        );
      }
    }
  }
  if (dpopRequired) {
    // RFC 9449 §7.2: with DPoP required every token must come in the DPoP scheme, so a source
    // that can only carry a bearer token would refuse everything it finds.
    for (const name of ['allowQueryToken', 'allowBodyToken', 'tokenCookie', 'getToken'] as const) {
      if (options[name] !== undefined && options[name] !== false) {
        throw new TypeError(
          `${name} has no effect with dpop: 'required': its tokens are bearer tokens, all refused (RFC 9449 §7.2)`,
        );
      }
    }
  }
  const extract = alb
    ? (request: BearerRequest): Credentials | undefined => {
        const token = extractAlbToken(request.rawHeaders, realm);
        return token === undefined ? undefined : { token, scheme: 'bearer' };
      }
    : sources === undefined
      ? (request: BearerRequest) => extractCredentials(request, bearerOptions, dpopAccepted)
      : (request: BearerRequest) =>
          withTokenSources(
            extractCredentials(request, bearerOptions, dpopAccepted),
            request,
            sources,
            realm,
          );

  /** Sets what the answer's challenge needs on an error, as the gate is configured. */
  function decorate(
    error: TokengateError,
    request: BearerRequest,
    scheme: Credentials['scheme'] | undefined,
  ): void {
    error.realm = realm;
    if (!challenges) return;
    let resourceMetadata: string | undefined;
    try {
      resourceMetadata = metadata?.url(request);
    } catch {
      // A request without a usable Host still gets its answer, without the metadata URL.
    }
    const context: ChallengeContext = {
      bearer: !dpopRequired,
      dpopAlgs,
      scheme,
      resourceMetadata,
    };
    error.challenge = context;
  }

  return {
    bearerOptions,
    dpop: dpopAccepted ? dpop : undefined,
    dpopRequired,
    binding,
    metadata,
    fetchHeaders,
    extract,
    decorate,
  };
}

/**
 * `dpop.issuers` names issuers by their exact `iss`: a key no issuer of this gate has (a typo,
 * a trailing slash) would silently leave that issuer at the gate's mode, so it fails here.
 */
function assertKnownIssuers(modes: ReadonlyMap<string, unknown>, options: GateOptions): void {
  if (modes.size === 0) return;
  const issuers = (options as { issuers?: readonly TrustedIssuer[] }).issuers;
  const known = new Set(
    (Array.isArray(issuers) ? issuers : []).flatMap((issuer: TrustedIssuer) =>
      issuer.endpoints.map((endpoint) => endpoint.issuer),
    ),
  );
  for (const issuer of modes.keys()) {
    if (!known.has(issuer)) {
      throw new TypeError(
        `dpop.issuers[${JSON.stringify(issuer)}] is not the iss of an issuer configured on this gate (its issuers option)`,
      );
    }
  }
}

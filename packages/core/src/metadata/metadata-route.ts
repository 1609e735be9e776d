import {
  challengeMetadataUrl,
  protectedResourceMetadata,
  type BearerMethod,
} from './resource-metadata.js';
import {
  resourceMetadataPolicy,
  type ResourceMetadataOptions,
} from './resource-metadata-options.js';
import type { Algorithm } from '../lib/types.js';
import type { BearerRequest } from '../http/bearer.js';
import { requestOrigin, type OriginPolicy } from '../http/request-origin.js';

/**
 * An answer to a metadata request, ready for any framework to send.
 *
 * @example
 * ```ts
 * const metadata: ResourceMetadata | undefined = gate.resourceMetadata(req);
 * if (metadata !== undefined) res.writeHead(metadata.status, metadata.headers).end(metadata.body);
 * ```
 */
export interface ResourceMetadata {
  /** Always 200. */
  readonly status: 200;
  /** `Content-Type: application/json`, `Cache-Control` and CORS (`Access-Control-Allow-Origin: *`). */
  readonly headers: Readonly<Record<string, string>>;
  /** The RFC 9728 §2 JSON document. */
  readonly body: string;
}

/** The gate's metadata endpoint and the URL its challenges name (RFC 9728 §3, §5.1). */
export interface MetadataRoute {
  /** The `resource_metadata` URL for a challenge to `request`, or `undefined`. */
  url(request: BearerRequest): string | undefined;
  /** The document when `request` targets the metadata path, else `undefined`. */
  serve(request: BearerRequest): ResourceMetadata | undefined;
  /** The well-known path (RFC 9728 §3); path-suffixed forms sit below it. */
  readonly path: string;
}

export interface MetadataContext {
  readonly origin: OriginPolicy;
  readonly issuers: readonly string[];
  readonly bearerMethods: readonly BearerMethod[];
  readonly dpopAlgorithms: readonly Algorithm[] | undefined;
  readonly dpopRequired: boolean;
  readonly certificateBound: boolean;
}

// RFC 9728 §3.2: `application/json`. Browser-based clients (an MCP inspector, a SPA) read it
// cross-origin: it holds nothing private. Cached for a while only when it is the same for every
// request (a configured resource or `publicOrigin`); built from `Host`, a shared cache could
// keep one client's `Host` for the next, so it is not stored.
const SHARED_HEADERS = Object.freeze({
  'Content-Type': 'application/json',
  'Cache-Control': 'public, max-age=300',
  'Access-Control-Allow-Origin': '*',
});
const PER_REQUEST_HEADERS = Object.freeze({
  'Content-Type': 'application/json',
  'Cache-Control': 'no-store',
  'Access-Control-Allow-Origin': '*',
});

/** Validates the `resourceMetadata` gate option once; `undefined` when it is off. */
export function createMetadataRoute(
  option: boolean | ResourceMetadataOptions | undefined,
  context: MetadataContext,
): MetadataRoute | undefined {
  const policy = resourceMetadataPolicy(option);
  if (policy === undefined) return undefined;
  const headers =
    policy.resourceOrigin !== undefined || context.origin.fixed !== undefined
      ? SHARED_HEADERS
      : PER_REQUEST_HEADERS;
  return {
    path: policy.path,
    url(request) {
      // The configured resource's URL needs no request; otherwise, the request's own origin.
      if (policy.resourceOrigin !== undefined) return challengeMetadataUrl(policy, '');
      return challengeMetadataUrl(policy, requestOrigin(context.origin, request, undefined));
    },
    serve(request) {
      const target = request.originalUrl ?? request.url;
      if (target === undefined || !target.startsWith(policy.path)) return undefined;
      let origin: string;
      try {
        origin = requestOrigin(context.origin, request, undefined);
      } catch {
        // No usable Host: there is no resource to describe.
        return undefined;
      }
      const document = protectedResourceMetadata({
        options: policy,
        origin,
        requestPath: target,
        issuers: context.issuers,
        bearerMethods: context.bearerMethods,
        dpopAlgorithms: context.dpopAlgorithms,
        dpopRequired: context.dpopRequired,
        mtls: context.certificateBound,
      });
      return document === undefined
        ? undefined
        : { status: 200, headers, body: JSON.stringify(document) };
    },
  };
}

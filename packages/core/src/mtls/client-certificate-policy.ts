import { assertKnownKeys, describe, isPlainObject, optionKeys } from '../lib/options.js';

/**
 * How a TLS-terminating proxy writes the client certificate into its header:
 * - `aws-alb`: the ALB's `X-Amzn-Mtls-Clientcert` (mutual TLS passthrough: the whole chain,
 *   leaf first) or `X-Amzn-Mtls-Clientcert-Leaf` (verify mode): URL-encoded PEM, `+`, `=` and
 *   `/` left as they are;
 * - `envoy-xfcc`: Envoy's `x-forwarded-client-cert`, its `Cert=` value (URL-encoded PEM), and
 *   exactly one element (one proxy);
 * - `url-encoded-pem`: one URL-encoded PEM certificate, e.g. nginx's `$ssl_client_escaped_cert`;
 * - `rfc9440`: RFC 9440's `Client-Cert` field (§2.1–2.2), the leaf's DER as a Structured Field
 *   Byte Sequence (`:base64:`), e.g. Cloudflare's `cf.tls_client_auth.cert_rfc9440`.
 *
 * @example
 * ```ts
 * const format: ClientCertificateHeaderFormat = 'url-encoded-pem'; // nginx: proxy_set_header X-Client-Cert $ssl_client_escaped_cert;
 * const requireAuth = authenticate({ issuers, clientCertificate: { header: 'x-client-cert', format } });
 * ```
 */
export type ClientCertificateHeaderFormat =
  'aws-alb' | 'envoy-xfcc' | 'url-encoded-pem' | 'rfc9440';

/**
 * Where the client certificate of a request comes from (RFC 8705 §3): `'socket'` (the default),
 * the TLS connection Node terminated itself; or a header a TLS-terminating proxy sets, which is
 * read only when named here, since any client can send any header the proxy does not strip.
 *
 * @example
 * ```ts
 * import type { ClientCertificateSource } from '@tokengate/core';
 *
 * const behindAlb: ClientCertificateSource = { header: 'x-amzn-mtls-clientcert', format: 'aws-alb' };
 * ```
 */
export type ClientCertificateSource =
  | 'socket'
  | {
      /** The header's name, matched case-insensitively. */
      readonly header:
        | 'x-amzn-mtls-clientcert'
        | 'x-amzn-mtls-clientcert-leaf'
        | 'x-forwarded-client-cert'
        | 'client-cert'
        // Any other name (nginx has none of its own); `string & {}` keeps the hints above.
        | (string & {});
      /** How the proxy encodes the certificate in it. */
      readonly format: ClientCertificateHeaderFormat;
    };

/**
 * A validated `ClientCertificateSource`, built once by `clientCertificatePolicy()`.
 *
 * @example
 * ```ts
 * const policy: ClientCertificatePolicy = clientCertificatePolicy({ header: 'x-forwarded-client-cert', format: 'envoy-xfcc' });
 * const x5tS256 = await certificateThumbprint(policy, req);
 * ```
 */
export interface ClientCertificatePolicy {
  /** Read from the TLS socket, or from a proxy's header. */
  readonly source: 'socket' | 'header';
  /** The header's name in lower case; `undefined` for the socket. */
  readonly header: string | undefined;
  /** The header's encoding; `undefined` for the socket. */
  readonly format: ClientCertificateHeaderFormat | undefined;
  /** The headers a request must carry to the core (the Fetch-API path copies them). */
  readonly headerNames: readonly string[];
}

const SOCKET: ClientCertificatePolicy = Object.freeze({
  source: 'socket',
  header: undefined,
  format: undefined,
  headerNames: Object.freeze([]),
});

const FORMATS: ReadonlySet<string> = new Set<ClientCertificateHeaderFormat>([
  'aws-alb',
  'envoy-xfcc',
  'url-encoded-pem',
  'rfc9440',
]);

type HeaderSource = Exclude<ClientCertificateSource, 'socket'>;
const HEADER_SOURCE_KEYS = optionKeys<HeaderSource>({ header: true, format: true });

// RFC 9110 §5.1: field-name = token; §5.6.2: tchar.
const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Validates where client certificates come from, once, at creation: a `TypeError` naming
 * `path` for anything but `'socket'`, `undefined` (the socket) or `{ header, format }` with an
 * HTTP field name and a known format.
 *
 * @example
 * ```ts
 * import { clientCertificatePolicy } from '@tokengate/core';
 *
 * const policy = clientCertificatePolicy({ header: 'X-Forwarded-Client-Cert', format: 'envoy-xfcc' });
 * policy.header; // 'x-forwarded-client-cert'
 * ```
 */
export function clientCertificatePolicy(
  source: ClientCertificateSource | undefined,
  path = 'clientCertificate',
): ClientCertificatePolicy {
  if (source === undefined || source === 'socket') return SOCKET;
  // A plain object only: a Map's entries are no options (its `header` would read undefined).
  if (!isPlainObject(source)) {
    throw new TypeError(
      `${path} must be 'socket' or { header, format }, got ${describe(source as unknown)}`,
    );
  }
  assertKnownKeys(source, HEADER_SOURCE_KEYS, path);
  const header: unknown = source.header;
  if (typeof header !== 'string' || !FIELD_NAME.test(header)) {
    throw new TypeError(
      `${path}.header must be an HTTP header name (RFC 9110 §5.1), got ${describe(header)}`,
    );
  }
  const format: unknown = source.format;
  if (typeof format !== 'string' || !FORMATS.has(format)) {
    throw new TypeError(
      `${path}.format must be 'aws-alb', 'envoy-xfcc', 'url-encoded-pem' or 'rfc9440', got ${describe(format)}`,
    );
  }
  const name = header.toLowerCase();
  return Object.freeze({
    source: 'header',
    header: name,
    format: format as ClientCertificateHeaderFormat,
    headerNames: Object.freeze([name]),
  });
}

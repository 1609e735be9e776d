import { backend } from '#crypto-backend';
import { encodeBase64 } from '../lib/base64.js';
import type { TlsSocketLike } from '../http/bearer.js';
import { headerCertificate } from './certificate-header.js';
import type { ClientCertificatePolicy } from './client-certificate-policy.js';
import { socketCertificate } from './socket-certificate.js';

export {
  clientCertificatePolicy,
  type ClientCertificateHeaderFormat,
  type ClientCertificatePolicy,
  type ClientCertificateSource,
} from './client-certificate-policy.js';
export type { TlsSocketLike } from '../http/bearer.js';

/**
 * What `certificateThumbprint` reads of a request: Node's `req.rawHeaders` and `req.socket`.
 *
 * @example
 * ```ts
 * const request: CertificateRequest = { rawHeaders: req.rawHeaders, socket: req.socket };
 * const x5tS256 = await certificateThumbprint(clientCertificatePolicy(undefined), request);
 * ```
 */
export interface CertificateRequest {
  /** The header lines as received, name and value alternating. */
  readonly rawHeaders: readonly string[];
  /** The connection, for a certificate Node's TLS server received itself. */
  readonly socket?: TlsSocketLike | undefined;
}

/**
 * The X.509 certificate SHA-256 thumbprint of the request's client certificate (RFC 8705 §3.1:
 * base64url of the SHA-256 of its DER, what a certificate-bound token's `cnf["x5t#S256"]`
 * holds), from the TLS socket or the proxy header the policy names, or `undefined` when the
 * request has no client certificate. Throws `InvalidRequestError` `CERTIFICATE_HEADER_MALFORMED`
 * (400) for a repeated header or one that holds no certificate. Synchronous on Node; a promise
 * with Web Crypto, which hashes only asynchronously, and only when there is a certificate.
 *
 * @example
 * ```ts
 * import { certificateThumbprint, clientCertificatePolicy } from '@tokengate/core';
 * import type { IncomingMessage } from 'node:http';
 *
 * declare const req: IncomingMessage;
 * const policy = clientCertificatePolicy('socket');
 * const x5tS256 = await certificateThumbprint(policy, { rawHeaders: req.rawHeaders, socket: req.socket });
 * ```
 */
export function certificateThumbprint(
  policy: ClientCertificatePolicy,
  request: CertificateRequest,
  realm?: string,
): string | undefined | Promise<string | undefined> {
  const der =
    policy.source === 'socket'
      ? socketCertificate(request.socket)
      : headerCertificate(policy, request.rawHeaders, realm);
  if (der === undefined) return undefined;
  const digest = backend.sha256(der);
  return digest instanceof Uint8Array
    ? encodeBase64(digest, true)
    : digest.then((bytes) => encodeBase64(bytes, true));
}

import { InvalidRequestError } from '../errors/errors.js';
import type { ClientCertificatePolicy } from './client-certificate-policy.js';
import { byteSequence } from './byte-sequence.js';
import { isDerCertificate } from './der-certificate.js';
import { pemCertificates, percentDecode } from './pem-certificate.js';
import { xfccCertificate, type XfccFailure } from './xfcc.js';

/**
 * The longest header value read, before any decoding. A certificate is 1–2 KB of DER, up to
 * about 3 KB as URL-encoded PEM; the ALB's passthrough header carries the whole chain the client
 * sent (TLS lets it reach 16 MiB, RFC 8446 §4.4.2), so this leaves room for a leaf,
 * intermediates and a root, and no more.
 */
export const MAX_CERTIFICATE_HEADER_LENGTH = 32 * 1024;

/** Certificates in the ALB's chain header, the leaf included; real chains hold three or four. */
const MAX_CHAIN_LENGTH = 10;

type Failure =
  | XfccFailure
  | 'repeated header'
  | 'too large'
  | 'encoding'
  | 'PEM'
  | 'byte sequence'
  | 'not a certificate';

/**
 * The DER bytes of the client (leaf) certificate in the policy's header, or `undefined` when
 * the request has no such header (or an empty one: no certificate was presented). Throws
 * `InvalidRequestError` `CERTIFICATE_HEADER_MALFORMED` (400, RFC 6750 §3.1 `invalid_request`)
 * for a repeated header or one that does not hold what its format says: the token is not at
 * fault, so no `invalid_token`, which would tell the client to throw its token away.
 */
export function headerCertificate(
  policy: ClientCertificatePolicy,
  rawHeaders: readonly string[],
  realm: string | undefined,
): Uint8Array | undefined {
  const name = policy.header as string;
  const value = oneHeader(rawHeaders, name, realm);
  if (value === undefined) return undefined;
  if (value.length > MAX_CERTIFICATE_HEADER_LENGTH) throw malformed('too large', name, realm);
  if (policy.format === 'rfc9440') {
    // RFC 9440 §2.2: the DER of the leaf itself, no PEM and no chain (that is `Client-Cert-Chain`).
    const der = byteSequence(value);
    if (der === undefined) throw malformed('byte sequence', name, realm);
    if (!isDerCertificate(der)) throw malformed('not a certificate', name, realm);
    return der;
  }
  let encoded = value;
  if (policy.format === 'envoy-xfcc') {
    const found = xfccCertificate(value);
    if (typeof found === 'string') throw malformed(found, name, realm);
    encoded = found.cert;
  }
  const pem = percentDecode(encoded);
  if (pem === undefined) throw malformed('encoding', name, realm);
  // RFC 8705 §3: the certificate of the TLS connection is the leaf; the ALB sends it first and
  // the rest of the chain after it (its documented order: leaf to root).
  const chain = pemCertificates(pem, policy.format === 'aws-alb' ? MAX_CHAIN_LENGTH : 1);
  if (chain === undefined) throw malformed('PEM', name, realm);
  for (const certificate of chain) {
    if (!isDerCertificate(certificate)) throw malformed('not a certificate', name, realm);
  }
  return chain[0];
}

/**
 * The value of the one line of `name`, or `undefined` without one. Two lines are refused: Node
 * keeps both in `rawHeaders`, and the one the proxy wrote may be either (RFC 9110 §5.3).
 */
function oneHeader(
  rawHeaders: readonly string[],
  name: string,
  realm: string | undefined,
): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const field = rawHeaders[i] as string;
    if (field.length !== name.length || field.toLowerCase() !== name) continue;
    if (value !== undefined) throw malformed('repeated header', name, realm);
    value = rawHeaders[i + 1] ?? '';
  }
  // An empty value says "no certificate": what a proxy that always writes the header sends
  // when its variable is empty (nginx's `$ssl_client_escaped_cert` without a client certificate).
  return value === undefined || value.trim() === '' ? undefined : value;
}

function malformed(
  reason: Failure,
  header: string,
  realm: string | undefined,
): InvalidRequestError {
  return new InvalidRequestError('CERTIFICATE_HEADER_MALFORMED', {
    description:
      reason === 'repeated header'
        ? 'Request has more than one client certificate header'
        : 'Client certificate header is malformed',
    realm,
    detail: { header, reason },
  });
}

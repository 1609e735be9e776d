import type { TlsSocketLike } from '../http/bearer.js';
import { isDerCertificate } from './der-certificate.js';

/**
 * The DER bytes of the client certificate of a TLS connection Node terminated
 * (`tls.TLSSocket#getPeerCertificate().raw`), or `undefined`: a plain-HTTP socket, no
 * certificate (Node answers `{}`), or anything that does not look like Node's socket. Never
 * throws: an odd object, or a getter that throws, only means no certificate.
 */
export function socketCertificate(socket: TlsSocketLike | undefined): Uint8Array | undefined {
  try {
    if (typeof socket !== 'object' || socket === null || socket.encrypted !== true) {
      return undefined;
    }
    const read = socket.getPeerCertificate;
    if (typeof read !== 'function') return undefined;
    // `false`: the leaf alone; RFC 8705 §3.1 binds to the certificate the client presented.
    const peer: unknown = read.call(socket, false);
    if (typeof peer !== 'object' || peer === null) return undefined;
    const raw: unknown = (peer as { readonly raw?: unknown }).raw;
    // Node's DER is a whole certificate; the check costs little and holds other sockets to it.
    return raw instanceof Uint8Array && isDerCertificate(raw) ? raw : undefined;
  } catch {
    return undefined;
  }
}

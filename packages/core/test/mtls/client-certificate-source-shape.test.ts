// `clientCertificate` must be 'socket' or a plain { header, format }: a Map carries no
// readable option, and is refused as the wrong shape rather than as a missing header.
import { clientCertificatePolicy, type ClientCertificateSource } from '@tokengate/core';
import { describe, expect, it } from 'vitest';

describe('clientCertificatePolicy() shape', () => {
  it('refuses a Map holding header and format', () => {
    const source = new Map([
      ['header', 'x-client-cert'],
      ['format', 'url-encoded-pem'],
    ]) as unknown as ClientCertificateSource;
    expect(() => clientCertificatePolicy(source)).toThrow(TypeError);
    expect(() => clientCertificatePolicy(source)).toThrow(
      /^clientCertificate must be 'socket' or \{ header, format \}, got an object/,
    );
  });

  it('takes a plain object, and one without a prototype', () => {
    const bare = Object.assign(Object.create(null) as object, {
      header: 'x-client-cert',
      format: 'url-encoded-pem',
    }) as ClientCertificateSource;
    expect(clientCertificatePolicy(bare).header).toBe('x-client-cert');
  });
});

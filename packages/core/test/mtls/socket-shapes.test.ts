// Sockets that are not Node's TLS socket, or not quite: the socket source reads what looks like
// `tls.TLSSocket#getPeerCertificate().raw` and nothing else, and never throws.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  certificateThumbprint,
  clientCertificatePolicy,
  type CertificateRequest,
} from '../../src/mtls/client-certificate.js';
import { socketCertificate } from '../../src/mtls/socket-certificate.js';
import { certificateThumbprintOf, createCertificate } from '../../../../test/support/x509.js';

const SOCKET = clientCertificatePolicy('socket');
const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const der = createCertificate({
  commonName: 'client',
  publicKey: pair.publicKey,
  signingKey: pair.privateKey,
});

describe('odd sockets', () => {
  const cases: readonly [string, unknown][] = [
    ['no socket', undefined],
    ['null', null],
    ['a string', 'socket'],
    ['not encrypted', { encrypted: false, getPeerCertificate: () => ({ raw: der }) }],
    ['encrypted as a string', { encrypted: 'true', getPeerCertificate: () => ({ raw: der }) }],
    ['no getPeerCertificate', { encrypted: true }],
    ['getPeerCertificate not a function', { encrypted: true, getPeerCertificate: 'yes' }],
    [
      'getPeerCertificate throws',
      {
        encrypted: true,
        getPeerCertificate: () => {
          throw new Error('closed');
        },
      },
    ],
    [
      'an encrypted getter that throws',
      {
        get encrypted(): boolean {
          throw new Error('boom');
        },
      },
    ],
    ['null certificate', { encrypted: true, getPeerCertificate: () => null }],
    [
      'empty certificate (no client certificate)',
      { encrypted: true, getPeerCertificate: () => ({}) },
    ],
    [
      'raw as base64 text',
      { encrypted: true, getPeerCertificate: () => ({ raw: der.toString('base64') }) },
    ],
    ['raw empty', { encrypted: true, getPeerCertificate: () => ({ raw: new Uint8Array(0) }) }],
    [
      'raw not a certificate',
      { encrypted: true, getPeerCertificate: () => ({ raw: new Uint8Array([0x30, 0x00]) }) },
    ],
    [
      'raw getter that throws',
      {
        encrypted: true,
        getPeerCertificate: () => ({
          get raw(): never {
            throw new Error('x');
          },
        }),
      },
    ],
  ];

  it.each(cases)('%s: no certificate, no throw', (_name, socket) => {
    expect(socketCertificate(socket as CertificateRequest['socket'])).toBeUndefined();
    expect(
      certificateThumbprint(SOCKET, {
        rawHeaders: [],
        socket: socket as CertificateRequest['socket'],
      }),
    ).toBeUndefined();
  });

  it('reads a socket-like object that has the certificate, passing `detailed` false', async () => {
    const calls: unknown[] = [];
    const socket = {
      encrypted: true,
      getPeerCertificate(this: unknown, detailed?: boolean) {
        calls.push([this === socket, detailed]);
        return { raw: new Uint8Array(der) };
      },
    };
    expect(await certificateThumbprint(SOCKET, { rawHeaders: [], socket })).toBe(
      certificateThumbprintOf(der),
    );
    expect(calls).toEqual([[true, false]]);
  });
});

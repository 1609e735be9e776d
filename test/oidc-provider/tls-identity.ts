// Keys and certificates for the mutual-TLS tests, made fresh for each run (test/support/x509.ts),
// and a client that presents one on its own TLS connection.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { RequestListener } from 'node:http';
import { createServer, request, type RequestOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { certificatePem, createCertificate } from '../support/x509.js';

export interface Identity {
  /** PKCS #8 PEM private key. */
  readonly key: string;
  /** PEM certificate. */
  readonly cert: string;
  readonly der: Buffer;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/**
 * An EC P-256 key and its certificate: self-signed without `issuer` (RFC 8705 §2.2), else
 * signed by it; `ca` makes a test CA, `hosts` a TLS server's subjectAltName.
 */
export function identity(
  commonName: string,
  options: { issuer?: Identity; ca?: boolean; hosts?: string[] } = {},
): Identity {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = createCertificate({
    commonName,
    publicKey: pair.publicKey,
    signingKey: options.issuer?.privateKey ?? pair.privateKey,
    serialNumber: Math.floor(Math.random() * 2 ** 40),
    ...(options.issuer && { issuerName: 'test CA' }),
    ...(options.ca === true && { ca: true }),
    ...(options.hosts && { altNames: options.hosts }),
  });
  return {
    key: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    cert: certificatePem(der),
    der,
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
  };
}

export interface TlsAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * One request on a fresh TLS connection that trusts `ca`, presenting `identity`'s certificate
 * when given. No agent: no connection or session is reused across identities.
 */
export function tlsRequest(
  url: string,
  options: { ca: string; identity?: Identity; headers?: Record<string, string>; body?: string },
): Promise<TlsAnswer> {
  const settings: RequestOptions = {
    method: options.body === undefined ? 'GET' : 'POST',
    headers: options.headers,
    ca: options.ca,
    agent: false,
    ...(options.identity && { key: options.identity.key, cert: options.identity.cert }),
  };
  return new Promise((resolve, reject) => {
    const req = request(url, settings, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode!, body: JSON.parse(text) as Record<string, unknown> });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export interface TlsServer {
  /** `https://127.0.0.1:<port>` */
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * A `node:https` server on 127.0.0.1 that asks for a client certificate (RFC 8705 §3) and
 * lets self-signed ones (§2.2) and connections without one reach the app.
 */
export async function listenOnTls(app: RequestListener, server: Identity): Promise<TlsServer> {
  const https = createServer(
    { key: server.key, cert: server.cert, requestCert: true, rejectUnauthorized: false },
    app,
  );
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  return {
    origin: `https://127.0.0.1:${(https.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        https.closeAllConnections();
        https.close(() => resolve());
      }),
  };
}

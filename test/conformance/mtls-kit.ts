// Shared world of the certificate-binding conformance table (RFC 8705): a test CA's server
// certificate for 127.0.0.1, two self-signed client certificates (RFC 8705 §2.2), tokens bound
// to the first, and the apps each adapter serves them with: https reading the TLS socket, plain
// http (no certificate at all), and plain http behind a named proxy header.
import { X509Certificate, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { oidcIssuer, type GateOptions } from '@tokengate/core';
import { createDpopKey, createTestIssuer, type DpopKey, type TestIssuer } from '@tokengate/testing';
import { startApp, type RunningApp } from './apps.js';
import { ADAPTERS, REALM, USER_SUB } from './dpop-kit.js';
import { certificatePem, createCertificate } from '../support/x509.js';

export interface Identity {
  /** PEM certificate. */
  readonly cert: string;
  /** PKCS #8 PEM private key. */
  readonly key: string;
  readonly privateKey: KeyObject;
  readonly commonName: string;
}

/** An EC P-256 key and a certificate for it: self-signed, or signed by `issuer` (a test CA). */
function identity(
  commonName: string,
  options: { issuer?: Identity; ca?: boolean; hosts?: string[] } = {},
): Identity {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = createCertificate({
    commonName,
    publicKey: pair.publicKey,
    signingKey: options.issuer?.privateKey ?? pair.privateKey,
    serialNumber: Math.floor(Math.random() * 2 ** 40),
    ...(options.issuer === undefined ? {} : { issuerName: options.issuer.commonName }),
    ...(options.ca === true ? { ca: true } : {}),
    ...(options.hosts === undefined ? {} : { altNames: options.hosts }),
  });
  return {
    cert: certificatePem(der),
    key: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    privateKey: pair.privateKey,
    commonName,
  };
}

/** The proxy header the `header` apps trust, as nginx's `$ssl_client_escaped_cert` fills it. */
export const CERT_HEADER = 'x-ssl-client-cert';
/** RFC 9440 §2.2: the field a proxy writes the client certificate into. */
export const RFC9440_HEADER = 'Client-Cert';

export interface MtlsWorld {
  readonly idp: TestIssuer;
  /** The CA the clients trust for the server's certificate. */
  readonly ca: string;
  readonly server: Identity;
  /** The client the tokens are bound to, and another one. */
  readonly client: Identity;
  readonly stranger: Identity;
  /** scopes [orders:read], `cnf["x5t#S256"]` of `client`'s certificate. */
  readonly bound: string;
  /** No `cnf`. */
  readonly plain: string;
  /** A DPoP key and a token bound to it, for DPoP over https. */
  readonly dpopKey: DpopKey;
  readonly dpopBound: string;
}

export async function createMtlsWorld(): Promise<MtlsWorld> {
  const idp = await createTestIssuer();
  const ca = identity('conformance test CA', { ca: true });
  const client = identity('orders-client');
  const dpopKey = await createDpopKey();
  const user = { sub: USER_SUB, scopes: ['orders:read'] };
  return {
    idp,
    ca: ca.cert,
    server: identity('127.0.0.1', { issuer: ca, hosts: ['127.0.0.1'] }),
    client,
    stranger: identity('orders-client'),
    bound: await idp.accessToken({ ...user, certificate: client.cert }),
    plain: await idp.accessToken(user),
    dpopKey,
    dpopBound: await idp.accessToken({ ...user, dpop: dpopKey }),
  };
}

/**
 * `tls`: https, the certificate read from the socket (the default source); `http`: the same
 * gate on plain http; `header`: plain http, the certificate read from `CERT_HEADER` only;
 * `client-cert`: plain http, the certificate read from RFC 9440's `Client-Cert` only.
 */
export type MtlsApp = 'tls' | 'http' | 'header' | 'client-cert';

function gateOptions(world: MtlsWorld, app: MtlsApp): GateOptions {
  const { idp } = world;
  return {
    realm: REALM,
    issuers: [oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience })],
    ...(app === 'header'
      ? { clientCertificate: { header: CERT_HEADER, format: 'url-encoded-pem' } }
      : {}),
    ...(app === 'client-cert'
      ? { clientCertificate: { header: RFC9440_HEADER, format: 'rfc9440' } }
      : {}),
  };
}

/** Starts every app on every adapter; keys are `app:adapter`. */
export async function startMtlsApps(world: MtlsWorld): Promise<Map<string, RunningApp>> {
  const running = new Map<string, RunningApp>();
  // RFC 8705 §3: the server asks for a certificate; self-signed ones (§2.2) and none get through.
  const tls = {
    key: world.server.key,
    cert: world.server.cert,
    requestCert: true,
    rejectUnauthorized: false,
  };
  await Promise.all(
    (['tls', 'http', 'header', 'client-cert'] as const).flatMap((app) =>
      ADAPTERS.map(async (adapter) => {
        const setup = app === 'tls' ? { tls } : {};
        running.set(`${app}:${adapter}`, await startApp(adapter, gateOptions(world, app), setup));
      }),
    ),
  );
  return running;
}

/** The URL-encoded PEM nginx writes (`$ssl_client_escaped_cert`). */
export const escapedPem = (identity: Identity): string => encodeURIComponent(identity.cert);

/** RFC 9440 §2.2: the certificate's DER as a Structured Field Byte Sequence. */
export const byteSequence = (identity: Identity): string =>
  `:${new X509Certificate(identity.cert).raw.toString('base64')}:`;

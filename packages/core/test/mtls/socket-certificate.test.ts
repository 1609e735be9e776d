// The client certificate of a TLS connection Node terminated itself (RFC 8705 §3), over real
// `https` and `http2` servers on loopback with `requestCert` and no CA check: RFC 8705 §2.2's
// self-signed certificates are bound by their thumbprint, not by a chain.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import {
  Agent,
  createServer as createHttpsServer,
  request as httpsRequest,
  type RequestOptions,
} from 'node:https';
import { connect as connectHttp2, createSecureServer } from 'node:http2';
import type { AddressInfo, Server } from 'node:net';
import { backend } from '#crypto-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  certificateThumbprint,
  clientCertificatePolicy,
  type CertificateRequest,
} from '../../src/mtls/client-certificate.js';
import {
  certificatePem,
  certificateThumbprintOf,
  createCertificate,
} from '../../../../test/support/x509.js';

const keyPem = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }) as string;

interface Identity {
  readonly key: string;
  readonly cert: string;
  readonly der: Buffer;
}

function identity(
  type: 'rsa' | 'ec' | 'ed25519',
  commonName: string,
  issuer?: { readonly name: string; readonly key: KeyObject },
  extra: { readonly altNames?: readonly string[]; readonly ca?: boolean } = {},
): Identity & { readonly privateKey: KeyObject } {
  const pair =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : type === 'ec'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519');
  const der = createCertificate({
    commonName,
    publicKey: pair.publicKey,
    signingKey: issuer?.key ?? pair.privateKey,
    ...(issuer === undefined ? {} : { issuerName: issuer.name }),
    ...extra,
    serialNumber: Math.floor(Math.random() * 2 ** 40),
  });
  return {
    key: keyPem(pair.privateKey),
    cert: certificatePem(der),
    der,
    privateKey: pair.privateKey,
  };
}

const SOCKET = clientCertificatePolicy('socket');
// A header any client can send: never read unless named as the source.
const FORGED_HEADER = ['X-Amzn-Mtls-Clientcert', '-----BEGIN%20CERTIFICATE-----%0AMIIB'];

let ca: ReturnType<typeof identity>;
let server: ReturnType<typeof identity>;
let selfSigned: Identity; // RFC 8705 §2.2
let issued: Identity; // RFC 8705 §2.1, by the test CA
let ed25519: Identity;

/** What the server saw: the thumbprint, and whether it came back without a promise. */
interface Seen {
  readonly thumbprint: string | null;
  readonly synchronous: boolean;
  readonly reused?: boolean;
}

async function seen(request: CertificateRequest, reused?: boolean): Promise<Seen> {
  const result = certificateThumbprint(SOCKET, request);
  const synchronous = !(result instanceof Promise);
  return {
    thumbprint: (await result) ?? null,
    synchronous,
    ...(reused === undefined ? {} : { reused }),
  };
}

function listen(listener: Server): Promise<number> {
  return new Promise((resolve) =>
    listener.listen(0, '127.0.0.1', () => resolve((listener.address() as AddressInfo).port)),
  );
}

let httpsServer: ReturnType<typeof createHttpsServer>;
let httpsPort: number;

beforeAll(async () => {
  ca = identity('ec', 'tokengate test CA', undefined, { ca: true });
  const caIssuer = { name: 'tokengate test CA', key: ca.privateKey };
  server = identity('rsa', 'localhost', caIssuer, { altNames: ['localhost', '127.0.0.1'] });
  selfSigned = identity('ec', 'self-signed client');
  issued = identity('rsa', 'issued client', caIssuer);
  ed25519 = identity('ed25519', 'ed25519 client');
  httpsServer = createHttpsServer(
    { key: server.key, cert: server.cert, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      void seen(
        { rawHeaders: req.rawHeaders, socket: req.socket as CertificateRequest['socket'] },
        (req.socket as unknown as { isSessionReused(): boolean }).isSessionReused(),
      ).then((body) => res.end(JSON.stringify(body)));
    },
  );
  httpsPort = await listen(httpsServer);
});

afterAll(async () => {
  httpsServer.closeAllConnections();
  await new Promise((resolve) => httpsServer.close(resolve));
});

function get(options: RequestOptions): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port: httpsPort, path: '/', ca: ca.cert, ...options },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve(JSON.parse(body) as Seen));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('the TLS socket as the certificate source', () => {
  it('gives the x5t#S256 of the DER the client presented (RFC 8705 §3.1)', async () => {
    for (const client of [selfSigned, issued, ed25519]) {
      const answer = await get({ key: client.key, cert: client.cert, agent: false });
      expect(answer.thumbprint).toBe(certificateThumbprintOf(client.der));
      expect(answer.thumbprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
    expect(certificateThumbprintOf(selfSigned.der)).not.toBe(certificateThumbprintOf(issued.der));
  });

  it('answers synchronously on node:crypto, with a promise on Web Crypto', async () => {
    const answer = await get({ key: selfSigned.key, cert: selfSigned.cert, agent: false });
    expect(answer.synchronous).toBe(backend.name === 'node');
  });

  it('gives undefined for a TLS client without a certificate, and ignores a forged header', async () => {
    expect(await get({ agent: false })).toEqual({
      thumbprint: null,
      synchronous: true,
      reused: false,
    });
    expect(
      await get({ agent: false, headers: { [FORGED_HEADER[0]!]: FORGED_HEADER[1]! } }),
    ).toEqual({ thumbprint: null, synchronous: true, reused: false });
  });

  it('reads the certificate on every request of a kept-alive connection and a resumed session', async () => {
    const agent = new Agent({ keepAlive: false, maxCachedSessions: 10 });
    const options = { key: issued.key, cert: issued.cert, agent };
    const first = await get(options);
    const second = await get(options);
    agent.destroy();
    expect(first.reused).toBe(false);
    // The resumed session (RFC 8446 §2.2) still knows the certificate the client proved.
    expect(second.reused).toBe(true);
    expect(second.thumbprint).toBe(certificateThumbprintOf(issued.der));
    expect(first.thumbprint).toBe(second.thumbprint);

    const keptAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    const answers = [];
    for (let i = 0; i < 3; i += 1) {
      answers.push(await get({ key: selfSigned.key, cert: selfSigned.cert, agent: keptAlive }));
    }
    keptAlive.destroy();
    expect(new Set(answers.map((answer) => answer.thumbprint))).toEqual(
      new Set([certificateThumbprintOf(selfSigned.der)]),
    );
  });

  it('reads an HTTP/2 request through the compatibility API', async () => {
    const h2 = createSecureServer(
      { key: server.key, cert: server.cert, requestCert: true, rejectUnauthorized: false },
      (req, res) => {
        void seen({
          rawHeaders: req.rawHeaders,
          socket: req.socket as unknown as CertificateRequest['socket'],
        }).then((body) => res.end(JSON.stringify(body)));
      },
    );
    const port = await listen(h2);
    try {
      const session = connectHttp2(`https://127.0.0.1:${port}`, {
        ca: ca.cert,
        key: selfSigned.key,
        cert: selfSigned.cert,
      });
      const body = await new Promise<string>((resolve, reject) => {
        const stream = session.request({ ':path': '/' });
        let text = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => (text += chunk));
        stream.on('end', () => resolve(text));
        stream.on('error', reject);
      });
      session.close();
      expect((JSON.parse(body) as Seen).thumbprint).toBe(certificateThumbprintOf(selfSigned.der));
    } finally {
      await new Promise((resolve) => h2.close(resolve));
    }
  });

  it('gives undefined on plain HTTP', async () => {
    const plain = createHttpServer((req, res) => {
      void seen({
        rawHeaders: req.rawHeaders,
        socket: req.socket as CertificateRequest['socket'],
      }).then((body) => res.end(JSON.stringify(body)));
    });
    const port = await listen(plain);
    try {
      const body = await new Promise<string>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            path: '/',
            headers: { [FORGED_HEADER[0]!]: FORGED_HEADER[1]! },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (text += chunk));
            res.on('end', () => resolve(text));
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(JSON.parse(body)).toEqual({ thumbprint: null, synchronous: true });
    } finally {
      plain.closeAllConnections();
      await new Promise((resolve) => plain.close(resolve));
    }
  });
});

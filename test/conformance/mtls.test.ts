// The conformance table's certificate-bound tokens (RFC 8705 §3), run against every adapter on
// a real https server per adapter (`requestCert`, self-signed clients let through), on plain
// http, and on http behind a named proxy header: the token works only over a connection whose
// client certificate it names, and a header is evidence only where the app names it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from './apps.js';
import {
  ADAPTERS,
  ALGS,
  dpopRequest,
  expectAnswer,
  ok,
  proofRefused,
  REALM,
  tokenRefusedInBearer,
  tokenRefusedInDpop,
} from './dpop-kit.js';
import {
  byteSequence,
  CERT_HEADER,
  createMtlsWorld,
  escapedPem,
  RFC9440_HEADER,
  startMtlsApps,
  type MtlsApp,
  type MtlsWorld,
} from './mtls-kit.js';
import type { Expected } from './scenarios.js';
import { sendRaw, type RawRequest } from '../support/raw-http-client.js';
import { sendTls } from '../support/tls-client.js';

interface MtlsScenario {
  readonly name: string;
  readonly app: MtlsApp;
  /** The certificate the client presents on the TLS connection (`tls` apps only). */
  readonly presents?: 'client' | 'stranger';
  readonly request: (world: MtlsWorld, origin: string) => Promise<RawRequest> | RawRequest;
  readonly expected: Expected;
}

const get = (token: string, ...headers: [string, string][]): RawRequest => ({
  path: '/me',
  headers: [['Authorization', `Bearer ${token}`], ...headers],
});
const MISSING = tokenRefusedInBearer(
  'Token is certificate-bound: the connection has no client certificate',
);
const MISMATCH = tokenRefusedInBearer('Token is bound to another client certificate');
const headerRefused = (description: string): Expected => ({
  status: 400,
  challenge: `Bearer realm="${REALM}", error="invalid_request", error_description="${description}", DPoP realm="${REALM}", algs="${ALGS}"`,
  body: { error: 'invalid_request', error_description: description },
});
/** The world's DPoP client: its key and the token bound to it. */
const dpop = (world: MtlsWorld) => ({ key: world.dpopKey, bound: world.dpopBound });

const SCENARIOS: readonly MtlsScenario[] = [
  // https, the certificate of the TLS connection.
  {
    name: 'the bound certificate',
    app: 'tls',
    presents: 'client',
    request: (w) => get(w.bound),
    expected: ok(),
  },
  { name: 'no client certificate', app: 'tls', request: (w) => get(w.bound), expected: MISSING },
  {
    name: 'another certificate, same subject',
    app: 'tls',
    presents: 'stranger',
    request: (w) => get(w.bound),
    expected: MISMATCH,
  },
  {
    name: 'a bearer token with a certificate',
    app: 'tls',
    presents: 'client',
    request: (w) => get(w.plain),
    expected: ok(),
  },
  { name: 'a bearer token without one', app: 'tls', request: (w) => get(w.plain), expected: ok() },
  {
    name: 'the bound certificate, the token sent with the DPoP scheme',
    app: 'tls',
    presents: 'client',
    request: (w) => ({ path: '/me', headers: [['Authorization', `DPoP ${w.bound}`]] }),
    expected: tokenRefusedInDpop(
      'Token is certificate-bound, not DPoP-bound: send it with the Bearer scheme',
    ),
  },
  // RFC 8705 §3 via the socket: a certificate header is nobody's evidence unless named.
  ...[CERT_HEADER, 'x-amzn-mtls-clientcert', 'x-forwarded-client-cert'].map(
    (name): MtlsScenario => ({
      name: `no certificate, the bound one in ${name}`,
      app: 'tls',
      request: (w) => get(w.bound, [name, escapedPem(w.client)]),
      expected: MISSING,
    }),
  ),
  {
    name: 'DPoP over https: htu names https',
    app: 'tls',
    request: (w, o) => dpopRequest(dpop(w), o),
    expected: ok(),
  },
  {
    name: 'DPoP over https: a proof for http',
    app: 'tls',
    request: (w, o) =>
      dpopRequest(dpop(w), o, {
        proof: { url: `${o.replace('https:', 'http:')}/me` },
      }),
    expected: proofRefused('DPoP proof is for another URL'),
  },

  // Plain http: no connection certificate exists, whatever the headers say.
  { name: 'plain http', app: 'http', request: (w) => get(w.bound), expected: MISSING },
  {
    name: 'plain http, the bound certificate in a header',
    app: 'http',
    request: (w) => get(w.bound, [CERT_HEADER, escapedPem(w.client)]),
    expected: MISSING,
  },

  // Behind a proxy that writes CERT_HEADER (url-encoded PEM), named by the app.
  {
    name: 'header: the bound certificate',
    app: 'header',
    request: (w) => get(w.bound, [CERT_HEADER, escapedPem(w.client)]),
    expected: ok(),
  },
  {
    name: 'header: another certificate',
    app: 'header',
    request: (w) => get(w.bound, [CERT_HEADER, escapedPem(w.stranger)]),
    expected: MISMATCH,
  },
  { name: 'header: none', app: 'header', request: (w) => get(w.bound), expected: MISSING },
  {
    name: 'header: empty (no certificate presented)',
    app: 'header',
    request: (w) => get(w.bound, [CERT_HEADER, '']),
    expected: MISSING,
  },
  {
    name: 'header: twice',
    app: 'header',
    request: (w) =>
      get(w.bound, [CERT_HEADER, escapedPem(w.client)], [CERT_HEADER, escapedPem(w.client)]),
    expected: headerRefused('Request has more than one client certificate header'),
  },
  {
    name: 'header: not a certificate',
    app: 'header',
    request: (w) => get(w.bound, [CERT_HEADER, 'not-a-certificate']),
    expected: headerRefused('Client certificate header is malformed'),
  },
  {
    name: 'header: a PEM whose base64 is not a certificate',
    app: 'header',
    request: (w) =>
      get(w.bound, [
        CERT_HEADER,
        encodeURIComponent('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'),
      ]),
    expected: headerRefused('Client certificate header is malformed'),
  },
  {
    name: 'header: read only for a certificate-bound token',
    app: 'header',
    request: (w) => get(w.plain, [CERT_HEADER, 'not-a-certificate']),
    expected: ok(),
  },
  {
    name: "header: RFC 9440's Client-Cert is not the header the app named",
    app: 'header',
    request: (w) => get(w.bound, [RFC9440_HEADER, byteSequence(w.client)]),
    expected: MISSING,
  },

  // Behind a proxy that writes RFC 9440's Client-Cert (a Byte Sequence of the DER).
  {
    name: 'Client-Cert: the bound certificate',
    app: 'client-cert',
    request: (w) => get(w.bound, [RFC9440_HEADER, byteSequence(w.client)]),
    expected: ok(),
  },
  {
    name: 'Client-Cert: another certificate',
    app: 'client-cert',
    request: (w) => get(w.bound, [RFC9440_HEADER, byteSequence(w.stranger)]),
    expected: MISMATCH,
  },
  {
    name: 'Client-Cert: a URL-encoded PEM is not a Byte Sequence',
    app: 'client-cert',
    request: (w) => get(w.bound, [RFC9440_HEADER, escapedPem(w.client)]),
    expected: headerRefused('Client certificate header is malformed'),
  },
  {
    name: 'Client-Cert: twice',
    app: 'client-cert',
    request: (w) =>
      get(
        w.bound,
        [RFC9440_HEADER, byteSequence(w.client)],
        [RFC9440_HEADER, byteSequence(w.client)],
      ),
    expected: headerRefused('Request has more than one client certificate header'),
  },
  {
    name: 'Client-Cert: the nginx header is not the one the app named',
    app: 'client-cert',
    request: (w) => get(w.bound, [CERT_HEADER, escapedPem(w.client)]),
    expected: MISSING,
  },
];

let world: MtlsWorld;
let apps: Map<string, RunningApp>;

beforeAll(async () => {
  world = await createMtlsWorld();
  apps = await startMtlsApps(world);
}, 60_000);

afterAll(async () => {
  await Promise.all([...(apps?.values() ?? [])].map((app) => app.close()));
  await world?.idp.close();
});

describe.each(ADAPTERS)('%s', (adapter) => {
  const portOf = (app: MtlsApp): number => {
    const running = apps.get(`${app}:${adapter}`);
    if (running === undefined) throw new Error(`${app}:${adapter} did not start`);
    return running.port;
  };

  it.each(SCENARIOS)('$app: $name', async ({ app, presents, request, expected }) => {
    const port = portOf(app);
    if (app !== 'tls') {
      expectAnswer(await sendRaw(port, await request(world, `http://127.0.0.1:${port}`)), expected);
      return;
    }
    const identity = presents === undefined ? undefined : world[presents];
    const response = await sendTls(port, await request(world, `https://127.0.0.1:${port}`), {
      ca: world.ca,
      ...(identity === undefined ? {} : { cert: identity.cert, key: identity.key }),
    });
    expectAnswer(response, expected);
  });

  it('a resumed TLS session keeps the certificate it was made with', async () => {
    const port = portOf('tls');
    const client = { ca: world.ca, cert: world.client.cert, key: world.client.key };
    const first = await sendTls(port, get(world.bound), client);
    expectAnswer(first, ok());
    expect(first.session).toBeInstanceOf(Buffer);
    // RFC 8446 §2.2: no certificate is exchanged on resumption; the session's own stays bound.
    const again = await sendTls(port, get(world.bound), { ca: world.ca, session: first.session! });
    expect(again.resumed).toBe(true);
    expectAnswer(again, ok());
  });
});

// oidc-provider 8.8.1, a real OpenID Connect / OAuth 2.0 authorization server, on 127.0.0.1 for
// the tests that need real tokens from a real server (introspection, DPoP, mTLS, RFC 8707). The
// caller gives the features and clients; this file owns what every such test repeats: the
// in-memory storage adapter, the signing key, the listening socket(s) and the shutdown.
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { TLSSocket } from 'node:tls';
import Provider, {
  type Adapter,
  type AdapterPayload,
  type Configuration,
  type KoaContextWithOIDC,
} from 'oidc-provider';

export interface StartOidcProviderOptions {
  /**
   * The provider's configuration without `adapter`, `jwks` and `cookies` (set here); built
   * once the issuer URL, which holds the port, is known.
   */
  readonly configuration: (issuer: string) => Configuration;
  /** Sees every request before the provider does (to count the calls to an endpoint). */
  readonly onRequest?: (req: IncomingMessage) => void;
  /**
   * Also serve the provider over TLS, asking for a client certificate (RFC 8705 §2): a
   * second listener whose connections `connectionCertificate(ctx)` reads.
   */
  readonly tls?: { readonly key: string; readonly cert: string };
}

export interface RunningOidcProvider {
  /** `http://127.0.0.1:<port>`, also the base of every endpoint discovery names. */
  readonly issuer: string;
  readonly provider: Provider;
  /** The discovery document (`/.well-known/openid-configuration`). */
  readonly discovery: Readonly<Record<string, unknown>>;
  readonly tokenEndpoint: string;
  /** `https://127.0.0.1:<port>`: the TLS listener, when `tls` was given. */
  readonly tlsOrigin: string | undefined;
  close(): Promise<void>;
}

/**
 * The client certificate of the connection, for `features.mTLS.getCertificate`: the leaf a
 * TLS client proved it holds (the handshake's CertificateVerify), or `undefined` on the plain
 * listener and on a TLS connection without one (Node answers `{}`).
 */
export function connectionCertificate(ctx: KoaContextWithOIDC): X509Certificate | undefined {
  const socket = ctx.req.socket;
  if (!(socket instanceof TLSSocket)) return undefined;
  const raw = (socket.getPeerCertificate(false) as { raw?: Buffer }).raw;
  return raw === undefined ? undefined : new X509Certificate(raw);
}

/** Starts oidc-provider on 127.0.0.1 (and, with `tls`, on a second, TLS port). */
export async function startOidcProvider(
  options: StartOidcProviderOptions,
): Promise<RunningOidcProvider> {
  const storage = new Map<string, AdapterPayload>();
  // oidc-provider's adapter contract; its own in-memory default warns on every start.
  class MemoryAdapter implements Adapter {
    constructor(private readonly model: string) {}
    async upsert(id: string, payload: AdapterPayload): Promise<void> {
      storage.set(`${this.model}:${id}`, payload);
    }
    async find(id: string): Promise<AdapterPayload | undefined> {
      return storage.get(`${this.model}:${id}`);
    }
    async findByUserCode(): Promise<undefined> {}
    async findByUid(): Promise<undefined> {}
    async consume(): Promise<void> {}
    async destroy(id: string): Promise<void> {
      storage.delete(`${this.model}:${id}`);
    }
    async revokeByGrantId(): Promise<void> {}
  }

  // The issuer holds the port, so listen first and attach the provider afterwards.
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    options.onRequest?.(req);
    handler(req, res);
  };
  const servers: Server[] = [createServer(listener)];
  if (options.tls !== undefined) {
    // rejectUnauthorized: false: RFC 8705 §2.2 self-signed client certificates, bound by
    // their thumbprint alone, must reach the provider.
    servers.push(
      createHttpsServer({ ...options.tls, requestCert: true, rejectUnauthorized: false }, listener),
    );
  }
  const ports = await Promise.all(
    servers.map(
      (server) =>
        new Promise<number>((resolve) =>
          server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
        ),
    ),
  );
  const issuer = `http://127.0.0.1:${ports[0]!}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const provider = new Provider(issuer, {
    ...options.configuration(issuer),
    adapter: MemoryAdapter,
    jwks: {
      keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'op-1', alg: 'RS256', use: 'sig' }],
    },
    cookies: { keys: ['tokengate-test-cookie-key'] },
  });
  handler = provider.callback();
  const close = () =>
    Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      ),
    ).then(() => undefined);
  try {
    const answer = await fetch(`${issuer}/.well-known/openid-configuration`);
    const discovery = (await answer.json()) as Record<string, unknown>;
    return {
      issuer,
      provider,
      discovery,
      tokenEndpoint: discovery.token_endpoint as string,
      tlsOrigin: ports[1] === undefined ? undefined : `https://127.0.0.1:${ports[1]}`,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

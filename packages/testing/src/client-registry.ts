import { createHash, timingSafeEqual } from 'node:crypto';
import type { TestClient } from './types.js';
import { assertKnownKeys } from './known-keys.js';

/** A registered client as the token endpoint sees it: the secret only as a digest. */
export interface RegisteredClient {
  readonly clientId: string;
  readonly scopes: readonly string[];
}

export interface ClientRegistry {
  /** `where` names the call in errors: `registerClient`, or `createTestIssuer: clients[0]`. */
  register(client: TestClient, where?: string): void;
  /** The client if `clientSecret` is its secret; compared in constant time. */
  authenticate(clientId: string, clientSecret: string): RegisteredClient | undefined;
}

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
// RFC 6749 Appendix A.1, A.2: client_id and client_secret are VSCHARs (%x20-7E).
const VSCHARS = /^[\x20-\x7E]+$/;

export function createClientRegistry(): ClientRegistry {
  const clients = new Map<string, RegisteredClient & { readonly digest: Buffer }>();
  return {
    register(client, where = 'registerClient') {
      if (typeof client !== 'object' || client === null) {
        throw new TypeError('client must be an object');
      }
      assertKnownKeys(client, CLIENT_KEYS, where);
      const { clientId, clientSecret, scopes = [] } = client;
      if (typeof clientId !== 'string' || !VSCHARS.test(clientId)) {
        throw new TypeError('clientId must be a non-empty string of printable ASCII');
      }
      // Never echo the secret, not even in a TypeError.
      if (typeof clientSecret !== 'string' || !VSCHARS.test(clientSecret)) {
        throw new TypeError('clientSecret must be a non-empty string of printable ASCII');
      }
      if (!Array.isArray(scopes) || !scopes.every((scope) => SCOPE_TOKEN.test(String(scope)))) {
        throw new TypeError('scopes must be an array of RFC 6749 §3.3 scope tokens');
      }
      clients.set(clientId, {
        clientId,
        scopes: Object.freeze([...scopes]),
        digest: digest(clientSecret),
      });
    },
    authenticate(clientId, clientSecret) {
      const client = clients.get(clientId);
      // Digests have equal lengths, which timingSafeEqual needs, and hide the secret's length.
      const presented = digest(clientSecret);
      if (client === undefined || !timingSafeEqual(client.digest, presented)) return undefined;
      return client;
    },
  };
}

const CLIENT_KEYS = Object.keys({
  clientId: true,
  clientSecret: true,
  scopes: true,
} satisfies { readonly [K in keyof Required<TestClient>]: true });

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

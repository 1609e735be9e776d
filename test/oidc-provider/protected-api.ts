// The resource server of the oidc-provider interop tests: an Express app with one GET route per
// gate configuration, answering what the gate verified, and tokengate errors with their status,
// challenge and stable `code` (the tests assert on codes, never on messages).
import { authenticate, isTokengateError, type GateOptions } from '@tokengate/express';
import express, { type ErrorRequestHandler, type Express } from 'express';

export interface ProtectedApi {
  /** A request listener for `http.createServer` or `https.createServer`. */
  readonly app: Express;
  close(): Promise<void>;
}

/** What a protected route answers: the verified token's identity and binding. */
export interface Verified {
  readonly clientId: string | undefined;
  readonly scopes: readonly string[];
  readonly binding: { readonly type: string; readonly jkt?: string; readonly x5tS256?: string };
}

export function protectedApi(routes: Readonly<Record<string, GateOptions>>): ProtectedApi {
  const app = express();
  const middlewares = Object.entries(routes).map(([path, options]) => {
    const requireAuth = authenticate(options);
    app.get(path, requireAuth, (req, res) => {
      const verified: Verified = {
        clientId: req.auth?.clientId,
        scopes: req.auth?.scopes ?? [],
        binding: req.auth!.binding,
      };
      res.json(verified);
    });
    return requireAuth;
  });
  const answerErrors: ErrorRequestHandler = (error: unknown, _req, res, next) => {
    if (!isTokengateError(error)) {
      next(error);
      return;
    }
    res
      .status(error.status)
      .set(error.headers)
      .json({ ...error.toJSON(), code: error.code });
  };
  app.use(answerErrors);
  return {
    app,
    close: () => Promise.all(middlewares.map((middleware) => middleware.close())).then(() => {}),
  };
}

/** An answer as the tests read it. */
export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  /** `WWW-Authenticate`, or `''`. */
  readonly challenge: string;
  readonly headers: Headers;
}

export async function call(url: string, headers: Record<string, string>): Promise<Answer> {
  const response = await fetch(url, { headers });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    challenge: response.headers.get('www-authenticate') ?? '',
    headers: response.headers,
  };
}

/** The JSON of a JWS's protected header (0) or payload (1), unverified: what the test inspects. */
export function jwtPart(token: string, part: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[part]!, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

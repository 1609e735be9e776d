import { createGate, type Gate, type GateOptions } from '@tokengate/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { GATE, REALM } from './realm.js';

/**
 * Express middleware that verifies the request's bearer token and sets `req.auth`. Build it
 * once (it owns the JWKS cache); errors go to `next(err)` with `status` and `headers`, so
 * Express's default handler already answers with the right status and challenge.
 *
 * `close()` on the middleware stops the verifier it built from options (JWKS refresh timers,
 * fetches in flight) for a graceful shutdown; a `verifier` you passed is yours to close.
 *
 * @example
 * ```ts
 * const requireAuth = authenticate({ issuers: [cognitoIssuer({ userPoolId, clientId })] });
 * app.get('/me', requireAuth, (req, res) => res.json({ sub: req.auth?.subject }));
 * process.once('SIGTERM', () => server.close(() => void requireAuth.close()));
 * ```
 */
export function authenticate(options: GateOptions): RequestHandler & { close(): Promise<void> } {
  const gate = createGate(options, { name: '@tokengate/express authenticate()' });
  const realm = gate.realm;
  return Object.assign(tokengateAuthenticate, { close: gate.close, [GATE]: gate });
  async function tokengateAuthenticate(req: Request, res: Response, next: NextFunction) {
    let auth;
    try {
      // An Express request already has the shape the core reads: rawHeaders, url, originalUrl,
      // method, body, socket.
      auth = await gate.authenticate(req);
      // RFC 9449 §8.2: with server nonces on, every answer carries the nonce to use next.
      const nonce = gate.dpopNonce();
      if (nonce !== undefined) setNonce(res, typeof nonce === 'string' ? nonce : await nonce);
    } catch (error) {
      next(error);
      return;
    }
    if (auth !== undefined) req.auth = auth;
    if (realm !== undefined) (req as unknown as Record<symbol, string>)[REALM] = realm;
    (req as unknown as Record<symbol, Gate>)[GATE] = gate;
    next();
  }
}

function setNonce(res: Response, nonce: string | undefined): void {
  if (nonce !== undefined && !res.headersSent) res.setHeader('DPoP-Nonce', nonce);
}

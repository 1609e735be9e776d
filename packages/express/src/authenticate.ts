import { createGate, type Gate, type GateOptions, type VerifiedToken } from '@tokengate/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { GATE, REALM } from './realm.js';
import { gateRequest } from './gate-request.js';

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
export function authenticate(options: GateOptions): RequestHandler & {
  /** Stops the verifier built from `options` (JWKS refresh timers, fetches in flight). */
  close(): Promise<void>;
} {
  const gate = createGate(options, { name: '@tokengate/express authenticate()' });
  const realm = gate.realm;
  return Object.assign(tokengateAuthenticate, { close: gate.close, [GATE]: gate });
  // Not `async`: a cached token is answered without a promise, in one call (see
  // `gate.authenticateFast`); only a cache miss or an I/O-bound check waits.
  function tokengateAuthenticate(req: Request, res: Response, next: NextFunction): void {
    let outcome;
    try {
      outcome = gate.authenticateFast(gateRequest(req));
    } catch (error) {
      next(error);
      return;
    }
    if (outcome instanceof Promise) {
      outcome.then((auth) => proceed(gate, realm, req, res, next, auth), next);
      return;
    }
    proceed(gate, realm, req, res, next, outcome);
  }
}

/** Leaves the verdict on the request and hands it on. */
function proceed(
  gate: Gate,
  realm: string | undefined,
  req: Request,
  res: Response,
  next: NextFunction,
  auth: VerifiedToken | undefined,
): void {
  if (auth !== undefined) req.auth = auth;
  if (realm !== undefined) (req as unknown as Record<symbol, string>)[REALM] = realm;
  (req as unknown as Record<symbol, Gate>)[GATE] = gate;
  // RFC 9449 §8.2: with server nonces on, every answer carries the nonce to use next.
  const nonce = gate.dpopNonce();
  if (nonce === undefined) {
    next();
  } else if (typeof nonce === 'string') {
    setNonce(res, nonce);
    next();
  } else {
    nonce.then((value) => {
      setNonce(res, value);
      next();
    }, next);
  }
}

function setNonce(res: Response, nonce: string | undefined): void {
  if (nonce !== undefined && !res.headersSent) res.setHeader('DPoP-Nonce', nonce);
}

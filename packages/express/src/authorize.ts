import {
  authorize as authorizeToken,
  isTokengateError,
  isVerifiedToken,
  MissingTokenError,
  toRule,
  type Gate,
  type Rule,
} from '@tokengate/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { GATE, REALM } from './realm.js';
import { gateRequest } from './gate-request.js';

/**
 * Express middleware that lets a request through only when `authenticate()` attached a token
 * and `rule` (if any) accepts it: 401 without a token (a `req.auth` set by another middleware
 * is none), 403 when the rule refuses.
 *
 * @example
 * ```ts
 * app.get('/admin', requireAuth, authorize(anyGroup('admin')), handler);
 * app.post('/orders', requireAuth, authorize(allScopes('orders:write')), handler);
 * ```
 */
export function authorize(rule?: Rule): RequestHandler {
  // Checked once, here; only the frozen result is used, so a later mutation changes nothing.
  const checked = toRule(rule, 'authorize()');
  return function tokengateAuthorize(req: Request, _res: Response, next: NextFunction) {
    const gate = (req as unknown as Record<symbol, Gate | undefined>)[GATE];
    try {
      if (gate !== undefined) {
        try {
          gate.authorize(req.auth, checked);
        } catch (error) {
          // The gate's own challenges; the request's fields are read only for a refusal, so a
          // granted request allocates nothing here.
          if (isTokengateError(error)) gate.challenge(error, gateRequest(req), req.auth);
          throw error;
        }
      } else {
        // No `authenticate()` ran on this request: nothing was verified.
        const realm = (req as unknown as Record<symbol, string | undefined>)[REALM];
        if (!isVerifiedToken(req.auth)) throw new MissingTokenError({ realm });
        if (checked !== undefined) authorizeToken(req.auth, checked, { realm });
      }
    } catch (error) {
      next(error);
      return;
    }
    next();
  };
}

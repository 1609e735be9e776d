import {
  authorize as authorizeToken,
  isVerifiedToken,
  MissingTokenError,
  toRule,
  type Rule,
} from '@tokengate/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { REALM } from './realm.js';

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
    const realm = (req as unknown as Record<symbol, string | undefined>)[REALM];
    // Only `authenticate()`'s result counts, not any `req.auth` (express-jwt sets one too).
    if (!isVerifiedToken(req.auth)) {
      next(new MissingTokenError({ realm }));
      return;
    }
    try {
      if (checked !== undefined) authorizeToken(req.auth, checked, { realm });
    } catch (error) {
      next(error);
      return;
    }
    next();
  };
}

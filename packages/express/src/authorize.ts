import { authorize as authorizeToken, MissingTokenError, toRule, type Rule } from '@tokengate/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { REALM } from './internal/realm.js';

/**
 * Express middleware that lets a request through only when `authenticate()` attached a token
 * and `rule` (if any) accepts it: 401 without a token, 403 when the rule refuses.
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
    if (req.auth === undefined) {
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

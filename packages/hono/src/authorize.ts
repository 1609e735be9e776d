import {
  MissingTokenError,
  authorize as authorizeToken,
  isTokengateError,
  isVerifiedToken,
  toRule,
  tokengateErrorResponse,
  type Gate,
  type Rule,
} from '@tokengate/core';
import type { Context, MiddlewareHandler } from 'hono';
import type { AuthEnv } from './env.js';
import { GATE_KEY, REALM_KEY } from './realm.js';
import { challengeRequest } from './request-source.js';

/**
 * Hono middleware that lets a request through only when `authenticate()` set `c.get('auth')`
 * and `rule` (if any) accepts it: 401 without a verified token (optional mode with no token,
 * no `authenticate()` in front, an `auth` another middleware set), 403 when the rule refuses.
 * It answers with the RFC 6750 response itself, whatever `app.onError` does. Behind an optional
 * `authenticate()`, the handlers after it see `auth` as set.
 *
 * @example
 * ```ts
 * app.get('/admin', requireAuth, authorize(anyGroup('admin')), (c) => c.json({ ok: true }));
 * ```
 */
export function authorize<C extends object = object>(rule?: Rule): MiddlewareHandler<AuthEnv<C>> {
  // Checked once, here; only the frozen result is used, so a later mutation changes nothing.
  const checked = toRule(rule, 'authorize()');
  return async function tokengateAuthorize(c, next) {
    const refusal = refuse(c, checked);
    if (refusal !== undefined) return refusal;
    await next();
  };
}

function refuse(c: Context, rule: Rule | undefined): Response | undefined {
  const realm = (c.get as (key: string) => unknown)(REALM_KEY) as string | undefined;
  const gate = (c.get as (key: string) => unknown)(GATE_KEY) as Gate | undefined;
  const auth: unknown = c.get('auth');
  try {
    // Only `authenticate()`'s result counts, not any `auth` another middleware set.
    if (!isVerifiedToken(auth)) throw new MissingTokenError({ realm });
    if (rule !== undefined) authorizeToken(auth, rule, { realm });
    return undefined;
  } catch (error) {
    if (!isTokengateError(error)) throw error;
    // The gate's challenges (DPoP's, `resource_metadata`) on this answer too.
    gate?.challenge(error, challengeRequest(c), auth);
    return tokengateErrorResponse(error);
  }
}

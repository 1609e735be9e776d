import type { VerifiedToken } from '../lib/types.js';

// Guards must not trust an `auth` object for its shape: another middleware may set `req.auth`
// or `ctx.state.auth` to something else (express-jwt v7 sets `req.auth` to the decoded, and
// perhaps unverified, payload), and a plain object with `groups: 'admin-x'` would even match
// `anyGroup('admin')` by substring. So a verifier marks each result it builds, and guards let
// through only marked ones. `Symbol.for`, so the ESM and CJS copies of the core agree on the
// mark; it guards against mix-ups between middlewares, not against code that sets it on
// purpose (in-process code can do anything). Non-enumerable: a spread or JSON copy drops it.
const VERIFIED = Symbol.for('tokengate.verifiedToken');

/**
 * Marks a result a verifier has just built, once, where it is created (a cache hit returns the
 * same object, so it costs nothing per hit). Not configurable or writable.
 */
export function markVerified<T extends VerifiedToken>(result: T): T {
  Object.defineProperty(result, VERIFIED, { value: true });
  return result;
}

/**
 * Whether `value` was returned by a tokengate verifier (`createVerifier`, `createAlbVerifier`,
 * from any copy of `@tokengate/core`), as opposed to an object of the same shape set by
 * something else. Guards (`gate.authorize`, the adapters' `authorize()`) refuse anything else
 * with a 401: no token was verified.
 *
 * @example
 * ```ts
 * if (!isVerifiedToken(req.auth)) throw new MissingTokenError();
 * ```
 */
export function isVerifiedToken(value: unknown): value is VerifiedToken {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.hasOwn(value, VERIFIED) &&
    (value as Record<symbol, unknown>)[VERIFIED] === true
  );
}

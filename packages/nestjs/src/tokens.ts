/**
 * Module-private symbols: a string key could be set by anyone (`SetMetadata('…', …)`, a
 * middleware writing `req['…']`), so a route could claim to be public, or a request to carry
 * a realm, without this package saying so.
 */

/** Route metadata written by `@Auth()` and `@Public()`, on a controller class or a handler. */
export const POLICY = Symbol('tokengate.policy');

/** Where the guard leaves the gate's realm on the request, for `@CurrentAuth()`'s 401. */
export const REALM = Symbol('tokengate.realm');

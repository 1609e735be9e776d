import { clearHeadersForError, type TokengateError } from '@tokengate/core';
import type { Context } from 'koa';

/**
 * Answers like Koa's own error path (`ctx.onerror`: headers set so far removed, then the
 * error's status and `err.headers`), but with the RFC 6750 JSON body. Returns `false` when the
 * answer has already started, as `ctx.onerror` gives up then too: the caller rethrows, so the
 * app's error path sees it.
 */
export function respondWithError(ctx: Context, error: TokengateError): boolean {
  if (ctx.headerSent || !ctx.writable) return false;
  // A `Set-Cookie`, `Cache-Control` or `ETag` set for the answer the app meant to give must not
  // ride on the 401/403 (CORS and security headers stay: see clearHeadersForError).
  clearHeadersForError(ctx.res.getHeaderNames(), ctx.res);
  ctx.status = error.status;
  ctx.set(error.headers);
  ctx.body = error.toJSON();
  // Let `app.on('error')` listeners see outages as they would any server-side failure.
  if (error.status >= 500) ctx.app.emit('error', error, ctx);
  return true;
}

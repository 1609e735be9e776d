import type { TokengateError } from '@tokengate/core';
import type { Context } from 'koa';

/** Answers like Koa's own error path (status, `err.headers`), but with the RFC 6750 JSON body. */
export function respondWithError(ctx: Context, error: TokengateError): void {
  ctx.status = error.status;
  ctx.set(error.headers);
  ctx.body = error.toJSON();
  // Let `app.on('error')` listeners see outages as they would any server-side failure.
  if (error.status >= 500) ctx.app.emit('error', error, ctx);
}

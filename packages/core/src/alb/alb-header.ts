import { singleHeader } from '../http/single-header.js';

/**
 * The value of the ALB's signed claims header, `x-amzn-oidc-data`, or `undefined`. The load
 * balancer sets it after authenticating the user and overwrites a client-sent copy, which is
 * why only deployments behind one should read it.
 */
export function extractAlbToken(
  rawHeaders: readonly string[],
  realm: string | undefined,
): string | undefined {
  const value = singleHeader(rawHeaders, 'x-amzn-oidc-data', 'x-amzn-oidc-data', realm);
  return value === '' ? undefined : value;
}

// The client's side of the token endpoint (RFC 6749 §4.4, client_credentials), with a DPoP
// proof when given a key (RFC 9449 §5) and the `use_dpop_nonce` retry of §8, as a real client
// has to do it against oidc-provider.
import type { DpopKey } from '@tokengate/testing';
import { expect } from 'vitest';

export interface TokenRequest {
  readonly tokenEndpoint: string;
  readonly client: { readonly id: string; readonly secret: string };
  readonly resource: string;
  readonly scope: string;
  /** Bind the token to this key: each request carries a proof signed by it. */
  readonly dpop?: DpopKey;
}

export interface Issued {
  readonly token: string;
  /** `token_type`: `DPoP` or `Bearer`. */
  readonly type: string;
  /** The `use_dpop_nonce` answers before the token was issued. */
  readonly nonceRetries: number;
}

export async function requestToken(request: TokenRequest): Promise<Issued> {
  const { id, secret } = request.client;
  const url = request.tokenEndpoint;
  let nonce: string | undefined;
  for (let nonceRetries = 0; nonceRetries < 3; nonceRetries += 1) {
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
    };
    if (request.dpop !== undefined) {
      headers.dpop = await request.dpop.proof({ method: 'POST', url, ...(nonce && { nonce }) });
    }
    const answer = await fetch(url, {
      method: 'POST',
      headers,
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        resource: request.resource,
        scope: request.scope,
      }).toString(),
    });
    const body = (await answer.json()) as Record<string, string>;
    // RFC 9449 §8: the provider wants its nonce in the proof; it sends it in DPoP-Nonce.
    if (answer.status === 400 && body.error === 'use_dpop_nonce') {
      nonce = answer.headers.get('dpop-nonce') ?? undefined;
      continue;
    }
    expect(answer.status, JSON.stringify(body)).toBe(200);
    return { token: body.access_token!, type: body.token_type!, nonceRetries };
  }
  throw new Error('the provider kept asking for another nonce');
}

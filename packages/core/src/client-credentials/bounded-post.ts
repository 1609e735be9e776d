import { boundedFetch, BoundedFetchError } from '../lib/bounded-fetch.js';
import { TokenEndpointError } from './token-endpoint-error.js';

/** An answer of any status, its body read in full within the limits. */
export interface PostAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export interface BoundedPostOptions {
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly fetch: typeof globalThis.fetch;
  readonly headers: Record<string, string>;
}

/**
 * POSTs a form (RFC 6749 §3.2) with the guarantees of `boundedFetch`: one deadline for
 * headers and body, a size cap, no redirects. Every status's body is read (error answers
 * carry RFC 6749 §5.2 JSON). Failures reject with a {@link TokenEndpointError} whose message
 * names neither the request's credentials nor the body.
 */
export async function postForm(
  url: string,
  form: string,
  options: BoundedPostOptions,
): Promise<PostAnswer> {
  try {
    const { status, headers, body } = await boundedFetch(
      url,
      { method: 'POST', headers: options.headers, body: form, readBody: () => true },
      options,
    );
    return { status, headers, text: body };
  } catch (cause) {
    if (!(cause instanceof BoundedFetchError)) throw cause;
    if (cause.reason === 'timeout') {
      throw new TokenEndpointError(
        'TOKEN_ENDPOINT_TIMEOUT',
        `the token endpoint did not answer within ${options.timeoutMs} ms`,
        { cause },
      );
    }
    if (cause.reason === 'too-large') {
      throw new TokenEndpointError(
        'TOKEN_RESPONSE_INVALID',
        `the token endpoint answered more than ${options.maxBytes} bytes`,
        { cause },
      );
    }
    throw new TokenEndpointError('TOKEN_ENDPOINT_UNAVAILABLE', 'the token request failed', {
      cause,
    });
  }
}

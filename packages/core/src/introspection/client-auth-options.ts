// How the resource server authenticates to the introspection endpoint (RFC 7662 §2.1, which
// requires some authentication): a client secret, in the Authorization header (RFC 6749
// §2.3.1) or the form, or a signed client assertion (`private_key_jwt`, RFC 7523).
import { clientAssertionSigner } from '../lib/client-assertion.js';
import { basicAuthorization, clientSecretOption } from '../lib/client-secret.js';
import { assertKnownKeys, describe, nonEmptyString } from '../lib/options.js';
import type { ClientAssertionSigner } from '../lib/client-assertion.js';

const SECRET_KEYS = new Set(['method', 'clientSecret']);
const ASSERTION_KEYS = new Set(['method', 'privateKey', 'alg', 'kid', 'assertionAudience']);

/** What every introspection request carries to authenticate, besides headers set in place. */
export interface ClientAuthentication {
  readonly form: [string, string][];
  /** For `private_key_jwt`: signs a fresh assertion for each request. */
  readonly assertion:
    { readonly signer: ClientAssertionSigner; readonly audience: string } | undefined;
}

/**
 * Checks `clientAuth` once and turns it into what each request sends: an `authorization`
 * header (set on `headers`), form members, or an assertion signer whose audience defaults to
 * the issuer.
 */
export function clientAuthentication(
  given: unknown,
  clientId: string,
  issuer: string,
  headers: Record<string, string>,
): ClientAuthentication {
  const form: [string, string][] = [];
  const auth = given as Record<string, unknown> | undefined;
  if (typeof auth !== 'object' || auth === null) {
    throw new TypeError('clientAuth must be an object with a method (RFC 7662 §2.1)');
  }
  if (auth.method === 'client_secret_basic' || auth.method === 'client_secret_post') {
    assertKnownKeys(auth, SECRET_KEYS, 'clientAuth');
    const secret = clientSecretOption(auth.clientSecret, 'clientAuth.clientSecret');
    if (auth.method === 'client_secret_basic') {
      headers['authorization'] = basicAuthorization(clientId, secret);
    } else {
      form.push(['client_id', clientId], ['client_secret', secret]);
    }
    return { form, assertion: undefined };
  }
  if (auth.method === 'private_key_jwt') {
    assertKnownKeys(auth, ASSERTION_KEYS, 'clientAuth');
    const audience =
      auth.assertionAudience === undefined
        ? issuer
        : nonEmptyString(auth.assertionAudience, 'clientAuth.assertionAudience');
    const signer = clientAssertionSigner(
      { privateKey: auth.privateKey, alg: auth.alg, kid: auth.kid },
      'clientAuth',
    );
    return { form, assertion: { signer, audience } };
  }
  throw new TypeError(
    `clientAuth.method must be 'client_secret_basic', 'client_secret_post' or 'private_key_jwt', got ${describe(auth.method)}`,
  );
}

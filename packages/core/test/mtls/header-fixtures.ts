// What the header tests share: a client certificate chain (EC leaf, RSA intermediate, EC root),
// each proxy's way of writing a certificate into a header, and the expected refusal.
import { generateKeyPairSync } from 'node:crypto';
import { InvalidRequestError, isTokengateError } from '@tokengate/core';
import { expect } from 'vitest';
import {
  certificateThumbprint,
  type ClientCertificatePolicy,
} from '../../src/mtls/client-certificate.js';
import {
  certificatePem,
  certificateThumbprintOf,
  createCertificate,
} from '../../../../test/support/x509.js';

/** The ALB's encoding: URL-encoded PEM with `+`, `=` and `/` left as they are. */
export const albEncode = (pem: string): string =>
  encodeURIComponent(pem).replace(/%2B/g, '+').replace(/%3D/g, '=').replace(/%2F/g, '/');

/** Envoy's (ssl_handshaker.cc): LF, space, `+`, `/` and `=` escaped, nothing else. */
export const envoyEncode = (pem: string): string =>
  pem
    .replace(/\n/g, '%0A')
    .replace(/ /g, '%20')
    .replace(/\+/g, '%2B')
    .replace(/\//g, '%2F')
    .replace(/=/g, '%3D');

/** nginx's `$ssl_client_escaped_cert`: every reserved character escaped. */
export const nginxEncode = encodeURIComponent;

const rootKey = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const intermediateKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const leafKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });

export const root = createCertificate({
  commonName: 'Root',
  publicKey: rootKey.publicKey,
  signingKey: rootKey.privateKey,
  ca: true,
});
export const intermediate = createCertificate({
  commonName: 'Intermediate',
  issuerName: 'Root',
  publicKey: intermediateKey.publicKey,
  signingKey: rootKey.privateKey,
  ca: true,
  serialNumber: 2,
});
export const leaf = createCertificate({
  commonName: 'client-42',
  issuerName: 'Intermediate',
  publicKey: leafKey.publicKey,
  signingKey: intermediateKey.privateKey,
  serialNumber: 0x8a_12_34_56,
});
export const leafPem = certificatePem(leaf);
/** Leaf first, as the ALB and Envoy's `Chain` send it. */
export const chainPem = leafPem + certificatePem(intermediate) + certificatePem(root);
/** The leaf's `x5t#S256`, computed by node:crypto. */
export const expected = certificateThumbprintOf(leaf);

export const thumbprint = (
  policy: ClientCertificatePolicy,
  rawHeaders: string[],
): string | undefined | Promise<string | undefined> =>
  certificateThumbprint(policy, { rawHeaders }, 'api');

/** The request's rejection: thrown at once, a 400 `CERTIFICATE_HEADER_MALFORMED` for `reason`. */
export function expectMalformed(
  policy: ClientCertificatePolicy,
  rawHeaders: string[],
  reason: string,
): void {
  let thrown: unknown;
  try {
    void thumbprint(policy, rawHeaders);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(InvalidRequestError);
  expect(isTokengateError(thrown)).toBe(true);
  const error = thrown as InvalidRequestError;
  expect(error.code).toBe('CERTIFICATE_HEADER_MALFORMED');
  expect(error.status).toBe(400);
  expect(error.realm).toBe('api');
  expect(error.detail).toEqual({ header: policy.header, reason });
  expect(error.headers['WWW-Authenticate']).toContain('error="invalid_request"');
}

/**
 * 1,500 seeded random edits of a valid header value (a character replaced, removed, or one of
 * `inserts` added; one to three edits each), tallied by outcome: `same` or `other` thumbprint,
 * `none`, or the code of the TokengateError thrown. Anything else thrown fails the test.
 */
export async function mutationOutcomes(
  policy: ClientCertificatePolicy,
  valid: string,
  inserts: string,
  seed: number,
): Promise<Map<string, number>> {
  let state = seed;
  const random = (limit: number) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % limit;
  };
  const outcomes = new Map<string, number>();
  for (let round = 0; round < 1500; round += 1) {
    const chars = [...valid];
    for (let edits = 1 + random(3); edits > 0; edits -= 1) {
      const at = random(chars.length);
      const choice = random(3);
      if (choice === 0) chars[at] = String.fromCharCode(32 + random(95));
      else if (choice === 1) chars.splice(at, 1);
      else chars.splice(at, 0, inserts[random(inserts.length)]!);
    }
    let outcome: string;
    try {
      const result = await thumbprint(policy, [policy.header!, chars.join('')]);
      outcome = result === undefined ? 'none' : result === expected ? 'same' : 'other';
    } catch (error) {
      expect(isTokengateError(error), String(error)).toBe(true);
      outcome = (error as InvalidRequestError).code;
    }
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  }
  return outcomes;
}

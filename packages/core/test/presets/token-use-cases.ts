// The access-or-ID-token contract every access-token issuer keeps (docs/security.md, "Access
// or ID token: the discriminator per IdP"), run against one IdP's realistic token shapes.
import type { Verifier } from '@tokengate/core';
import { expect } from 'vitest';
import { rejectionOf } from '../helpers.js';

export type MakeVerifier = (options: { tokenUse?: 'access' | 'id' | 'both' }) => Verifier;

/**
 * `access` (the default) takes the access token and refuses the ID token, `id` the other way
 * round, `both` takes either; the result always says which kind it verified.
 */
export async function expectTokenUseContract(
  verifierFor: MakeVerifier,
  tokens: { readonly access: string; readonly id: string },
): Promise<void> {
  const byDefault = verifierFor({});
  expect(await byDefault.verify(tokens.access)).toMatchObject({ tokenUse: 'access' });
  expect((await rejectionOf(byDefault.verify(tokens.id))).code).toBe('TOKEN_USE_MISMATCH');
  const explicitAccess = verifierFor({ tokenUse: 'access' });
  expect((await rejectionOf(explicitAccess.verify(tokens.id))).code).toBe('TOKEN_USE_MISMATCH');

  const ids = verifierFor({ tokenUse: 'id' });
  expect(await ids.verify(tokens.id)).toMatchObject({ tokenUse: 'id' });
  expect((await rejectionOf(ids.verify(tokens.access))).code).toBe('TOKEN_USE_MISMATCH');

  const both = verifierFor({ tokenUse: 'both' });
  expect(await both.verify(tokens.access)).toMatchObject({ tokenUse: 'access' });
  expect(await both.verify(tokens.id)).toMatchObject({ tokenUse: 'id' });
}

/**
 * A sign-in preset's IdP signs ID tokens only: `tokenUse` takes `id` alone (anything else is a
 * TypeError at creation), results say `id`, and a token declaring itself an access token
 * (RFC 9068 `typ: at+jwt`, or `token_use: access`) is refused.
 */
export async function expectIdTokensOnly(
  verifierFor: (options: { tokenUse?: 'id' }) => Verifier,
  build: (tokenUse: unknown) => unknown,
  sign: (claims?: Record<string, unknown>, header?: Record<string, unknown>) => Promise<string>,
): Promise<void> {
  for (const tokenUse of ['access', 'both', 'ID']) {
    expect(() => build(tokenUse)).toThrow(/tokenUse can only be 'id'/);
  }
  expect(() => build('id')).not.toThrow();
  expect(await verifierFor({ tokenUse: 'id' }).verify(await sign())).toMatchObject({
    tokenUse: 'id',
  });
  const typed = await sign({}, { typ: 'at+jwt' });
  expect((await rejectionOf(verifierFor({}).verify(typed))).code).toBe('TOKEN_USE_MISMATCH');
  const declared = await sign({ token_use: 'access' });
  expect((await rejectionOf(verifierFor({}).verify(declared))).code).toBe('TOKEN_USE_MISMATCH');
}

// One token, one spelling: Node's base64 and latin1 decoders keep only a character's low byte,
// so a non-ASCII look-alike of a token must be refused by the core itself, before it is
// decoded or hashed into a cache key (RFC 7515 §7.1: compact JWS is ASCII base64url and dots).
import { createVerifier, oidcIssuer, type VerifierOptions } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejectionOf } from './helpers.js';

let idp: TestIssuer;

beforeAll(async () => {
  idp = await createTestIssuer();
});
afterAll(async () => {
  await idp.close();
});

function verifierFor(cache: NonNullable<VerifierOptions['cache']>) {
  return createVerifier({
    issuers: [oidcIssuer({ issuer: idp.issuer, jwksUri: idp.jwksUri, audience: idp.audience })],
    cache,
  });
}

/** `token` with the character at `index` replaced by `spell(its code)`. */
function respelled(token: string, index: number, spell: (code: number) => number): string {
  const character = String.fromCharCode(spell(token.charCodeAt(index)));
  return `${token.slice(0, index)}${character}${token.slice(index + 1)}`;
}

/** The code every rejection carried, or `resolved` for a spelling that verified. */
async function outcomes(verify: (token: string) => Promise<unknown>, tokens: readonly string[]) {
  const codes = new Set<string>();
  for (const token of tokens) {
    codes.add(
      await verify(token).then(
        () => 'resolved',
        (error: { code?: string }) => error.code ?? 'no code',
      ),
    );
  }
  return codes;
}

const everyPosition = (token: string, spell: (code: number) => number): string[] =>
  Array.from(token, (_, index) => respelled(token, index, spell));

describe('non-ASCII look-alikes of a valid token', () => {
  it('refuses every position respelled as the character 0x100 (or 0x80) above it', async () => {
    const token = await idp.accessToken();
    const verifier = verifierFor(false);
    await expect(verifier.verify(token)).resolves.toMatchObject({ token });
    const lookAlikes = everyPosition(token, (code) => code + 0x100);
    // Raw latin1, what an HTTP header can carry, is refused the same way.
    lookAlikes.push(...everyPosition(token, (code) => code + 0x80));
    expect([...(await outcomes(verifier.verify, lookAlikes))]).toEqual(['TOKEN_MALFORMED']);
  });

  it('refuses lone high and low surrogates standing for a character', async () => {
    const token = await idp.accessToken();
    const verifier = verifierFor(false);
    const lookAlikes = [0, 7, token.indexOf('.') + 3, token.length - 5].flatMap((index) => [
      respelled(token, index, (code) => 0xd800 | code),
      respelled(token, index, (code) => 0xdc00 | code),
    ]);
    expect([...(await outcomes(verifier.verify, lookAlikes))]).toEqual(['TOKEN_MALFORMED']);
    await expect(verifier.verify(token)).resolves.toMatchObject({ token });
  });
});

describe('the verdict cache is keyed by the exact token', () => {
  it('refuses a look-alike after the real token became a cache hit', async () => {
    const token = await idp.accessToken();
    const verifier = verifierFor({ maxEntries: 10 });
    // Admission takes a second sighting; the third is served from the cache.
    for (let i = 0; i < 3; i += 1) await expect(verifier.verify(token)).resolves.toBeDefined();
    const error = await rejectionOf(verifier.verify(respelled(token, 10, (code) => code + 0x100)));
    expect(error.code).toBe('TOKEN_MALFORMED');
    await expect(verifier.verify(token)).resolves.toMatchObject({ token });
  });

  it('never lets two lone surrogates share a cached verdict', async () => {
    const token = await idp.accessToken();
    const verifier = verifierFor({ maxEntries: 10 });
    // Both hash as U+FFFD in UTF-8; the second decodes to another byte, so it is not even
    // a spelling of the token.
    const first = respelled(token, 10, (code) => 0xd800 | code);
    const second = respelled(token, 10, (code) => 0xd800 | (code ^ 1));
    const codes = await outcomes(verifier.verify, [first, first, first, second]);
    expect([...codes]).toEqual(['TOKEN_MALFORMED']);
  });
});

// Re-encoded headers and payloads: the JSON of a valid token is edited (values of every type
// for the registered parameters and claims, extra keys, duplicate keys, raw numbers JSON.parse
// turns into Infinity, deep nesting, BOMs, invalid UTF-8) and base64url-encoded again. The
// signature is kept, dropped, or replaced by one no trusted key made (HMAC keyed with a
// public key, an attacker's key), so every real change must be rejected.
import { createHmac, sign as cryptoSign, constants } from 'node:crypto';
import fc from 'fast-check';
import { anyValue, claimValues, headerValues, json, type Raw } from './json-values.js';
import { b64u, type TokenCase } from './mutations.js';
import type { BaseToken, FuzzAlgorithm, FuzzWorld } from './world.js';

type JsonEdit =
  | { readonly op: 'set'; readonly key: string; readonly value: Raw }
  | { readonly op: 'delete'; readonly key: string }
  | {
      readonly op: 'duplicate';
      readonly key: string;
      readonly value: Raw;
      readonly first: boolean;
    };

type Serialization =
  | { readonly as: 'compact' | 'spaced' | 'bom' | 'invalid-utf8' }
  | { readonly as: 'trailing'; readonly garbage: string }
  | { readonly as: 'replace-whole'; readonly text: string };

type SignatureChoice = 'keep' | 'keep' | 'hmac' | 'attacker' | 'none';

/** An edit of one key: a registered one with its own value pool, or any key with any value. */
function jsonEdit(valuesByKey: Record<string, fc.Arbitrary<Raw>>): fc.Arbitrary<JsonEdit> {
  const keys = Object.keys(valuesByKey);
  const knownKey = fc.constantFrom(...keys);
  const anyKey = fc.oneof(
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', ''),
    fc.string({ maxLength: 12 }),
  );
  const set = knownKey.chain((key) =>
    (valuesByKey[key] as fc.Arbitrary<Raw>).map((value): JsonEdit => ({ op: 'set', key, value })),
  );
  return fc.oneof(
    { weight: 8, arbitrary: set },
    { weight: 2, arbitrary: knownKey.map((key): JsonEdit => ({ op: 'delete', key })) },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('duplicate' as const),
        key: knownKey,
        value: anyValue,
        first: fc.boolean(),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ op: fc.constant('set' as const), key: anyKey, value: anyValue }),
    },
  );
}

const serialization: fc.Arbitrary<Serialization> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ as: 'compact' as const }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      { as: 'spaced' as const },
      { as: 'bom' as const },
      { as: 'invalid-utf8' as const },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      as: fc.constant('trailing' as const),
      garbage: fc.constantFrom('}', ' ', '\n', 'x', '\0', ',{}', '//'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      as: fc.constant('replace-whole' as const),
      text: fc.oneof(
        fc.constantFrom('', '[]', '"{}"', '1', 'null', 'true', '[{"alg":"RS256"}]'),
        fc.jsonValue().map(json),
      ),
    }),
  },
);

function encodeJson(entries: readonly (readonly [string, Raw])[], format: Serialization): Buffer {
  const spaced = format.as === 'spaced';
  const body = entries.map(([key, value]) => `${json(key)}:${spaced ? ' ' : ''}${value}`);
  const text = spaced ? `{ ${body.join(', ')} }` : `{${body.join(',')}}`;
  switch (format.as) {
    case 'compact':
    case 'spaced':
      return Buffer.from(text);
    case 'bom':
      return Buffer.from(`\ufeff${text}`);
    case 'trailing':
      return Buffer.from(text + format.garbage);
    case 'replace-whole':
      return Buffer.from(format.text);
    case 'invalid-utf8':
      // A string value holding a byte that is not UTF-8: JSON.parse never sees the raw byte.
      return Buffer.concat([
        Buffer.from(`${text.slice(0, -1)}${entries.length > 0 ? ',' : ''}"x":"`),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('"}'),
      ]);
  }
}

function applyEdits(segment: string, edits: readonly JsonEdit[]): [string, Raw][] {
  const parsed = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  const entries: [string, Raw][] = Object.entries(parsed).map(([key, value]) => [key, json(value)]);
  for (const edit of edits) {
    const index = entries.findIndex(([key]) => key === edit.key);
    if (edit.op === 'delete') {
      if (index !== -1) entries.splice(index, 1);
    } else if (edit.op === 'set') {
      if (index === -1) entries.push([edit.key, edit.value]);
      else entries[index] = [edit.key, edit.value];
    } else if (edit.first) {
      entries.unshift([edit.key, edit.value]);
    } else {
      entries.push([edit.key, edit.value]);
    }
  }
  return entries;
}

const HMAC_DIGEST: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

function resign(
  choice: SignatureChoice,
  signingInput: string,
  original: string,
  base: BaseToken,
  headerAlg: unknown,
  world: FuzzWorld,
  keyIndex: number,
): string {
  switch (choice) {
    case 'keep':
      return original;
    case 'none':
      return '';
    case 'hmac': {
      // The classic key confusion: HMAC keyed with the issuer's public key (RFC 8725 §2.1).
      const digest = HMAC_DIGEST[String(headerAlg)] ?? 'sha256';
      const secret = world.publicKeyTexts[keyIndex % world.publicKeyTexts.length] as string;
      return createHmac(digest, secret).update(signingInput).digest('base64url');
    }
    case 'attacker':
      return signWith(world.attackerKeys[base.alg], base.alg, signingInput);
  }
}

function signWith(
  key: Parameters<typeof cryptoSign>[2],
  alg: FuzzAlgorithm,
  input: string,
): string {
  const data = Buffer.from(input);
  const options =
    alg === 'PS256'
      ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
      : alg === 'ES256'
        ? { key, dsaEncoding: 'ieee-p1363' as const }
        : key;
  return cryptoSign(
    alg === 'EdDSA' ? null : 'sha256',
    data,
    options as Parameters<typeof cryptoSign>[2],
  ).toString('base64url');
}

function jsonSegmentMutations(
  world: FuzzWorld,
  part: 0 | 1,
  values: Record<string, fc.Arbitrary<Raw>>,
): fc.Arbitrary<TokenCase> {
  return fc
    .record({
      base: fc.constantFrom(...world.tokens),
      edits: fc.array(jsonEdit(values), { minLength: 0, maxLength: 4 }),
      format: serialization,
      signature: fc.constantFrom<SignatureChoice>(
        'keep',
        'keep',
        'keep',
        'hmac',
        'attacker',
        'none',
      ),
      keyIndex: fc.nat(),
    })
    .map(({ base, edits, format, signature, keyIndex }) => {
      const parts = base.token.split('.') as [string, string, string];
      const entries = applyEdits(parts[part], edits);
      parts[part] = b64u(encodeJson(entries, format));
      const signingInput = `${parts[0]}.${parts[1]}`;
      const alg = entries.find(([key]) => key === 'alg')?.[1];
      const headerAlg = part === 0 && alg !== undefined ? safeParse(alg) : base.alg;
      const mutant = `${signingInput}.${resign(signature, signingInput, parts[2], base, headerAlg, world, keyIndex)}`;
      const how = `${base.name}: ${part === 0 ? 'header' : 'payload'} ${edits
        .map(
          (edit) =>
            `${edit.op} ${JSON.stringify(edit.key)}${'value' in edit ? `=${edit.value.slice(0, 60)}` : ''}`,
        )
        .join(', ')} as ${format.as}, signature ${signature}`;
      return { base, how, mutant };
    });
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const headerMutations = (world: FuzzWorld): fc.Arbitrary<TokenCase> =>
  jsonSegmentMutations(world, 0, headerValues(world));

export const payloadMutations = (world: FuzzWorld): fc.Arbitrary<TokenCase> =>
  jsonSegmentMutations(world, 1, claimValues(world));

/** A token signed on purpose by the issuer's own key over edited JSON. */
export interface SignedCase extends TokenCase {
  /** The header and claims as a JSON parser reads them; `undefined` when not JSON. */
  readonly header: unknown;
  readonly claims: unknown;
}

const mostlyCompact: fc.Arbitrary<Serialization> = fc.oneof(
  { weight: 9, arbitrary: fc.constant({ as: 'compact' as const }) },
  { weight: 1, arbitrary: serialization },
);

/**
 * Validly signed tokens with edited headers and claims: the signature holds, so what is
 * fuzzed is everything after it (claim checks, issuer presets, normalization).
 */
export function signedVariants(world: FuzzWorld): fc.Arbitrary<SignedCase> {
  return fc
    .record({
      base: fc.constantFrom(...world.tokens),
      headerEdits: fc.array(jsonEdit(headerValues(world)), { maxLength: 2 }),
      payloadEdits: fc.array(jsonEdit(claimValues(world)), { minLength: 1, maxLength: 4 }),
      headerFormat: mostlyCompact,
      payloadFormat: mostlyCompact,
    })
    .map(({ base, headerEdits, payloadEdits, headerFormat, payloadFormat }) => {
      const parts = base.token.split('.') as [string, string, string];
      const headerBytes = encodeJson(applyEdits(parts[0], headerEdits), headerFormat);
      const claimBytes = encodeJson(applyEdits(parts[1], payloadEdits), payloadFormat);
      const signingInput = `${b64u(headerBytes)}.${b64u(claimBytes)}`;
      const mutant = `${signingInput}.${signWith(base.privateKey, base.alg, signingInput)}`;
      const how = `${base.name} re-signed: header ${JSON.stringify(headerEdits)} as ${headerFormat.as}, claims ${JSON.stringify(payloadEdits)} as ${payloadFormat.as}`;
      return {
        base,
        how,
        mutant,
        header: safeParse(headerBytes.toString('utf8')),
        claims: safeParse(claimBytes.toString('utf8')),
      };
    });
}

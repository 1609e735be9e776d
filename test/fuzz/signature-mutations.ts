// Mutations of the signature bytes of valid tokens (truncated, extended, flipped, zeroed R or S,
// DER instead of R || S, random, borrowed), re-encoded as canonical base64url.
import fc from 'fast-check';
import type { TokenCase } from './mutations.js';
import type { BaseToken, FuzzWorld } from './world.js';

type SignatureOp =
  | { op: 'truncate'; bytes: number }
  | { op: 'extend'; bytes: Uint8Array }
  | { op: 'flip'; at: number; bit: number }
  | { op: 'zero' | 'zero-first-half' | 'zero-second-half' | 'der' | 'empty' | 'ones' }
  | { op: 'random-same-length'; seed: Uint8Array }
  | { op: 'random'; bytes: Uint8Array }
  | { op: 'other-token'; other: number };

const signatureOp: fc.Arbitrary<SignatureOp> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('truncate' as const),
      bytes: fc.integer({ min: 1, max: 300 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('extend' as const),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('flip' as const),
      at: fc.nat(),
      bit: fc.integer({ min: 0, max: 7 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constantFrom(
        'zero',
        'zero-first-half',
        'zero-second-half',
        'der',
        'empty',
        'ones',
      ) as fc.Arbitrary<'zero' | 'zero-first-half' | 'zero-second-half' | 'der' | 'empty' | 'ones'>,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('random-same-length' as const),
      seed: fc.uint8Array({ minLength: 8, maxLength: 8 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('random' as const),
      bytes: fc.uint8Array({ maxLength: 600 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('other-token' as const), other: fc.nat() }) },
);

function applySignatureOp(
  signature: Buffer,
  op: SignatureOp,
  tokens: readonly BaseToken[],
): Buffer {
  const half = signature.length >> 1;
  switch (op.op) {
    case 'truncate':
      return signature.subarray(0, Math.max(0, signature.length - op.bytes));
    case 'extend':
      return Buffer.concat([signature, op.bytes]);
    case 'flip': {
      const copy = Buffer.from(signature);
      const at = op.at % Math.max(1, copy.length);
      if (copy.length > 0) copy[at] = (copy[at] as number) ^ (1 << op.bit);
      return copy;
    }
    case 'zero':
      return Buffer.alloc(signature.length);
    case 'ones':
      return Buffer.alloc(signature.length, 0xff);
    case 'zero-first-half':
      return Buffer.concat([Buffer.alloc(half), signature.subarray(half)]);
    case 'zero-second-half':
      return Buffer.concat([signature.subarray(0, half), Buffer.alloc(signature.length - half)]);
    case 'der':
      return toDer(signature);
    case 'empty':
      return Buffer.alloc(0);
    case 'random-same-length': {
      const out = Buffer.alloc(signature.length);
      for (let i = 0; i < out.length; i += 1) out[i] = (op.seed[i % 8] as number) * (i + 1);
      return out;
    }
    case 'random':
      return Buffer.from(op.bytes);
    case 'other-token': {
      const other = (tokens[op.other % tokens.length] as BaseToken).token;
      return Buffer.from(other.slice(other.lastIndexOf('.') + 1), 'base64url');
    }
  }
}

/** The raw R||S signature as an ASN.1 DER `SEQUENCE { r INTEGER, s INTEGER }`. */
export function toDer(raw: Buffer): Buffer {
  const integer = (bytes: Buffer): Buffer => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
    const trimmed = bytes.subarray(start);
    const body = (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
    return Buffer.concat([Buffer.from([0x02, body.length]), body]);
  };
  const half = raw.length >> 1;
  const content = Buffer.concat([integer(raw.subarray(0, half)), integer(raw.subarray(half))]);
  return Buffer.concat([Buffer.from([0x30, content.length]), content]);
}

export function signatureMutations(world: FuzzWorld): fc.Arbitrary<TokenCase> {
  return fc
    .tuple(fc.constantFrom(...world.tokens), fc.array(signatureOp, { minLength: 1, maxLength: 2 }))
    .map(([base, ops]) => {
      const cut = base.token.lastIndexOf('.');
      let signature: Buffer = Buffer.from(base.token.slice(cut + 1), 'base64url');
      for (const op of ops) signature = applySignatureOp(signature, op, world.tokens);
      const mutant = `${base.token.slice(0, cut + 1)}${signature.toString('base64url')}`;
      return { base, how: `${base.name}: signature ${ops.map((op) => op.op).join(', ')}`, mutant };
    });
}

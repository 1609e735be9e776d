// Mutations of valid tokens that re-sign nothing: characters and segments (signature bytes are
// in signature-mutations.ts).
// Each arbitrary yields the mutant with a readable account of how it was made, so a
// counterexample printed by fast-check can be replayed by hand.
import fc from 'fast-check';
import type { BaseToken, FuzzWorld } from './world.js';

export interface TokenCase {
  /** The valid token this one was made from; `undefined` for strings made from scratch. */
  readonly base: BaseToken | undefined;
  readonly how: string;
  readonly mutant: string;
}

export const B64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export const b64u = (bytes: Uint8Array | string): string =>
  Buffer.from(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes).toString('base64url');

/** Characters a mutation inserts: mostly the alphabet, so mutants reach the deep checks. */
export const mutationChar: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...B64URL_ALPHABET) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('.', '=', '+', '/', ' ', '\t', '~', '%', '"', '\\', '\0', '\u00a0'),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 2 }) },
);

// ---------------------------------------------------------------- characters (flip/insert/…)

interface CharEdit {
  readonly segment: 0 | 1 | 2;
  readonly op: 'flip' | 'insert' | 'delete' | 'replace' | 'last-char';
  readonly at: number;
  readonly bit: number;
  readonly char: string;
}

const charEdit: fc.Arbitrary<CharEdit> = fc.record({
  segment: fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2>,
  op: fc.constantFrom('flip', 'flip', 'insert', 'delete', 'replace', 'last-char'),
  at: fc.nat(),
  bit: fc.integer({ min: 0, max: 5 }),
  char: mutationChar,
});

function applyCharEdit(token: string, edit: CharEdit): [string, string] {
  const parts = token.split('.');
  const index = Math.min(edit.segment, parts.length - 1);
  const segment = parts[index] as string;
  const at = edit.at % (segment.length + (edit.op === 'insert' ? 1 : 0) || 1);
  let next: string;
  let how: string;
  switch (edit.op) {
    case 'flip': {
      // A bit flip inside the alphabet: the segment stays valid base64url of the same length.
      const position = B64URL_ALPHABET.indexOf(segment[at] ?? 'A');
      const flipped = B64URL_ALPHABET[(position < 0 ? 0 : position) ^ (1 << edit.bit)] as string;
      next = segment.slice(0, at) + flipped + segment.slice(at + 1);
      how = `flip bit ${edit.bit} of segment ${index} char ${at}`;
      break;
    }
    case 'insert':
      next = segment.slice(0, at) + edit.char + segment.slice(at);
      how = `insert ${JSON.stringify(edit.char)} in segment ${index} at ${at}`;
      break;
    case 'delete':
      next = segment.slice(0, at) + segment.slice(at + 1);
      how = `delete segment ${index} char ${at}`;
      break;
    case 'replace':
      next = segment.slice(0, at) + edit.char + segment.slice(at + 1);
      how = `replace segment ${index} char ${at} by ${JSON.stringify(edit.char)}`;
      break;
    case 'last-char': {
      // The last character carries the unused trailing bits (RFC 4648 §3.5).
      const char = B64URL_ALPHABET[edit.at % 64] as string;
      next = segment.slice(0, -1) + char;
      how = `last char of segment ${index} becomes ${char}`;
      break;
    }
  }
  parts[index] = next;
  return [parts.join('.'), how];
}

export function characterMutations(world: FuzzWorld): fc.Arbitrary<TokenCase> {
  return fc
    .tuple(fc.constantFrom(...world.tokens), fc.array(charEdit, { minLength: 1, maxLength: 4 }))
    .map(([base, edits]) => {
      let mutant = base.token;
      const how: string[] = [];
      for (const edit of edits) {
        const [next, step] = applyCharEdit(mutant, edit);
        mutant = next;
        how.push(step);
      }
      return { base, how: `${base.name}: ${how.join('; ')}`, mutant };
    });
}

// ---------------------------------------------------------------- segments and structure

type StructureOp =
  | { op: 'swap'; segment: number; other: number; otherSegment: number }
  | {
      op: 'drop' | 'duplicate' | 'empty' | 'standard-alphabet' | 'upper' | 'lower';
      segment: number;
    }
  | { op: 'pad'; segment: number; padding: string }
  | { op: 'extra-segment'; text: string }
  | { op: 'reorder'; order: readonly number[] }
  | { op: 'wrap'; prefix: string; suffix: string }
  | { op: 'truncate'; at: number }
  | { op: 'concat'; other: number; separator: string };

const segmentIndex = fc.integer({ min: 0, max: 2 });
const structureOp: fc.Arbitrary<StructureOp> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('swap' as const),
      segment: segmentIndex,
      other: fc.nat(),
      otherSegment: segmentIndex,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constantFrom(
        'drop',
        'duplicate',
        'empty',
        'standard-alphabet',
        'upper',
        'lower',
      ) as fc.Arbitrary<'drop' | 'duplicate' | 'empty' | 'standard-alphabet' | 'upper' | 'lower'>,
      segment: segmentIndex,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('pad' as const),
      segment: segmentIndex,
      padding: fc.constantFrom('=', '==', '===', '%3D'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('extra-segment' as const),
      text: fc.oneof(fc.constant(''), fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/)),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('reorder' as const),
      order: fc.constantFrom([1, 0, 2], [0, 2, 1], [2, 1, 0], [1, 2, 0], [2, 0, 1]),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('wrap' as const),
      prefix: fc.constantFrom('', ' ', '\t', '"', 'Bearer ', '\ufeff', '.'),
      suffix: fc.constantFrom('', ' ', '\n', '"', '.', '=', '\0'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('concat' as const),
      other: fc.nat(),
      separator: fc.constantFrom('', '.', ',', ' '),
    }),
  },
);

function applyStructureOp(token: string, op: StructureOp, tokens: readonly BaseToken[]): string {
  const parts = token.split('.');
  const at = (segment: number): number => Math.min(segment, parts.length - 1);
  switch (op.op) {
    case 'swap': {
      const other = (tokens[op.other % tokens.length] as BaseToken).token.split('.');
      parts[at(op.segment)] = other[op.otherSegment] as string;
      return parts.join('.');
    }
    case 'drop':
      parts.splice(at(op.segment), 1);
      return parts.join('.');
    case 'duplicate':
      parts.splice(at(op.segment), 0, parts[at(op.segment)] as string);
      return parts.join('.');
    case 'empty':
      parts[at(op.segment)] = '';
      return parts.join('.');
    case 'standard-alphabet':
      parts[at(op.segment)] = (parts[at(op.segment)] as string)
        .replace(/-/g, '+')
        .replace(/_/g, '/');
      return parts.join('.');
    case 'upper':
      parts[at(op.segment)] = (parts[at(op.segment)] as string).toUpperCase();
      return parts.join('.');
    case 'lower':
      parts[at(op.segment)] = (parts[at(op.segment)] as string).toLowerCase();
      return parts.join('.');
    case 'pad':
      parts[at(op.segment)] += op.padding;
      return parts.join('.');
    case 'extra-segment':
      return `${token}.${op.text}`;
    case 'reorder':
      return op.order.map((index) => parts[index] ?? '').join('.');
    case 'wrap':
      return `${op.prefix}${token}${op.suffix}`;
    case 'truncate':
      return token.slice(0, op.at % token.length);
    case 'concat':
      return `${token}${op.separator}${(tokens[op.other % tokens.length] as BaseToken).token}`;
  }
}

export function structureMutations(world: FuzzWorld): fc.Arbitrary<TokenCase> {
  return fc
    .tuple(fc.constantFrom(...world.tokens), fc.array(structureOp, { minLength: 1, maxLength: 2 }))
    .map(([base, ops]) => {
      let mutant = base.token;
      for (const op of ops) mutant = applyStructureOp(mutant, op, world.tokens);
      return { base, how: `${base.name}: ${JSON.stringify(ops)}`, mutant };
    });
}

// Fuzzed HTTP requests: a mutated token in a well-formed Bearer header (H1), and any mix of
// Authorization lines, schemes, separators, query and form/JSON bodies (H2).
import fc from 'fast-check';
import { ROUTES, type AdapterName } from '../conformance/apps.js';
import type { FuzzRoute, HttpCase } from './http-oracle.js';
import { headerMutations, payloadMutations } from './json-mutations.js';
import {
  characterMutations,
  mutationChar,
  structureMutations,
  type TokenCase,
} from './mutations.js';
import { signatureMutations } from './signature-mutations.js';
import type { FuzzWorld } from './world.js';

export const ADAPTERS: readonly AdapterName[] = ['express', 'koa', 'fastify'];

const PROTECTED_ROUTES = ROUTES as readonly FuzzRoute[];
const ALL_ROUTES: readonly FuzzRoute[] = [
  ...PROTECTED_ROUTES,
  { method: 'GET', path: '/health', rule: 'none' },
];
const stripLineBreaks = (text: string): string => text.replace(/[\r\n]/g, '');

/** Mutated tokens of every kind, plus a few untouched ones, so acceptance is exercised too. */
function tokenCases(world: FuzzWorld): fc.Arbitrary<TokenCase> {
  return fc.oneof(
    characterMutations(world),
    structureMutations(world),
    headerMutations(world),
    payloadMutations(world),
    signatureMutations(world),
    fc
      .constantFrom(...world.tokens)
      .map((base) => ({ base, how: `${base.name} as is`, mutant: base.token })),
  );
}

/** H1: one well-formed `Bearer` header carrying a mutated token, to one adapter. */
export function mutatedBearerCases(world: FuzzWorld): fc.Arbitrary<[AdapterName, HttpCase]> {
  return fc
    .record({
      adapter: fc.constantFrom(...ADAPTERS),
      route: fc.constantFrom(...PROTECTED_ROUTES),
      token: tokenCases(world),
      scheme: fc.constantFrom('Bearer', 'bearer', 'BEARER', 'bEaReR'),
      separator: fc.constantFrom(' ', '  '),
      trailing: fc.constantFrom('', ' ', '\t'),
    })
    .map(({ adapter, route, token, scheme, separator, trailing }) => {
      const mutant = stripLineBreaks(token.mutant);
      const httpCase: HttpCase = {
        how: token.how,
        route,
        query: '',
        headers: [['Authorization', `${scheme}${separator}${mutant}${trailing}`]],
        // Spaces and tabs around a header value are not part of it (RFC 9110 §5.5), so a
        // token with a trailing space is sent, and may be accepted, as the token itself.
        credentials: [mutant, mutant.replace(/^[ \t]+|[ \t]+$/g, '')],
        queryTokens: false,
      };
      return [adapter, httpCase];
    });
}

/** H2: any Authorization lines, query and body, sent to all three adapters. */
export function requestCases(world: FuzzWorld): fc.Arbitrary<HttpCase> {
  const validToken = fc.constantFrom(...world.tokens.map(({ token }) => token));
  const credential = fc.oneof(
    { weight: 5, arbitrary: validToken },
    { weight: 4, arbitrary: characterMutations(world).map(({ mutant }) => mutant) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9\-._~+/]{1,40}=*$/) },
    { weight: 1, arbitrary: fc.constantFrom('', '=', '.', '..', 'a.b.c', '%41') },
    { weight: 1, arbitrary: fc.integer({ min: 8000, max: 20_000 }).map((n) => 'A'.repeat(n)) },
  );
  const authorizationValue = fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(
          fc.oneof(
            fc.constantFrom(
              'Bearer',
              'bearer',
              'BEARER',
              'Basic',
              'DPoP',
              'Token',
              'Bearer:',
              'Bearerx',
              'Bearer,',
              '',
            ),
            fc.string({ maxLength: 8 }),
          ),
          fc.constantFrom(' ', '  ', '\t', '', ',', ':', ' \t '),
          credential,
          fc.constantFrom('', ' ', '\t', ' x', ',', ', Bearer abc', '\u00a0', '\u2028'),
        )
        .map((parts) => parts.join('')),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
    {
      weight: 1,
      arbitrary: fc.array(mutationChar, { maxLength: 30 }).map((chars) => chars.join('')),
    },
  );
  const authorizationLine: fc.Arbitrary<[string, string]> = fc.tuple(
    fc.constantFrom('Authorization', 'authorization', 'AUTHORIZATION', 'AuThOrIzAtIoN'),
    authorizationValue,
  );
  const encoded = credential.chain((value) =>
    fc.constantFrom(percentEncode(value), value.replace(/[^A-Za-z0-9\-._~]/g, '')),
  );
  const query = fc.oneof(
    { weight: 3, arbitrary: fc.constant('') },
    { weight: 2, arbitrary: encoded.map((value) => `?access_token=${value}`) },
    {
      weight: 1,
      arbitrary: fc.tuple(encoded, encoded).map(([a, b]) => `?access_token=${a}&access_token=${b}`),
    },
    { weight: 1, arbitrary: encoded.map((value) => `?access%5Ftoken=${value}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '?access_token',
        '?access_token=&x=1',
        '?x=1',
        '?%zz',
        '?access_token=%zz',
        '?',
        '?&&',
      ),
    },
  );
  const formBody = fc.oneof(
    encoded.map((value) => `access_token=${value}`),
    fc.tuple(encoded, encoded).map(([a, b]) => `access_token=${a}&access_token=${b}`),
    fc.constantFrom('', 'x=1', 'access_token=', 'access_token'),
  );
  const body = fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    {
      weight: 3,
      arbitrary: fc.tuple(
        fc.constantFrom(
          'application/x-www-form-urlencoded',
          'application/x-www-form-urlencoded; charset=utf-8',
          'APPLICATION/X-WWW-FORM-URLENCODED',
        ),
        formBody,
      ),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(
        fc.constant('application/json'),
        credential.map((value) => JSON.stringify({ access_token: value })),
      ),
    },
  );
  return fc
    .record({
      route: fc.constantFrom(...ALL_ROUTES),
      authorization: fc.oneof(
        { weight: 2, arbitrary: fc.constant([] as [string, string][]) },
        { weight: 6, arbitrary: fc.array(authorizationLine, { minLength: 1, maxLength: 1 }) },
        { weight: 2, arbitrary: fc.array(authorizationLine, { minLength: 2, maxLength: 3 }) },
      ),
      query,
      body,
      queryTokens: fc.boolean(),
      otherHeaders: fc.subarray([
        ['X-Forwarded-Authorization', 'Bearer x'],
        ['Proxy-Authorization', 'Bearer y'],
        ['Cookie', 'access_token=z'],
      ] as [string, string][]),
    })
    .map(({ route, authorization, query, body: bodyPart, queryTokens, otherHeaders }) => {
      const headers: [string, string][] = [
        ...otherHeaders,
        ...authorization.map(([name, value]): [string, string] => [name, stripLineBreaks(value)]),
      ];
      // Bodies only on POST: GET bodies are parsed by some body parsers and not others.
      const withBody = route.method === 'POST' && bodyPart !== undefined;
      if (withBody) headers.push(['Content-Type', bodyPart[0]]);
      const credentials = [
        ...headers.map(([, value]) => value),
        ...decodeAll(query),
        ...(withBody ? decodeAll(`?${bodyPart[1]}`) : []),
      ];
      return {
        how: 'request combination',
        route,
        query,
        headers,
        body: withBody ? bodyPart[1] : route.method === 'POST' ? '' : undefined,
        credentials: credentials.flatMap((value) => [value, ...value.split(/[ \t,]+/)]),
        queryTokens,
      };
    });
}

/** encodeURIComponent that also takes lone surrogates (written as U+FFFD, like Buffer does). */
function percentEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(char)
      ? char
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function decodeAll(query: string): string[] {
  return query.length <= 1 ? [] : [...new URLSearchParams(query.slice(1)).values()];
}

// Properties of the HTTP path of all three adapters, over real sockets: (iii) never a 5xx while
// the IdP is up, never a hang, the JSON body `{ error, error_description }` and challenge on
// every error, exactly the answer the core gives (see http-oracle.ts), a mutated token never
// accepted, and the server still answering afterwards.
import fc from 'fast-check';
import { startApp, type AdapterName, type RunningApp } from '../conformance/apps.js';
import { ADAPTERS, mutatedBearerCases, requestCases } from './http-cases.js';
import {
  createHttpOracle,
  REALM,
  type Expected,
  type HttpCase,
  type HttpOracle,
} from './http-oracle.js';
import {
  FuzzViolation,
  KNOWN_BODY_ERRORS,
  neutrality,
  type FuzzProperty,
  type Tally,
} from './oracle.js';
import { exchange, type RawExchange } from '../support/raw-http-client.js';
import type { FuzzWorld } from './world.js';

/** A request the server never answers is a finding, like any other property violation. */
const REPORT_HANG = { onHang: (message: string) => new FuzzViolation(message) };

export interface HttpWorld {
  readonly world: FuzzWorld;
  readonly oracle: HttpOracle;
  /** Apps by adapter, without and with `allowQueryToken`. */
  app(adapter: AdapterName, queryTokens: boolean): RunningApp;
  /** Throws unless every app still answers its health check. */
  assertAlive(): Promise<void>;
  close(): Promise<void>;
}

export async function startHttpWorld(world: FuzzWorld): Promise<HttpWorld> {
  const apps = new Map<string, RunningApp>();
  for (const adapter of ADAPTERS) {
    for (const queryTokens of [false, true]) {
      const options = { ...world.verifierOptions, realm: REALM, allowQueryToken: queryTokens };
      apps.set(`${adapter}:${queryTokens}`, await startApp(adapter, options));
    }
  }
  return {
    world,
    oracle: createHttpOracle(world),
    app: (adapter, queryTokens) => apps.get(`${adapter}:${queryTokens}`) as RunningApp,
    async assertAlive() {
      for (const [name, app] of apps) {
        const health = { method: 'GET', target: '/health', headers: [] };
        const response = await exchange(app.port, health, REPORT_HANG);
        if (response.status !== 200)
          throw new FuzzViolation(`${name} no longer answers: ${String(response.status)}`);
      }
    },
    async close() {
      await Promise.all([...apps.values()].map((app) => app.close()));
    },
  };
}

/** Sends one case to one adapter and checks the answer against the oracle. */
export async function checkHttpCase(
  http: HttpWorld,
  adapter: AdapterName,
  httpCase: HttpCase,
  tally: Tally,
): Promise<void> {
  const app = http.app(adapter, httpCase.queryTokens);
  const expected = await http.oracle.expect(httpCase, app.port);
  const response = await exchange(
    app.port,
    {
      method: httpCase.route.method,
      target: `${httpCase.route.path}${httpCase.query}`,
      headers: httpCase.headers,
      body: httpCase.body,
    },
    REPORT_HANG,
  );
  const where = `${adapter} ${httpCase.route.method} ${httpCase.route.path}${httpCase.query.slice(0, 80)} (${httpCase.how})`;
  if (response.status !== undefined && response.status >= 500) {
    throw new FuzzViolation(`${where}: ${response.status} ${response.body.slice(0, 200)}`);
  }
  checkAcceptance(http.world, httpCase, response, where);
  tally.count(outcomeLabel(expected, response));
  if (expected.kind === 'transport') {
    // Node's parser refuses the message itself, before any middleware runs (431 when the
    // header section is too large before the bad byte is reached).
    if (response.status !== undefined && response.status !== 400 && response.status !== 431) {
      throw new FuzzViolation(`${where}: a header with a control character got ${response.status}`);
    }
    return;
  }
  if (expected.nearSizeLimit && response.status === 431) return;
  if (response.status !== expected.status) {
    throw new FuzzViolation(
      `${where}: status ${String(response.status)}, expected ${expected.status} (${expected.outcome}); body ${response.body.slice(0, 200)}`,
    );
  }
  const body = parseJson(response.body);
  if (JSON.stringify(body) !== JSON.stringify(expected.body)) {
    throw new FuzzViolation(
      `${where}: body ${response.body.slice(0, 200)}, expected ${JSON.stringify(expected.body)}`,
    );
  }
  if (response.status >= 400) {
    const error = (body as { error?: unknown }).error;
    if (typeof error !== 'string' || !KNOWN_BODY_ERRORS.has(error))
      throw new FuzzViolation(`${where}: error ${String(error)}`);
  }
  if (response.headers['www-authenticate'] !== expected.challenge) {
    throw new FuzzViolation(
      `${where}: challenge ${String(response.headers['www-authenticate'])}, expected ${String(expected.challenge)}`,
    );
  }
}

/**
 * Independent of the oracle (which uses the same core): a response that shows an
 * authenticated caller (a subject, or a 403 from a rule) needs a valid token, untouched or
 * neutrally re-encoded, somewhere in the request.
 */
function checkAcceptance(
  world: FuzzWorld,
  httpCase: HttpCase,
  response: RawExchange,
  where: string,
): void {
  const sub =
    response.status === 200
      ? (parseJson(response.body) as { sub?: unknown } | undefined)?.sub
      : undefined;
  const authenticated = response.status === 403 || (typeof sub === 'string' && sub.length > 0);
  if (!authenticated) return;
  const genuine = httpCase.credentials.some((credential) =>
    world.tokens.some(
      ({ token, sub: tokenSub }) =>
        neutrality(token, credential) !== 'changed' && (sub === undefined || sub === tokenSub),
    ),
  );
  if (!genuine)
    throw new FuzzViolation(`${where}: authenticated (${response.status}) without a valid token`);
}

function outcomeLabel(expected: Expected, response: RawExchange): string {
  if (expected.kind === 'transport') return `transport ${String(response.status ?? 'closed')}`;
  if (expected.nearSizeLimit && response.status === 431) return '431 header too large';
  return `${response.status ?? 'closed'} ${expected.outcome}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const MUTATED_BEARER = 'http: mutated tokens in a Bearer header (one adapter per case)';
const COMBINATIONS = 'http: Authorization lines, query and body combinations (all three adapters)';
export const HTTP_PROPERTY_NAMES = [MUTATED_BEARER, COMBINATIONS] as const;
export type HttpPropertyName = (typeof HTTP_PROPERTY_NAMES)[number];

/** Requests one case of the property sends (for the summary's request counts). */
export const REQUESTS_PER_CASE: Readonly<Record<HttpPropertyName, number>> = {
  [MUTATED_BEARER]: 1,
  [COMBINATIONS]: ADAPTERS.length,
};

export function httpProperty(name: HttpPropertyName, http: HttpWorld, tally: Tally): FuzzProperty {
  if (name === MUTATED_BEARER) {
    return fc.asyncProperty(mutatedBearerCases(http.world), async ([adapter, httpCase]) => {
      tally.cases += 1;
      await checkHttpCase(http, adapter, httpCase, tally);
    });
  }
  return fc.asyncProperty(requestCases(http.world), async (httpCase) => {
    tally.cases += 1;
    await Promise.all(ADAPTERS.map((adapter) => checkHttpCase(http, adapter, httpCase, tally)));
  });
}

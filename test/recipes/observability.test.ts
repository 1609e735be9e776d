// Runs docs/recipes/observability.md verbatim: its `// file:` blocks are written to a scratch
// directory and its app is built with the OpenTelemetry SDK registered globally (in-memory
// metric and span exporters, as an app's SDK setup would register real ones) and a pino logger
// writing to a captured stream. Tokens verified, expired and refused during an IdP outage must
// show up as the counts, durations, spans and log lines the recipe promises.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { metrics, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type Histogram,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { cognitoIssuer, type TrustedIssuer, type Verifier } from '@tokengate/core';
import { createTestIssuer, type TestIssuer } from '@tokengate/testing';
import type { Express } from 'express';
import { pino, type Logger } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRecipeFiles, type RecipeDir } from '../support/recipe-files.js';

interface Recipe {
  createApp(options: { issuers: TrustedIssuer[]; logger: Logger }): {
    app: Express;
    verifier: Verifier;
  };
}
type Listener = (event: Record<string, unknown>) => void;

const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
// A long interval: the test collects on demand with forceFlush().
const reader = new PeriodicExportingMetricReader({
  exporter: metricExporter,
  exportIntervalMillis: 3_600_000,
});
const meterProvider = new MeterProvider({ readers: [reader] });
const spanExporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(spanExporter)],
});
const lines: Record<string, unknown>[] = [];
// pino writes each line synchronously to any object with `write`.
const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });

let issuer: TestIssuer;
let recipe: RecipeDir;
let module: Recipe;
const verifiers: Verifier[] = [];

beforeAll(async () => {
  metrics.setGlobalMeterProvider(meterProvider);
  trace.setGlobalTracerProvider(tracerProvider);
  issuer = await createTestIssuer({ kind: 'cognito' });
  recipe = writeRecipeFiles('observability');
  expect(recipe.names).toEqual(['app.mjs', 'tokengate-log.mjs', 'tokengate-otel.mjs']);
  module = (await import(pathToFileURL(join(recipe.dir, 'app.mjs')).href)) as Recipe;
});

afterAll(async () => {
  await Promise.all(verifiers.map((verifier) => verifier.close()));
  await issuer.close();
  await Promise.all([meterProvider.shutdown(), tracerProvider.shutdown()]);
  metrics.disable();
  trace.disable();
  recipe.remove();
});

function createApp(): Express {
  const issuers = [cognitoIssuer({ issuerOverride: issuer.issuer, clientId: issuer.clientId })];
  const { app, verifier } = module.createApp({ issuers, logger });
  verifiers.push(verifier);
  return app;
}

/** The data points of a metric, as `[attributes, value]` pairs. */
async function points(name: string): Promise<[Attributes, unknown][]> {
  await reader.forceFlush();
  const latest = metricExporter.getMetrics().at(-1);
  const metric = latest?.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .find((candidate) => candidate.descriptor.name === name);
  return (metric?.dataPoints ?? []).map((point) => [point.attributes, point.value]);
}

describe('docs/recipes/observability.md', () => {
  it('records verifications, JWKS fetches, spans and log lines for each outcome', async () => {
    const app = createApp();
    const token = await issuer.accessToken();
    for (let i = 0; i < 2; i += 1) {
      await request(app).get('/me').set('Authorization', `Bearer ${token}`).expect(200);
    }
    const expired = await issuer.accessToken({ expiresIn: -60 });
    await request(app).get('/me').set('Authorization', `Bearer ${expired}`).expect(401);
    // A second app starts with an empty JWKS cache: during the outage it cannot verify at all.
    await issuer.outage('error');
    const cold = createApp();
    await request(cold).get('/me').set('Authorization', `Bearer ${token}`).expect(503);
    await issuer.recover();

    expect(await points('tokengate.verifications')).toEqual(
      expect.arrayContaining([
        [{ 'tokengate.outcome': 'verified' }, 2],
        [{ 'tokengate.outcome': 'rejected', 'tokengate.code': 'TOKEN_EXPIRED' }, 1],
        [{ 'tokengate.outcome': 'rejected', 'tokengate.code': 'IDP_UNAVAILABLE' }, 1],
      ]),
    );
    const durations = new Map(
      (await points('tokengate.verify.duration')).map(([attributes, value]) => [
        `${attributes['tokengate.outcome']} ${attributes['tokengate.code'] ?? ''}`.trim(),
        value as Histogram,
      ]),
    );
    expect([...durations.keys()].sort()).toEqual([
      'rejected IDP_UNAVAILABLE',
      'rejected TOKEN_EXPIRED',
      'verified',
    ]);
    expect(durations.get('verified')?.count).toBe(2);
    // The first verification waited for the JWKS fetch: a real duration, in seconds.
    expect(durations.get('verified')?.max).toBeGreaterThan(0);
    expect(durations.get('verified')?.max).toBeLessThan(5);
    const fetches = await points('tokengate.jwks.fetch.duration');
    expect(fetches).toContainEqual([
      { 'tokengate.ok': true, 'url.full': issuer.jwksUri },
      expect.objectContaining({ count: 1 }),
    ]);
    expect(fetches).toContainEqual([
      { 'tokengate.ok': false, 'url.full': issuer.jwksUri },
      expect.objectContaining({ count: expect.any(Number) }),
    ]);

    const spans = spanExporter.getFinishedSpans();
    expect(spans.map((span) => span.name)).toEqual(Array(4).fill('tokengate.verify'));
    expect(spans.map((span) => [span.attributes, span.status.code])).toEqual([
      [
        { 'tokengate.outcome': 'verified', 'tokengate.issuer': issuer.issuer },
        SpanStatusCode.UNSET,
      ],
      [
        { 'tokengate.outcome': 'verified', 'tokengate.issuer': issuer.issuer },
        SpanStatusCode.UNSET,
      ],
      [
        { 'tokengate.outcome': 'rejected', 'tokengate.code': 'TOKEN_EXPIRED' },
        SpanStatusCode.UNSET,
      ],
      [
        { 'tokengate.outcome': 'rejected', 'tokengate.code': 'IDP_UNAVAILABLE' },
        SpanStatusCode.ERROR,
      ],
    ]);

    const logged = lines.map((line) => [line.level, line.event, line.code]);
    expect(logged).toEqual(
      expect.arrayContaining([
        [30, 'jwks-fetch', undefined], // info
        [20, 'verified', undefined], // debug
        [30, 'rejected', 'TOKEN_EXPIRED'], // info
        [40, 'jwks-fetch', undefined], // warn: the fetch failed
        [50, 'rejected', 'IDP_UNAVAILABLE'], // error
      ]),
    );
    expect(lines.every((line) => line.component === 'tokengate')).toBe(true);
    expect(JSON.stringify(lines)).not.toContain(token.split('.')[2]);
  });

  it('logs a rejection’s detail when the event carries one, and nothing when it does not', async () => {
    const { pinoEvents } = (await import(
      pathToFileURL(join(recipe.dir, 'tokengate-log.mjs')).href
    )) as { pinoEvents(logger: Logger): Listener };
    const listen = pinoEvents(logger);
    lines.length = 0;
    const base = { type: 'rejected', code: 'AUDIENCE_MISMATCH', status: 401, issuer: undefined };
    listen({ ...base, detail: { expected: ['api'], seen: 'other' } });
    listen(base);
    expect(lines).toMatchObject([
      { level: 30, event: 'rejected', code: 'AUDIENCE_MISMATCH', detail: { expected: ['api'] } },
      { level: 30, event: 'rejected', code: 'AUDIENCE_MISMATCH', status: 401 },
    ]);
    expect(lines[1]).not.toHaveProperty('detail');
  });
});

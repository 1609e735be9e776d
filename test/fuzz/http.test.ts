// A seeded slice of the HTTP fuzz properties against Express, Koa and Fastify, run by
// `pnpm test`; `pnpm fuzz` runs many more cases with a random seed (see scripts/fuzz.mjs).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  HTTP_PROPERTY_NAMES,
  httpProperty,
  startHttpWorld,
  type HttpWorld,
} from './http-properties.js';
import { Tally } from './oracle.js';
import { createWorld, type FuzzWorld } from './world.js';

const SEED = 20_251_126;
const RUNS = 300;

let world: FuzzWorld;
let http: HttpWorld;

beforeAll(async () => {
  world = await createWorld();
  http = await startHttpWorld(world);
});
afterAll(async () => {
  await http?.close();
  await world?.close();
});

describe('adapters over HTTP: no 5xx, no hang, the core answer, JSON errors', () => {
  it.each(HTTP_PROPERTY_NAMES)(
    '%s',
    async (name) => {
      await fc.assert(httpProperty(name, http, new Tally()), { seed: SEED, numRuns: RUNS });
      await http.assertAlive();
    },
    60_000,
  );
});

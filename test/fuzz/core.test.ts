// A seeded slice of the core fuzz properties, run by `pnpm test`; `pnpm fuzz` runs the same
// properties with a random seed and many more cases (see scripts/fuzz.mjs).
import type { Verifier } from '@tokengate/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { CORE_PROPERTY_NAMES, coreProperty, coreVerifiers } from './core-properties.js';
import { Tally } from './oracle.js';
import { createWorld, type FuzzWorld } from './world.js';

const SEED = 20_251_126;
const RUNS = 400;

let world: FuzzWorld;
let verifiers: readonly Verifier[];

beforeAll(async () => {
  world = await createWorld();
  verifiers = coreVerifiers(world);
});
afterAll(() => world?.close());

describe('core verifier: mutated tokens are rejected, with typed errors', () => {
  it.each(CORE_PROPERTY_NAMES)(
    '%s',
    async (name) => {
      await fc.assert(coreProperty(name, world, verifiers, new Tally()), {
        seed: SEED,
        numRuns: RUNS,
      });
    },
    60_000,
  );
});

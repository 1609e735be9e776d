// The long fuzz run behind `pnpm fuzz`: every core and HTTP property with a share of the case
// budget, one seed for all, and a report of cases, outcomes (rejection codes) and durations.
import fc from 'fast-check';
import {
  CORE_PROPERTY_NAMES,
  coreProperty,
  coreVerifiers,
  type CorePropertyName,
} from './core-properties.js';
import {
  HTTP_PROPERTY_NAMES,
  REQUESTS_PER_CASE,
  httpProperty,
  startHttpWorld,
  type HttpPropertyName,
} from './http-properties.js';
import { Tally, type FuzzProperty } from './oracle.js';
import { createWorld } from './world.js';

export interface CampaignOptions {
  readonly seed: number;
  /** Cases across all properties. */
  readonly totalCases: number;
  /** Run only the properties whose name contains this. */
  readonly only?: string | undefined;
  /** fast-check replay path of a failure (with `only` naming its property). */
  readonly path?: string | undefined;
}

export interface PropertyReport {
  readonly name: string;
  readonly kind: 'core' | 'http';
  readonly cases: number;
  /** HTTP requests sent (HTTP properties only). */
  readonly requests?: number;
  readonly durationMs: number;
  readonly outcomes: Record<string, number>;
  readonly failure?: string;
}

export interface CampaignReport {
  readonly seed: number;
  readonly totalCases: number;
  readonly durationMs: number;
  readonly properties: readonly PropertyReport[];
  /** Errors that escaped to the process (uncaught exceptions, unhandled rejections). */
  readonly escaped: readonly string[];
}

/** Share of the case budget per property; HTTP gets about 10 %, as its cases cost sockets. */
const SHARE: Readonly<Record<CorePropertyName | HttpPropertyName, number>> = {
  'core: character edits (flip, insert, delete, replace)': 20,
  'core: segment swaps and structure': 10,
  'core: header re-encoded (alg, kid, crit, typ, extra keys)': 15,
  'core: payload re-encoded (every claim, wrong types, huge numbers)': 15,
  'core: signature bytes (truncated, extended, flipped, DER, zero R/S)': 10,
  'core: strings made from scratch': 8,
  'core: validly signed tokens with edited claims (checks after the signature)': 12,
  'http: mutated tokens in a Bearer header (one adapter per case)': 6,
  'http: Authorization lines, query and body combinations (all three adapters)': 4,
};

export async function runCampaign(
  options: CampaignOptions,
  progress: (line: string) => void = () => undefined,
): Promise<CampaignReport> {
  const escaped: string[] = [];
  const onEscape = (error: unknown): void => {
    escaped.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
  };
  process.on('uncaughtException', onEscape);
  process.on('unhandledRejection', onEscape);
  const startedAt = performance.now();
  const world = await createWorld();
  const http = await startHttpWorld(world);
  const verifiers = coreVerifiers(world);
  const properties: PropertyReport[] = [];
  const selected = (name: string): boolean =>
    options.only === undefined || name.includes(options.only);
  try {
    const all: [CorePropertyName | HttpPropertyName, 'core' | 'http'][] = [
      ...CORE_PROPERTY_NAMES.map((name): [CorePropertyName, 'core'] => [name, 'core']),
      ...HTTP_PROPERTY_NAMES.map((name): [HttpPropertyName, 'http'] => [name, 'http']),
    ];
    const budget = all
      .filter(([name]) => selected(name))
      .reduce((sum, [name]) => sum + SHARE[name], 0);
    for (const [name, kind] of all) {
      if (!selected(name)) continue;
      const numRuns = Math.max(1, Math.round((options.totalCases * SHARE[name]) / budget));
      const tally = new Tally();
      const property: FuzzProperty =
        kind === 'core'
          ? coreProperty(name as CorePropertyName, world, verifiers, tally)
          : httpProperty(name as HttpPropertyName, http, tally);
      progress(`${name}: ${numRuns} cases…`);
      const began = performance.now();
      let failure: string | undefined;
      try {
        const details = await fc.check(property, {
          seed: options.seed,
          numRuns,
          ...(options.path === undefined ? {} : { path: options.path }),
        });
        if (details.failed) {
          const error = details.errorInstance;
          const message =
            error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          failure = `${fc.defaultReportMessage(details)}\nGot: ${message}`;
        }
      } catch (error) {
        // A generator that throws is a bug of the fuzzer, reported like a failure.
        failure = `the property could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
      }
      if (kind === 'http') {
        await http.assertAlive().catch((error: unknown) => {
          failure = `${failure ?? ''}\nafter the run: ${String(error)}`;
        });
      }
      const { cases, outcomes } = tally.toJSON();
      properties.push({
        name,
        kind,
        cases,
        ...(kind === 'http'
          ? { requests: cases * REQUESTS_PER_CASE[name as HttpPropertyName] }
          : {}),
        durationMs: Math.round(performance.now() - began),
        outcomes,
        ...(failure === undefined ? {} : { failure }),
      });
      progress(
        `  ${cases} cases in ${Math.round(performance.now() - began)} ms${failure === undefined ? '' : ' — FAILED'}`,
      );
    }
  } finally {
    await http.close();
    await world.close();
    process.off('uncaughtException', onEscape);
    process.off('unhandledRejection', onEscape);
  }
  return {
    seed: options.seed,
    totalCases: properties.reduce((sum, { cases }) => sum + cases, 0),
    durationMs: Math.round(performance.now() - startedAt),
    properties,
    escaped,
  };
}

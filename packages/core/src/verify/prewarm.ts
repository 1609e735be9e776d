import type { JwksCache } from '../jwks/jwks-cache-options.js';
import type { TrustedIssuer, VerifierEventListener } from '../lib/types.js';
import { notify } from '../lib/observe.js';
import { describe } from '../lib/options.js';
import type { Route } from '../issuers/routes.js';

interface Target {
  readonly route: Route;
  readonly secondary: boolean;
}

/**
 * Builds the verifier's `prewarm()`: fetches the keys of every configured endpoint now and
 * reports each outcome as a `prewarm` event. Only primary endpoints can reject it: a secondary
 * one is a form the issuer may not use at all (Cognito's `issuer-cognito-idp` host answers 403
 * until the pool opts into it), and startup must not fail for that. Checks the endpoints'
 * `secondary` flags once, here, with a `TypeError`.
 */
export function createPrewarm(
  routes: ReadonlyMap<string, Route>,
  jwks: JwksCache,
  onEvent: VerifierEventListener | undefined,
): () => Promise<void> {
  const targets: Target[] = [];
  const primaries = new Map<TrustedIssuer, number>();
  for (const route of new Set(routes.values())) {
    if (route.keys !== undefined) continue; // keys given up front: nothing to fetch
    const secondary = secondaryOf(route);
    targets.push({ route, secondary });
    primaries.set(route.trusted, (primaries.get(route.trusted) ?? 0) + (secondary ? 0 : 1));
  }
  for (const [trusted, count] of primaries) {
    // Fail closed: an issuer whose every endpoint may fail would let startup pass with its IdP down.
    if (count === 0) {
      throw new TypeError(
        `issuer ${describe(trusted.endpoints[0]?.issuer)}: at least one endpoint must not be secondary`,
      );
    }
  }

  async function warm({ route, secondary }: Target): Promise<void> {
    const startedAt = Date.now();
    try {
      await jwks.refresh(await route.resolveJwksUri());
      notify(onEvent, {
        type: 'prewarm',
        issuer: route.issuer,
        secondary,
        ok: true,
        durationMs: Date.now() - startedAt,
      });
    } catch (error) {
      notify(onEvent, {
        type: 'prewarm',
        issuer: route.issuer,
        secondary,
        ok: false,
        durationMs: Date.now() - startedAt,
        error: reasonOf(error),
      });
      if (!secondary) throw error;
    }
  }

  return async function prewarm(): Promise<void> {
    await Promise.all(targets.map(warm));
  };
}

function secondaryOf(route: Route): boolean {
  const endpoint = route.trusted.endpoints.find((candidate) => candidate.issuer === route.issuer);
  const secondary: unknown = endpoint?.secondary;
  if (secondary !== undefined && typeof secondary !== 'boolean') {
    throw new TypeError(`issuer ${describe(route.issuer)}: secondary must be a boolean`);
  }
  return secondary === true;
}

/** What went wrong, safe to log: the underlying fetch failure (`HTTP 403`, a timeout), never a URL secret. */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? error.cause.message : error.message;
}

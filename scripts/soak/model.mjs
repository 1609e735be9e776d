// What each soak request may answer, given what the issuer was doing when it was sent and
// answered. The grace windows come from the servers' JWKS configuration and the README's
// "JWKS cache behaviour": a new kid is learnt within one cooldown (plus one fetch), a removed
// key is forgotten once the key set refreshes (one TTL, plus one fetch), and one cooldown after
// the IdP is back everything works again. Inside those windows both outcomes are accepted.

/** @typedef {'ok' | 401 | 503} AuthOutcome  what authentication may do with a token */

/**
 * @param {{ timeoutMs: number, maxTtlMs: number, cooldownMs: number }} jwks
 * @param {number} slackMs  scheduling noise: event-loop delays, the request's own travel
 */
export function windowsFor(jwks, slackMs) {
  return {
    learn: jwks.cooldownMs + jwks.timeoutMs + slackMs,
    forget: jwks.maxTtlMs + jwks.timeoutMs + slackMs,
    recover: jwks.cooldownMs + jwks.timeoutMs + slackMs,
  };
}

/** The issuer's history as the load generator caused it: keys published and removed, outages. */
export function createWorld(windows) {
  /** @type {Map<string, { publishedAt: number, removedAt: number | undefined }>} */
  const keys = new Map();
  let outageStart = Infinity;
  let outageEnd = Infinity;

  function outageAt(t) {
    return t >= outageStart && t < outageEnd + windows.recover;
  }

  /**
   * @param {string | null | undefined} kid  null: no token or not a JWT; undefined: unknown kid
   * @returns {Set<AuthOutcome>}
   */
  function outcomes(kid, t) {
    if (kid === null) return new Set([401]);
    const key = kid === undefined ? undefined : keys.get(kid);
    // A kid the issuer never published: unknown, and unknowable while the IdP is down (503).
    if (key === undefined) return new Set(outageAt(t) ? [401, 503] : [401]);
    if (key.removedAt !== undefined && t >= key.removedAt) {
      const set = new Set([401]);
      if (t < key.removedAt + windows.forget) set.add('ok');
      if (outageAt(t)) set.add(503);
      return set;
    }
    const learnt = key.publishedAt + windows.learn;
    if (outageAt(t) && learnt > outageStart) {
      // Published too late to be learnt before the IdP went down: 503 until it is back.
      const set = new Set([503]);
      if (t >= outageEnd) set.add('ok');
      if (key.publishedAt < outageStart) {
        set.add('ok');
        set.add(401);
      }
      return set;
    }
    // Known keys keep serving through an outage (stale-if-error).
    return new Set(t < learnt ? ['ok', 401] : ['ok']);
  }

  return {
    publish(kid, at) {
      keys.set(kid, { publishedAt: at, removedAt: undefined });
    },
    remove(kid, at) {
      const key = keys.get(kid);
      if (key !== undefined) key.removedAt = at;
    },
    /** The issuer publishes this key at `t` (whatever the servers know of it). */
    publishes(kid, t) {
      const key = kid == null ? undefined : keys.get(kid);
      return key !== undefined && t >= key.publishedAt && !(key.removedAt <= t);
    },
    isRemoved(kid) {
      return keys.get(kid)?.removedAt !== undefined;
    },
    outageBegins(at) {
      outageStart = at;
    },
    outageEnds(at) {
      outageEnd = at;
    },
    outcomes,
  };
}

/**
 * The statuses a request may get when sent at `sentAt` and answered at `answeredAt`: the union
 * of both moments, so a request in flight across a state change may see either side. `ok`: the
 * token may authenticate at one of these moments; `published`: the issuer publishes its key.
 *
 * @param {{ kid: string | null | undefined, success: number }} request  `success`: the status
 *   when authentication succeeds (200, 201, 403 for a missing scope, 401 for an expired token)
 * @returns {{ allowed: Set<number>, ok: boolean, published: boolean }}
 */
export function allowedStatuses(world, request, sentAt, answeredAt) {
  const allowed = new Set();
  let ok = false;
  let published = false;
  for (const t of [sentAt, answeredAt]) {
    published ||= world.publishes(request.kid, t);
    for (const outcome of world.outcomes(request.kid, t)) {
      if (outcome === 'ok') ok = true;
      allowed.add(outcome === 'ok' ? request.success : outcome);
    }
  }
  return { allowed, ok, published };
}

/**
 * Sorts one response into a category of the report. Invariant breaches: `falseAccept`,
 * `falseReject`, `unexpected5xx`, `malformed`, `mismatch`.
 *
 * @param {{ valid: boolean }} request  `valid`: a genuine, well-formed, unexpired token
 * @param {{ status: number, headers: Record<string, string | string[] | undefined>, body: string }} response
 * @param {{ allowed: Set<number>, ok: boolean, published: boolean }} expectation
 */
export function classify(request, response, { allowed, ok, published }) {
  const { status } = response;
  // A genuine token whose key the issuer publishes (or that may still be honoured).
  const genuine = request.valid && (ok || published);
  if (allowed.has(status)) {
    if (status === 503) return wellFormed503(response) ? 'deliberate503' : 'malformed';
    if (status === 401) {
      const challenge = response.headers['www-authenticate'];
      if (typeof challenge !== 'string' || !challenge.startsWith('Bearer')) return 'malformed';
      // Refused inside a documented window (new kid not learnt yet, removed key forgotten).
      if (request.valid && ok) return 'windowReject';
    }
    return 'expected';
  }
  if (status === 200 || status === 201) return 'falseAccept';
  // A 403 means the token was taken as authentic and only the route's rule refused it.
  if (status === 403) return genuine ? 'falseReject' : 'falseAccept';
  if (status >= 500) return 'unexpected5xx';
  return genuine ? 'falseReject' : 'mismatch';
}

function wellFormed503(response) {
  if (!/^[1-9]\d*$/.test(String(response.headers['retry-after'] ?? ''))) return false;
  try {
    return JSON.parse(response.body).error === 'temporarily_unavailable';
  } catch {
    return false;
  }
}

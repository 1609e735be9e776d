// One autocannon run against GET /me, either replaying one token or drawing from a rotation.
import autocannon from 'autocannon';

export const CONNECTIONS = 8;

/**
 * @param {{ url: string, seconds: number, token?: string, nextToken?: () => string }} options
 *   `token`: every request carries it; `nextToken`: each request carries a new one.
 * @returns {Promise<{ requests: number, reqPerSec: number, bestSecondReqPerSec: number,
 *   p99Ms: number, non2xx: number, errors: number }>}
 */
export async function runLoad({ url, seconds, token, nextToken }) {
  const options = { url: `${url}/me`, connections: CONNECTIONS, duration: seconds };
  if (nextToken !== undefined) {
    options.requests = [
      {
        setupRequest(request) {
          request.headers.authorization = `Bearer ${nextToken()}`;
          return request;
        },
      },
    ];
  } else if (token !== undefined) {
    options.headers = { authorization: `Bearer ${token}` };
  }
  const result = await autocannon(options);
  return {
    requests: result.requests.total,
    // Completed responses over wall time, so a run is comparable to the CPU it cost.
    reqPerSec: result.requests.total / result.duration,
    // autocannon samples req/s every second: the best one-second segment, a secondary figure
    // only (it hides a run that was slow most of the time).
    bestSecondReqPerSec: result.requests.max,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/**
 * Hands out the pool's tokens in order, one cursor for all connections and successive runs:
 * a token comes back only after a full lap of the pool.
 */
export function rotate(pool) {
  let next = 0;
  return () => {
    const token = pool[next];
    next = (next + 1) % pool.length;
    return token;
  };
}

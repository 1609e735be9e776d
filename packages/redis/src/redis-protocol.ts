/**
 * What the store writes to Redis and on its channel. One key per entry, `<prefix><revocationKey>`,
 * holding the cut-off in seconds (`0` for a token entry) with a `PX` expiry; one message per
 * write, `<value> <ttlMs> <key>`, carrying the merged result so every instance converges.
 */
import { parseStoredRevocation } from '@tokengate/core';

/**
 * Merge-and-publish, atomic on the server: the later cut-off wins (a "GT" on the value) and the
 * expiry only ever grows, so concurrent or replayed writes, in any order, end in the same entry.
 * KEYS[1] the entry; ARGV: value, ttl in ms (integer), channel. Returns `<value> <ttlMs>`.
 */
export const MERGE_SCRIPT = `
local value = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local current = tonumber(redis.call('GET', KEYS[1]) or '')
if current then
  if current > value then value = current end
  local remaining = redis.call('PTTL', KEYS[1])
  if remaining > ttl then ttl = remaining end
end
local stored = tostring(value)
redis.call('SET', KEYS[1], stored, 'PX', ttl)
redis.call('PUBLISH', ARGV[3], stored .. ' ' .. ttl .. ' ' .. KEYS[1])
return stored .. ' ' .. ttl
`;
export interface EntryMessage {
  /** The entry's `revocationKeys` key, without the Redis prefix. */
  readonly key: string;
  readonly value: number;
  readonly ttlMs: number;
}

/**
 * Parses a channel message; `undefined` for anything malformed, out of range (checked by core's
 * `parseStoredRevocation`, as strictly as a new entry) or under another prefix.
 */
export function parseEntryMessage(message: string, keyPrefix: string): EntryMessage | undefined {
  const first = message.indexOf(' ');
  const second = first < 0 ? -1 : message.indexOf(' ', first + 1);
  if (second < 0) return undefined;
  const redisKey = message.slice(second + 1);
  if (!redisKey.startsWith(keyPrefix)) return undefined;
  return parseStoredRevocation(
    redisKey.slice(keyPrefix.length),
    Number(message.slice(0, first)),
    Number(message.slice(first + 1, second)),
  );
}

/** A `SCAN ... MATCH` pattern for every key under `prefix`, glob characters escaped. */
export function prefixPattern(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
}

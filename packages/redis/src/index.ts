/**
 * Redis-backed stores for tokengate: a revocation store whose revocations reach a whole fleet
 * within milliseconds (answered from a local near-cache), and a DPoP replay store (RFC 9449
 * §11.1) shared by every instance.
 *
 * @example
 * ```ts
 * import { authenticate, cognitoIssuer } from '@tokengate/express';
 * import { createRedisRevocationStore } from '@tokengate/redis';
 *
 * const revocations = createRedisRevocationStore({ url: 'redis://127.0.0.1:6379' });
 * const requireAuth = authenticate({
 *   issuers: [cognitoIssuer({ userPoolId: 'eu-west-1_AbCdEf123', clientId: '1example23456789' })],
 *   revocation: revocations,
 * });
 * // Right after a global sign-out: every token of that subject issued until now.
 * await revocations.revokeSubject({ issuer, subject });
 * ```
 *
 * @module \@tokengate/redis
 */
export { createRedisDpopReplayStore } from './redis-dpop-replay-store.js';
export { createRedisRevocationStore } from './redis-revocation-store.js';
export type {
  RedisDpopReplayClient,
  RedisDpopReplayEvent,
  RedisDpopReplayStore,
  RedisDpopReplayStoreOptions,
} from './redis-dpop-replay-types.js';
export type {
  RedisRevocationClient,
  RedisRevocationEvent,
  RedisRevocationStore,
  RedisRevocationStoreOptions,
  RedisRevocationStoreState,
  RevocationFailurePolicy,
} from './types.js';

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

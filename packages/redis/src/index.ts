export { createRedisRevocationStore } from './redis-revocation-store.js';
export type {
  RedisRevocationClient,
  RedisRevocationEvent,
  RedisRevocationStore,
  RedisRevocationStoreOptions,
  RedisRevocationStoreState,
  RevocationFailurePolicy,
} from './types.js';

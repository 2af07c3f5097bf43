export { ChangesMissedError } from '../errors.js';
export {
  type ClusterEvent,
  type ClusterStore,
  type CommandHandler,
  type CommandOutcome,
  type FollowAllOptions,
  isClusterStore,
  type LeaseLoss,
  type TaskCluster,
  type TaskCommand,
} from '../store/cluster.js';
export { decodeValue, encodeValue } from '../store/codec.js';
export { RedisTaskCluster } from './cluster.js';
export type { RedisClientLike } from './connection.js';
export type { ClusterNode } from './nodes.js';
export { RedisStore, type RedisStoreOptions, redisStore } from './store.js';

/**
 * Redis refusing or unreachable, as ioredis reports it: the request is answered 503
 * `redis-unavailable` (the client retries), never 500.
 *
 * - Replies Redis sends when it will not serve a write or is not ready: READONLY (a replica, e.g.
 *   during a failover), MISCONF (persistence failing), OOM (maxmemory with noeviction), NOREPLICAS
 *   (min-replicas-to-write), LOADING, MASTERDOWN, CLUSTERDOWN, TRYAGAIN, BUSY (a script running).
 *   Inside a Lua script they come back wrapped (`ERR … -READONLY …`), so they are matched anywhere.
 * - ioredis giving up: retries exhausted, connection closed, the offline queue off, and the command
 *   timeout (`commandTimeout`).
 * - Socket errors of the connection itself.
 */
const refusalReply =
  /(?:^|[\s-])(READONLY|MISCONF|OOM|NOREPLICAS|LOADING|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|BUSY)\s/;
const clientGaveUp = new Set([
  'Connection is closed.',
  'Command timed out',
  "Stream isn't writeable and enableOfflineQueue options is false",
]);
const socketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTCONN']);

export function isRedisUnavailable(err: unknown): err is Error {
  if (!(err instanceof Error)) return false;
  if (err.name === 'MaxRetriesPerRequestError' || clientGaveUp.has(err.message)) return true;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && socketCodes.has(code)) return true;
  return err.name === 'ReplyError' && refusalReply.test(err.message);
}

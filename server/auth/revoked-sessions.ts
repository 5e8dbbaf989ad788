import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis';
import { keys } from '../tasks/keys';

/** The Redis key that marks `token` (a session of `userId`) as signed out. */
export function revocationKey(userId: string, token: string): string {
  return keys.revoked(userId, createHash('sha256').update(token).digest('base64url'));
}

/**
 * Session tokens signed out before they expire. Kept in Redis so a logout on one process holds on
 * every other; each entry lives only as long as its token would have. Keyed by a hash of the
 * token, so tokens the host application minted (with or without a `jti`) can be revoked too, and
 * no usable token is ever stored. A stream checks its key in its first read instead (see
 * `SessionTokens.verifyForStream`), so a connect costs one round trip, not two.
 */
export class RevokedSessions {
  constructor(private readonly redis: RedisClient) {}

  async revoke(key: string, expiresAt: number): Promise<void> {
    const ttlMs = expiresAt - Date.now();
    if (ttlMs <= 0) return;
    await this.redis.set(key, '1', 'PX', ttlMs);
  }

  async isRevoked(key: string): Promise<boolean> {
    return (await this.redis.exists(key)) === 1;
  }
}

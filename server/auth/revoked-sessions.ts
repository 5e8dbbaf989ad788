import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis';

const keyOf = (token: string) => `ts:revoked:${createHash('sha256').update(token).digest('base64url')}`;

/**
 * Session tokens signed out before they expire. Kept in Redis so a logout on one process holds on
 * every other; each entry lives only as long as its token would have. Keyed by a hash of the
 * token, so tokens the host application minted (with or without a `jti`) can be revoked too, and
 * no usable token is ever stored.
 */
export class RevokedSessions {
  constructor(private readonly redis: RedisClient) {}

  async revoke(token: string, expiresAt: number): Promise<void> {
    const ttlMs = expiresAt - Date.now();
    if (ttlMs <= 0) return;
    await this.redis.set(keyOf(token), '1', 'PX', ttlMs);
  }

  async isRevoked(token: string): Promise<boolean> {
    return (await this.redis.exists(keyOf(token))) === 1;
  }
}

import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../redis';
import { keys } from '../tasks/keys';
import type { Identity } from './session-tokens';

export const TICKET_TTL_S = 60;

/**
 * Single-use, 60-second tickets for cross-origin EventSource (which cannot send headers). Kept
 * in Redis so any process can redeem one; GETDEL makes a second use fail.
 */
export class SseTickets {
  constructor(private readonly redis: RedisClient) {}

  async issue(identity: Identity): Promise<string> {
    const ticket = randomBytes(24).toString('base64url');
    await this.redis.set(keys.ticket(ticket), JSON.stringify(identity), 'EX', TICKET_TTL_S);
    return ticket;
  }

  async redeem(ticket: string): Promise<Identity | null> {
    if (!/^[A-Za-z0-9_-]{32}$/.test(ticket)) return null;
    const value = await this.redis.getdel(keys.ticket(ticket));
    if (!value) return null;
    const identity = JSON.parse(value) as Identity;
    return identity.expiresAt > Date.now() ? identity : null;
  }
}

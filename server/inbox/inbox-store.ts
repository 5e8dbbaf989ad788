import {
  type InboxEntry,
  type InboxResponse,
  inboxEntrySchema,
  inboxView,
  nextReadMarker,
} from '../../protocol';
import type { RedisClient } from '../redis';
import { keys } from '../tasks/keys';
import { INBOX_TTL_S } from '../tasks/task-store';

/** Moves the marker forward only: two tabs marking at once must not move it back. */
const advanceMarkerScript = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1]) end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
`;

type AdvanceMarker = (key: string, markerMs: number, ttlS: number) => Promise<number>;

/**
 * Reads a user's activity inbox and moves its read marker. Entries are written by the task
 * store's event script, in the same step as the terminal event, never here.
 */
export class InboxStore {
  private readonly advanceMarker: AdvanceMarker;

  constructor(private readonly redis: RedisClient) {
    redis.defineCommand('tsAdvanceInboxMarker', { numberOfKeys: 1, lua: advanceMarkerScript });
    this.advanceMarker = (
      redis as unknown as { tsAdvanceInboxMarker: AdvanceMarker }
    ).tsAdvanceInboxMarker.bind(redis);
  }

  async read(userId: string): Promise<InboxResponse> {
    const result = await this.redis
      .multi()
      .hgetall(keys.inboxEntries(userId))
      .get(keys.inboxRead(userId))
      .exec();
    if (!result) throw new Error('redis transaction aborted');
    const [[entriesErr, stored], [markerErr, marker]] = result as [
      [Error | null, Record<string, string>],
      [Error | null, string | null],
    ];
    if (entriesErr) throw entriesErr;
    if (markerErr) throw markerErr;
    return inboxView(parseEntries(Object.values(stored)), markerIso(marker));
  }

  /** Marks entries finished at or before `upTo` as seen; answers the inbox as it is afterwards. */
  async markSeen(userId: string, upTo: string): Promise<InboxResponse> {
    const [newest, marker] = await Promise.all([
      this.redis.zrevrange(keys.inbox(userId), 0, 0, 'WITHSCORES'),
      this.redis.get(keys.inboxRead(userId)),
    ]);
    const newestIso = newest[1] === undefined ? null : new Date(Number(newest[1])).toISOString();
    const next = nextReadMarker(markerIso(marker), upTo, newestIso);
    if (next !== null) await this.advanceMarker(keys.inboxRead(userId), Date.parse(next), INBOX_TTL_S);
    return this.read(userId);
  }
}

function markerIso(stored: string | null): string | null {
  return stored === null ? null : new Date(Number(stored)).toISOString();
}

/** Entries this server wrote; one that does not parse (an older format) is left out, not fatal. */
function parseEntries(rows: readonly string[]): InboxEntry[] {
  const entries: InboxEntry[] = [];
  for (const row of rows) {
    const parsed = inboxEntrySchema.safeParse(JSON.parse(row));
    if (parsed.success) entries.push(parsed.data);
  }
  return entries;
}

import { leadBatchOf, leadsPerUserMax, type RedditLead, redditLeadSchema, type Task } from '../../protocol';
import type { RedisClient } from '../redis';

/** Leads outlive tasks: a user's list is kept this long after its last new batch. */
const leadsTtlS = 90 * 24 * 60 * 60;

/** The Redis keys of one user's leads, under the user's hash tag like every per-user key. */
const leadKeys = {
  /** Newest first, JSON per lead, trimmed to `leadsPerUserMax`. */
  leads: (userId: string) => `ts:{u:${userId}}:reddit:leads`,
  /** Search batches run, over every task. */
  searches: (userId: string) => `ts:{u:${userId}}:reddit:searches`,
};

/** Each user's Reddit leads in Redis: a bounded list written batch by batch by the simulated worker. */
export class LeadStore {
  constructor(private readonly redis: RedisClient) {}

  /** Stores the batch a `reddit_leads` version reports (if it reports one) and counts the search. */
  async saveBatch(task: Task): Promise<void> {
    const batch = leadBatchOf(task);
    if (batch === null) return;
    const listKey = leadKeys.leads(task.ownerId);
    const searchesKey = leadKeys.searches(task.ownerId);
    const tx = this.redis.multi();
    if (batch.length) {
      tx.lpush(listKey, ...batch.map((lead) => JSON.stringify(lead)));
      tx.ltrim(listKey, 0, leadsPerUserMax - 1);
      tx.expire(listKey, leadsTtlS);
    }
    tx.incr(searchesKey);
    tx.expire(searchesKey, leadsTtlS);
    await tx.exec();
  }

  /** Every stored lead of the user (at most `leadsPerUserMax`), newest first. */
  async all(userId: string): Promise<RedditLead[]> {
    const raw = await this.redis.lrange(leadKeys.leads(userId), 0, -1);
    const leads: RedditLead[] = [];
    for (const json of raw) {
      const parsed = redditLeadSchema.safeParse(JSON.parse(json));
      if (parsed.success) leads.push(parsed.data);
    }
    return leads;
  }

  async searchesRun(userId: string): Promise<number> {
    return Number((await this.redis.get(leadKeys.searches(userId))) ?? 0);
  }
}

import { randomBytes } from 'node:crypto';
import {
  nextAttempt,
  type PurchaseOrderDetail,
  purchaseOrderDetailResponseSchema,
  purchaseOrdersPerUser,
} from '../../protocol';
import type { RedisClient } from '../redis';

/** Every key carries the user's hash tag, so one user's POs share a Redis Cluster slot. */
const poKeys = {
  /** One PO with its line items, as JSON. */
  record: (userId: string, poId: string) => `ts:{u:${userId}}:po:${poId}`,
  /** The user's PO ids scored by upload time: the list, newest first. */
  index: (userId: string) => `ts:{u:${userId}}:pos`,
} as const;

/** Older POs than the newest `purchaseOrdersPerUser.kept` drop out of the list; their records expire. */
const recordTtlS = 7 * 24 * 3600;

const storedSchema = purchaseOrderDetailResponseSchema.shape.purchaseOrder;

export function newPurchaseOrderId(): string {
  return `po_${randomBytes(12).toString('base64url')}`;
}

/** Purchase orders and their line items, per user, bounded in count and time. */
export class PurchaseOrderStore {
  constructor(private readonly redis: RedisClient) {}

  async save(userId: string, po: PurchaseOrderDetail): Promise<void> {
    const index = poKeys.index(userId);
    await this.redis
      .multi()
      .set(poKeys.record(userId, po.id), JSON.stringify(po), 'EX', recordTtlS)
      .zadd(index, Date.parse(po.createdAt), po.id)
      .zremrangebyrank(index, 0, -(purchaseOrdersPerUser.kept + 1))
      .expire(index, recordTtlS)
      .exec();
  }

  /** One of the user's POs; null for an unknown id and for another user's id alike. */
  async get(userId: string, poId: string): Promise<PurchaseOrderDetail | null> {
    const json = await this.redis.get(poKeys.record(userId, poId));
    return json === null ? null : storedSchema.parse(JSON.parse(json));
  }

  /** The user's POs, newest first, at most `limit`. */
  async list(userId: string, limit: number = purchaseOrdersPerUser.listed): Promise<PurchaseOrderDetail[]> {
    const ids = await this.redis.zrevrange(poKeys.index(userId), 0, limit - 1);
    if (!ids.length) return [];
    const rows = await this.redis.mget(...ids.map((id) => poKeys.record(userId, id)));
    return rows.flatMap((json) => (json === null ? [] : [storedSchema.parse(JSON.parse(json))]));
  }

  /** Points the PO at the task of a new attempt. */
  async startedAttempt(
    userId: string,
    po: PurchaseOrderDetail,
    taskId: string,
  ): Promise<PurchaseOrderDetail> {
    const next = nextAttempt(po, taskId);
    await this.redis.set(poKeys.record(userId, po.id), JSON.stringify(next), 'EX', recordTtlS);
    return next;
  }
}

import { describe, expect, it } from 'vitest';
import { taskIdSchema } from '../../protocol';
import { hashSlot } from './hash-slots';
import { keys, newTaskId } from './keys';

describe('hashSlot', () => {
  it("matches Redis Cluster's CLUSTER KEYSLOT, hash tags included", () => {
    expect(hashSlot('foo')).toBe(12182);
    expect(hashSlot('bar')).toBe(5061);
    expect(hashSlot('{user1000}.following')).toBe(hashSlot('user1000'));
    // An empty tag does not count: the whole key is hashed.
    expect(hashSlot('foo{}{bar}')).not.toBe(hashSlot('bar'));
  });
});

describe('task keys', () => {
  it("puts a new task's key in its owner's slot, for any owner id", () => {
    for (const owner of ['alice', 'bob', 'user-0a1b2c3d4e', 'name@example.com', 'ünïcödé', 'a}b{c']) {
      const id = newTaskId(owner);
      expect(taskIdSchema.safeParse(id).success).toBe(true);
      expect(hashSlot(keys.task(id))).toBe(hashSlot(keys.meta(owner)));
      expect(id).not.toContain(owner);
    }
  });

  it('keeps the untagged key for ids made before the cluster layout', () => {
    expect(keys.task('t_abcd_efghijklmnop')).toBe('ts:task:t_abcd_efghijklmnop');
  });

  it("puts a user's channel in the user's slot", () => {
    expect(hashSlot(keys.events('alice'))).toBe(hashSlot(keys.log('alice')));
  });
});

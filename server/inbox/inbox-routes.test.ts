import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxMaxEntries, inboxResponseSchema, type Task } from '../../protocol';
import { backendsWithCluster, startTestServer, type TestServer, uniqueUser } from '../test-support/harness';

describe.each(backendsWithCluster)('inbox routes (%s Redis)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(() => server.close());

  /** A running task driven by no worker, so that only the test finishes it. */
  const quietTask = (ownerId: string, type: Task['type'] = 'po_processing') =>
    server.services.tracker.create({ ownerId, type });
  const inboxOf = async (user: string) => {
    const res = await server.api('/api/inbox', { as: user });
    expect(res.status).toBe(200);
    return inboxResponseSchema.parse(res.json);
  };
  const markSeen = (user: string, upTo: unknown) =>
    server.api('/api/inbox/seen', { as: user, body: { upTo } });

  describe('GET /api/inbox', () => {
    it('lists completed, failed and cancelled tasks newest first with a link to their page', async () => {
      const user = uniqueUser();
      const po = await quietTask(user, 'po_processing');
      const run = await quietTask(user, 'test_run');
      const rebuild = await quietTask(user, 'rebuild_communities');
      await server.services.tracker.complete(po.id, { lineItems: 5 }, 'Saved 5 line items');
      await server.services.tracker.fail(run.id, 'Two tests failed');
      await server.services.tracker.cancel(rebuild.id);

      const inbox = await inboxOf(user);
      expect(inbox.unseen).toBe(3);
      expect(inbox.readUpTo).toBeNull();
      expect(Object.fromEntries(inbox.entries.map((e) => [e.taskId, [e.status, e.text, e.href]]))).toEqual({
        [rebuild.id]: ['cancelled', 'Cancelled', '/communities'],
        [run.id]: ['failed', 'Two tests failed', `/runs/${run.id}`],
        [po.id]: ['completed', 'Saved 5 line items', '/purchase-orders'],
      });
      // Newest first (tasks that end in the same millisecond may come in either order).
      const finishTimes = inbox.entries.map((e) => Date.parse(e.finishedAt));
      expect(finishTimes).toEqual([...finishTimes].sort((a, b) => b - a));
      for (const e of inbox.entries) expect(e.durationMs).toBeGreaterThanOrEqual(0);
    });

    it('holds nothing for a task that is still running', async () => {
      const user = uniqueUser();
      const task = await quietTask(user);
      await server.services.tracker.update(task.id, { progress: { current: 1 } });
      expect((await inboxOf(user)).entries).toEqual([]);
    });

    it('keeps one entry per task when the terminal write is repeated or raced', async () => {
      const user = uniqueUser();
      const task = await quietTask(user);
      const done = await server.services.tracker.complete(task.id);
      // The same write again (a retry after a lost reply) is refused by its version…
      expect((await server.services.store.write(done, 'completed')).ok).toBe(false);
      // …and a second terminal version that got past every other check still adds no entry.
      const raced = { ...done, version: done.version + 1, status: 'failed' as const, error: 'late' };
      expect((await server.services.store.write(raced, 'failed')).ok).toBe(true);

      const inbox = await inboxOf(user);
      expect(inbox.entries).toHaveLength(1);
      expect(inbox.entries[0]).toMatchObject({ taskId: task.id, status: 'completed' });
      expect(inbox.unseen).toBe(1);
    });

    // About 400 writes: ioredis-mock runs the write script in a Lua interpreter in JS, at ~10 ms each.
    it(`keeps the newest ${inboxMaxEntries} entries when more tasks finish`, {
      timeout: 30_000,
    }, async () => {
      const user = uniqueUser();
      const finishedAt = new Map<string, number>();
      for (let i = 0; i < inboxMaxEntries + 5; i++) {
        const task = await quietTask(user, 'seo_init');
        const done = await server.services.tracker.complete(task.id);
        finishedAt.set(task.id, Date.parse(done.finishedAt ?? ''));
        // Bounded all along, not just at the end; reading now and then also keeps the test's
        // keep-alive socket from idling into the server's keep-alive timeout (ECONNRESET).
        if (i % 25 === 24)
          expect((await inboxOf(user)).entries).toHaveLength(Math.min(i + 1, inboxMaxEntries));
      }
      const inbox = await inboxOf(user);
      expect(inbox.entries).toHaveLength(inboxMaxEntries);
      // Tasks finishing in the same millisecond tie, so compare times rather than ids.
      const kept = new Set(inbox.entries.map((e) => e.taskId));
      const dropped = [...finishedAt].filter(([id]) => !kept.has(id)).map(([, ms]) => ms);
      const oldestKept = Math.min(...inbox.entries.map((e) => Date.parse(e.finishedAt)));
      expect(dropped).toHaveLength(5);
      for (const ms of dropped) expect(ms).toBeLessThanOrEqual(oldestKept);
      const stored = await server.services.redis.commands.hlen(`ts:{u:${user}}:inbox-entries`);
      expect(stored).toBe(inboxMaxEntries);
    });

    it("shows a user none of another user's entries", async () => {
      const alice = uniqueUser('alice');
      const bob = uniqueUser('bob');
      const task = await quietTask(alice);
      await server.services.tracker.complete(task.id);
      expect((await inboxOf(alice)).entries).toHaveLength(1);
      expect(await inboxOf(bob)).toEqual({ entries: [], unseen: 0, readUpTo: null });
    });

    it('answers 401 without a session', async () => {
      const res = await server.api('/api/inbox');
      expect(res.status).toBe(401);
    });
  });

  describe('POST /api/inbox/seen', () => {
    it('marks entries up to the marker seen and counts later ones as unseen', async () => {
      const user = uniqueUser();
      const first = await quietTask(user);
      const firstDone = await server.services.tracker.complete(first.id);
      const seen = await markSeen(user, firstDone.finishedAt);
      expect(seen.status).toBe(200);
      expect(inboxResponseSchema.parse(seen.json)).toMatchObject({
        unseen: 0,
        readUpTo: firstDone.finishedAt,
      });

      const second = await quietTask(user);
      await server.services.tracker.fail(second.id, 'Shopify sync failed');
      const inbox = await inboxOf(user);
      expect(inbox.unseen).toBe(1);
      expect(inbox.readUpTo).toBe(firstDone.finishedAt);
    });

    it('never moves the marker back, nor past the newest entry', async () => {
      const user = uniqueUser();
      const task = await quietTask(user);
      const done = await server.services.tracker.complete(task.id);
      const finishedAt = done.finishedAt ?? '';
      await markSeen(user, '2999-01-01T00:00:00.000Z');
      expect((await inboxOf(user)).readUpTo).toBe(finishedAt);
      await markSeen(user, '2000-01-01T00:00:00.000Z');
      expect((await inboxOf(user)).readUpTo).toBe(finishedAt);

      const later = await quietTask(user);
      await server.services.tracker.complete(later.id);
      expect((await inboxOf(user)).unseen).toBe(1);
    });

    it('answers 400 to a malformed marker and changes nothing', async () => {
      const user = uniqueUser();
      const task = await quietTask(user);
      await server.services.tracker.complete(task.id);
      for (const body of [
        { upTo: 'yesterday' },
        { upTo: 5 },
        {},
        { upTo: '2999-01-01T00:00:00Z', extra: 1 },
      ]) {
        const res = await server.api('/api/inbox/seen', { as: user, body });
        expect(res.status).toBe(400);
        expect(res.json.error.code).toBeTruthy();
      }
      expect((await inboxOf(user)).unseen).toBe(1);
    });

    it("moves only the caller's marker", async () => {
      const alice = uniqueUser('alice');
      const bob = uniqueUser('bob');
      for (const user of [alice, bob]) await server.services.tracker.complete((await quietTask(user)).id);
      await markSeen(alice, new Date().toISOString());
      expect((await inboxOf(alice)).unseen).toBe(0);
      expect((await inboxOf(bob)).unseen).toBe(1);
    });
  });
});

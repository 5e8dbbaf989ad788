/** The inbox routes of the mocks: entries from finished tasks by the protocol rule, and the read marker. */
import { describe, expect, it } from 'vitest';
import { errorBodySchema, inboxResponseSchema, taskResponseSchema } from '../protocol';
import { mockBackend } from './node';
import { api } from './stream-recorder';
import { setUpMockServer } from './test-server';

setUpMockServer();

const post = (path: string, body: unknown) => api(path, { method: 'POST', body: JSON.stringify(body) });
const inbox = async () => inboxResponseSchema.parse(await (await api('/api/inbox')).json());

describe('GET /api/inbox (mocks)', () => {
  it('lists a cancelled task once, unseen, with its page', async () => {
    mockBackend.reset();
    const started = taskResponseSchema.parse(
      await (await post('/api/tasks', { type: 'rebuild_communities' })).json(),
    );
    expect((await inbox()).entries).toEqual([]);
    await post(`/api/tasks/${started.task.id}/cancel`, {});
    const after = await inbox();
    expect(after.entries).toHaveLength(1);
    expect(after.entries[0]).toMatchObject({
      taskId: started.task.id,
      status: 'cancelled',
      href: '/communities',
    });
    expect(after.unseen).toBe(1);
  });
});

describe('POST /api/inbox/seen (mocks)', () => {
  it('marks entries seen up to the newest one and refuses a malformed marker', async () => {
    mockBackend.reset();
    const { task } = taskResponseSchema.parse(await (await post('/api/tasks', { type: 'seo_init' })).json());
    await post(`/api/tasks/${task.id}/cancel`, {});
    const bad = await post('/api/inbox/seen', { upTo: 'now' });
    expect(bad.status).toBe(400);
    expect(errorBodySchema.parse(await bad.json()).error.code).toBe('invalid-request');
    expect((await inbox()).unseen).toBe(1);

    const seen = inboxResponseSchema.parse(
      await (await post('/api/inbox/seen', { upTo: '2999-01-01T00:00:00.000Z' })).json(),
    );
    expect(seen.unseen).toBe(0);
    expect(seen.readUpTo).toBe(seen.entries[0]?.finishedAt);
  });

  it('forgets the marker when the scenario resets', async () => {
    mockBackend.reset();
    const { task } = taskResponseSchema.parse(await (await post('/api/tasks', { type: 'seo_init' })).json());
    await post(`/api/tasks/${task.id}/cancel`, {});
    await post('/api/inbox/seen', { upTo: '2999-01-01T00:00:00.000Z' });
    mockBackend.reset();
    expect(await inbox()).toEqual({ entries: [], unseen: 0, readUpTo: null });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getTaskType,
  leadMetricsSchema,
  leadsPageSchema,
  leadsPerUserMax,
  type RedditLead,
  signupResponseSchema,
  sortLeads,
  taskScript,
} from '../../protocol';
import { backendsWithCluster, startTestServer, type TestServer, uniqueUser } from '../test-support/harness';
import { SseClient } from '../test-support/sse-client';

const strongPassword = 'correct-horse-42';
const registryTotal = getTaskType('reddit_leads').steps.reduce(
  (sum, step) => sum + Number(step.data?.leadsFound ?? 0),
  0,
);

describe.each(backendsWithCluster)('Reddit leads and sign-up (%s Redis)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(() => server.close());

  const signup = (username: string, password = strongPassword) =>
    server.api('/api/auth/signup', { body: { username, password } });

  /** Signs up `username` and waits, on the task's own stream, for the signup search to finish. */
  async function signUpAndFinish(username: string): Promise<string> {
    const res = await signup(username);
    expect(res.status).toBe(201);
    const { task } = signupResponseSchema.parse(res.json);
    const stream = await SseClient.open(`${server.url}/api/tasks/${task.id}/events`, {
      token: await server.tokenFor(username),
    });
    await stream.next('completed');
    stream.close();
    return task.id;
  }

  async function allPages(user: string, query: string): Promise<RedditLead[]> {
    const leads: RedditLead[] = [];
    let cursor: string | null = null;
    do {
      const suffix: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const res = await server.api(`/api/reddit/leads?${query}${suffix}`, { as: user });
      expect(res.status).toBe(200);
      const page = leadsPageSchema.parse(res.json);
      leads.push(...page.leads);
      cursor = page.nextCursor;
    } while (cursor);
    return leads;
  }

  describe('POST /api/auth/signup', () => {
    it('creates the account, signs it in and starts a signup lead search at once', async () => {
      const username = uniqueUser('new');
      const res = await signup(username);
      expect(res.status).toBe(201);
      const { user, task } = signupResponseSchema.parse(res.json);
      expect(user.id).toBe(username);
      expect(task).toMatchObject({
        type: 'reddit_leads',
        trigger: 'signup',
        status: 'running',
        ownerId: username,
      });
      expect(res.headers.get('set-cookie')).toMatch(/^ts_session=.+HttpOnly/i);
      const listed = await server.api('/api/tasks?status=active', { as: username });
      expect(listed.json.tasks.map((t: { id: string }) => t.id)).toContain(task.id);

      const login = await server.api('/api/auth/login', { body: { username, password: strongPassword } });
      expect(login.status).toBe(200);
      const wrong = await server.api('/api/auth/login', { body: { username, password: 'not-it-at-all-1' } });
      expect(wrong.status).toBe(401);
    });

    it('answers 409 for a taken name, a dev user’s name included, and keeps the first password', async () => {
      const username = uniqueUser('taken');
      expect((await signup(username)).status).toBe(201);
      const again = await signup(username, 'another-password-9');
      expect(again.status).toBe(409);
      expect(again.json.error.code).toBe('username-taken');
      expect((await signup('alice')).status).toBe(409);
      const login = await server.api('/api/auth/login', {
        body: { username, password: 'another-password-9' },
      });
      expect(login.status).toBe(401);
    });

    it('answers 400 with the reason for a weak password and creates nothing', async () => {
      const username = uniqueUser('weak');
      for (const [password, reason] of [
        ['short1', /at least 10 characters/],
        ['onlyletterslong', /digit or symbol/],
        [`${username}-x1`, /must not contain your username/],
      ] as const) {
        const res = await signup(username, password);
        expect(res.status).toBe(400);
        expect(res.json.error.code).toBe('weak-password');
        expect(res.json.error.message).toMatch(reason);
      }
      expect((await signup('x', strongPassword)).status).toBe(400);
      expect((await signup(username)).status).toBe(201);
    });

    it('answers 403 when sign-up is turned off', async () => {
      const off = await startTestServer(backend, { ALLOW_SIGNUP: 'false' });
      try {
        const res = await off.api('/api/auth/signup', {
          body: { username: uniqueUser(), password: strongPassword },
        });
        expect(res.status).toBe(403);
        expect(res.json.error.code).toBe('signup-disabled');
      } finally {
        await off.close();
      }
    });
  });

  describe('GET /api/reddit/leads and /api/reddit/metrics', () => {
    let owner: string;
    beforeAll(async () => {
      owner = uniqueUser('leads');
      await signUpAndFinish(owner);
    });

    it('stores every lead the signup search reported, and the summary counts them', async () => {
      const leads = await allPages(owner, 'limit=20');
      expect(leads).toHaveLength(registryTotal);
      expect(new Set(leads.map((l) => l.id)).size).toBe(registryTotal);
      const metrics = leadMetricsSchema.parse((await server.api('/api/reddit/metrics', { as: owner })).json);
      expect(metrics).toMatchObject({ totalLeads: registryTotal, newToday: registryTotal, searchesRun: 10 });
      expect(metrics.subreddits.length).toBeGreaterThan(1);
    });

    it('pages by cursor in newest and score order with no row twice', async () => {
      const newest = await allPages(owner, 'sort=newest&limit=7');
      expect(newest).toEqual(sortLeads(newest, 'newest'));
      const byScore = await allPages(owner, 'sort=score&limit=7');
      expect(byScore).toEqual(sortLeads(byScore, 'score'));
      expect(byScore.map((l) => l.id).sort()).toEqual(newest.map((l) => l.id).sort());
    });

    it('filters by subreddit', async () => {
      const all = await allPages(owner, 'limit=200');
      const subreddit = all[0]?.subreddit ?? 'SaaS';
      const filtered = await allPages(owner, `subreddit=${subreddit}`);
      expect(filtered.length).toBe(all.filter((l) => l.subreddit === subreddit).length);
      expect(filtered.every((l) => l.subreddit === subreddit)).toBe(true);
    });

    it('answers 400 for a bad cursor, sort, filter or parameter', async () => {
      const first = leadsPageSchema.parse(
        (await server.api('/api/reddit/leads?limit=5', { as: owner })).json,
      );
      const bad = [
        'cursor=nonsense',
        `sort=score&cursor=${encodeURIComponent(first.nextCursor ?? '')}`,
        'sort=hot',
        'subreddit=not%20a%20sub',
        'limit=0',
        'limit=9999',
        'page=2',
        'sort=newest&sort=score',
      ];
      for (const query of bad) {
        const res = await server.api(`/api/reddit/leads?${query}`, { as: owner });
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
      }
    });

    it('shows another user none of these leads', async () => {
      const stranger = uniqueUser('stranger');
      const page = leadsPageSchema.parse((await server.api('/api/reddit/leads', { as: stranger })).json);
      expect(page).toEqual({ leads: [], nextCursor: null });
      const metrics = (await server.api('/api/reddit/metrics', { as: stranger })).json;
      expect(metrics).toMatchObject({ totalLeads: 0, searchesRun: 0 });
    });

    it('makes different leads for each run', async () => {
      const second = uniqueUser('second');
      await signUpAndFinish(second);
      const a = new Set((await allPages(owner, 'limit=200')).map((l) => l.title + l.author));
      const b = (await allPages(second, 'limit=200')).map((l) => l.title + l.author);
      expect(b.filter((x) => a.has(x)).length).toBeLessThan(b.length / 2);
    });

    it('answers 401 without a session', async () => {
      expect((await server.api('/api/reddit/leads')).status).toBe(401);
    });
  });

  describe('lead storage', () => {
    it(`keeps the latest ${leadsPerUserMax} leads of a user and drops the oldest`, async () => {
      const user = uniqueUser('many');
      let first: string | undefined;
      let saved = 0;
      for (let run = 0; saved < leadsPerUserMax + 100; run++) {
        for (const entry of taskScript({
          id: `t_bulk${String(run).padStart(6, '0')}xx`,
          ownerId: user,
          type: 'reddit_leads',
          createdAt: Date.now() + run,
        })) {
          const batch = entry.task.data?.rows;
          if (!Array.isArray(batch) || entry.task.status !== 'running') continue;
          await server.services.leads.saveBatch(entry.task);
          first ??= (batch[0] as { id: string }).id;
          saved += batch.length;
        }
      }
      const stored = await server.services.leads.all(user);
      expect(stored).toHaveLength(leadsPerUserMax);
      expect(stored.some((l) => l.id === first)).toBe(false);
    });

    it.runIf(backend !== 'mock')(
      'serves the same leads from a restarted server on the same Redis',
      async () => {
        const user = uniqueUser('restart');
        await signUpAndFinish(user);
        const before = await allPages(user, 'limit=200');
        const restarted = await startTestServer(backend);
        try {
          const res = await restarted.api('/api/reddit/leads?limit=200', { as: user });
          expect(leadsPageSchema.parse(res.json).leads).toEqual(before);
        } finally {
          await restarted.close();
        }
      },
    );
  });

  describe('GET /api/reddit/subreddits', () => {
    it('lists what the latest subreddit discovery found, and nothing before one', async () => {
      const user = uniqueUser('disc');
      expect((await server.api('/api/reddit/subreddits', { as: user })).json).toEqual({
        subreddits: [],
        discoveredAt: null,
      });
      const res = await server.api('/api/tasks', { as: user, body: { type: 'subreddit_discovery' } });
      const stream = await SseClient.open(`${server.url}/api/tasks/${res.json.task.id}/events`, {
        token: await server.tokenFor(user),
      });
      await stream.next('completed');
      stream.close();
      const found = (await server.api('/api/reddit/subreddits', { as: user })).json;
      expect(found.subreddits).toHaveLength(12);
      expect(found.discoveredAt).toEqual(expect.any(String));
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionTokens } from './auth/session-tokens';
import { redisEnv, sharedBackends, TEST_JWT_SECRET, uniqueUser } from './test-support/harness';
import { hasRedisServer } from './test-support/redis-server';
import { ServerProcess } from './test-support/server-process';
import { checkChain, ResumingStream } from './test-support/stream-checks';

if (!hasRedisServer) {
  process.stderr.write(
    '\n*** server/multi-process.test.ts SKIPPED: redis-server is not installed; processes cannot share an embedded Redis ***\n\n',
  );
}

/** Two server processes on one Redis or cluster, as behind a load balancer with no sticky sessions. */
describe.each(sharedBackends)('several server processes on one %s Redis', (backend) => {
  let a: ServerProcess;
  let b: ServerProcess;
  const tokens = new SessionTokens(TEST_JWT_SECRET);

  beforeAll(async () => {
    const env = await redisEnv(backend);
    [a, b] = await Promise.all([ServerProcess.start(env), ServerProcess.start(env)]);
  }, 90_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('streams a task started on B to a client on A, and the client resumes on B when A is killed', {
    timeout: 60_000,
  }, async () => {
    const user = uniqueUser();
    const token = await tokens.sign(user);
    const stream = new ResumingStream({
      url: () => `${a.running ? a.url : b.url}/api/events`,
      token,
      retryMs: 50,
      maxMs: 20_000,
    });
    try {
      await stream.until((evs) => evs.some((e) => e.event === 'snapshot'), 5000, 'snapshot on A');

      const res = await fetch(`${b.url}/api/tasks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'reddit_leads' }),
      });
      expect(res.status).toBe(202);
      const { task } = (await res.json()) as { task: { id: string } };

      // Seen on A although written on B; then A dies mid-task.
      await stream.until((evs) => evs.some((e) => e.event === 'progress'), 5000, 'progress on A');
      const seenOnA = stream.taskEvents.length;
      a.kill('SIGKILL');
      const exit = await a.exited;
      expect(exit.signal).toBe('SIGKILL');

      await stream.until((evs) => evs.some((e) => e.event === 'completed'), 10_000, 'completed via B');
      await stream.stop();

      expect(stream.connections.length).toBe(2);
      expect(stream.connections[0]?.taskEvents[0]?.event).toBe('started');
      expect(seenOnA).toBeLessThan(stream.taskEvents.length);
      // The reconnect to B resumed from the last id: no snapshot, exactly the rest.
      expect(stream.connections[1]?.named('snapshot', 'reset')).toEqual([]);
      const versions = stream.taskEvents.map((e) => e.json.task.version);
      const final = (await (
        await fetch(`${b.url}/api/tasks/${task.id}`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as { task: { version: number; status: string } };
      expect(final.task.status).toBe('completed');
      expect(versions).toEqual(Array.from({ length: final.task.version }, (_, i) => i + 1));
      const report = checkChain(stream.events);
      expect(report.gaps).toEqual([]);
      expect(report.duplicates).toEqual([]);
      expect(report.disorder).toEqual([]);
    } finally {
      await stream.stop();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  redisEnv,
  sharedBackends,
  startTestServer,
  type TestServer,
  uniqueUser,
} from '../test-support/harness';
import { ServerProcess } from '../test-support/server-process';
import { SseClient } from '../test-support/sse-client';
import { STALLED_TASK_ERROR } from './stall-sweeper';

/** The shortest stall timeout the configuration allows; the simulated steps at speed 20 are well under it. */
const STALL_TIMEOUT_MS = '1000';

/** Two processes must share the Redis: one redis-server and the 3-master cluster (none without redis-server). */
describe.each(sharedBackends)('a task whose process is killed with SIGKILL (%s Redis)', (backend) => {
  let crashing: ServerProcess;
  let survivor: TestServer;
  beforeAll(async () => {
    crashing = await ServerProcess.start({
      ...(await redisEnv(backend)),
      TASK_STALL_TIMEOUT_MS: STALL_TIMEOUT_MS,
    });
    survivor = await startTestServer(backend, { TASK_STALL_TIMEOUT_MS: STALL_TIMEOUT_MS });
  }, 90_000);
  afterAll(async () => {
    await crashing?.stop();
    await survivor?.close();
  });

  it('ends failed with "The worker stopped responding" on the surviving process', {
    timeout: 30_000,
  }, async () => {
    const user = uniqueUser();
    const token = await survivor.tokenFor(user);
    const stream = await SseClient.open(`${survivor.url}/api/events`, { token });
    await stream.next('snapshot');
    const res = await fetch(`${crashing.url}/api/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'reddit_leads' }),
    });
    expect(res.status).toBe(202);
    const { task } = (await res.json()) as { task: { id: string } };
    await stream.until((events) => events.some((e) => e.event === 'started'), 5000, 'started');
    crashing.kill('SIGKILL');
    expect((await crashing.exited).signal).toBe('SIGKILL');

    const failed = await stream.next('failed', 15_000);
    stream.close();
    expect(failed.json.task).toMatchObject({ id: task.id, status: 'failed', error: STALLED_TASK_ERROR });
  });
});

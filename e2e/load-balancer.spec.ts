import { expect, type Page, test } from '@playwright/test';
import { getTaskType, taskResponseSchema } from '../protocol';
import { hasNginx } from '../server/test-support/nginx-process';
import { hasRedisServer } from '../server/test-support/redis-server';
import { SseClient } from '../server/test-support/sse-client';
import { checkChain, ResumingStream } from '../server/test-support/stream-checks';
import {
  HEARTBEAT_MS,
  LoadBalancedStack,
  type ServerFlavour,
  SSE_READ_TIMEOUT_S,
  type StackRedis,
  type UpstreamProcess,
  WORKER_TOKEN,
} from './load-balancer-stack';
import { signIn } from './sign-in';

/**
 * deploy/nginx.conf, as shipped, in front of two server processes on one redis-server or on a
 * 3-master Redis Cluster: what a browser sees through it, whether nginx holds streams back or cuts
 * them, and what happens when the process holding a page's stream is SIGKILLed mid-task.
 */
interface Setup {
  flavour: ServerFlavour;
  redis: StackRedis;
  /** False: the failover test only, which is what a cluster changes (fan-out across processes, resume from the log). */
  everyTest: boolean;
}
const onRedis: Record<StackRedis, string> = {
  single: 'one redis-server',
  cluster: 'a 3-master Redis Cluster',
};
const setups: Setup[] = [
  { flavour: 'source', redis: 'single', everyTest: true },
  { flavour: 'built', redis: 'single', everyTest: true },
  // The rebuild and the heartbeat tests add nothing on a cluster that the failover test and the
  // server suites (each on a cluster too) do not show; one setup keeps CI's extra time to seconds.
  { flavour: 'built', redis: 'cluster', everyTest: false },
];

if (!hasNginx || !hasRedisServer) {
  process.stderr.write(
    '\n*** e2e/load-balancer.spec.ts SKIPPED: it needs nginx and redis-server installed ***\n\n',
  );
}

function indicator(page: Page) {
  return page.locator('[data-connection]');
}

const rebuildBarLabel = 'Rebuild progress';

function rebuildBar(page: Page) {
  return page.getByRole('progressbar', { name: rebuildBarLabel });
}

/**
 * Records, in the page, every value the rebuild bar shows (a MutationObserver sees each render,
 * where polling from the test would sample); the returned function reads them so far.
 */
async function recordRebuildBar(page: Page): Promise<() => Promise<number[]>> {
  const handle = await page.evaluateHandle((label) => {
    const values: number[] = [];
    const read = () => {
      const bar = document.querySelector(`[role="progressbar"][aria-label="${label}"]`);
      const value = bar?.getAttribute('aria-valuenow');
      if (value != null && Number(value) !== values.at(-1)) values.push(Number(value));
    };
    new MutationObserver(read).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['aria-valuenow'],
    });
    read();
    return values;
  }, rebuildBarLabel);
  return () => handle.jsonValue();
}

for (const { flavour, redis, everyTest } of setups) {
  test.describe(`nginx in front of two ${flavour} server processes on ${onRedis[redis]}`, () => {
    test.describe.configure({ mode: 'serial' });
    test.skip(!hasNginx || !hasRedisServer, 'nginx and redis-server are not both installed');

    let stack: LoadBalancedStack;
    test.beforeAll(async () => {
      stack = await LoadBalancedStack.start(flavour, redis);
    });
    test.afterAll(async () => {
      await stack?.stop();
    });

    if (everyTest) {
      test('a browser signed in through nginx sees a rebuild run to completion, served by both processes', async ({
        page,
      }) => {
        await signIn(page, stack.url, 'alice');
        await expect(indicator(page)).toHaveAttribute('data-connection', 'live');
        const barValues = await recordRebuildBar(page);
        await page.getByRole('button', { name: 'Rebuild communities' }).click();
        await expect(rebuildBar(page)).toHaveAttribute('aria-valuenow', '100', { timeout: 30_000 });
        const shown = await barValues();
        expect(shown, 'the bar only moves forward').toEqual([...shown].sort((a, b) => a - b));
        expect(
          shown.filter((v) => v > 0 && v < 100).length,
          `bar values: ${shown.join(', ')}`,
        ).toBeGreaterThanOrEqual(2);
        await expect(page.getByTestId('rebuild-task-card')).toContainText(
          'Completed! 12 communities and 348 edges',
        );
        await expect(page.getByTestId('communities-caption')).toContainText('rebuild #1');
        await expect(page.getByRole('rowheader')).toHaveCount(12);

        // No stickiness: round robin spread this one browser's requests over both processes.
        const served = new Set((await stack.nginx.accessLog()).map((line) => line.split(' ')[0]));
        expect(served).toEqual(new Set(stack.upstreams.map((u) => u.address)));
      });

      test('the first event comes through at once and heartbeats hold the stream open past proxy_read_timeout', async () => {
        const token = await stack.sessionToken('alice');
        const headers = {
          authorization: `Bearer ${token}`,
          accept: 'text/event-stream',
          'accept-encoding': 'gzip, br',
        };
        const probe = new AbortController();
        const head = await fetch(`${stack.url}/api/events`, { headers, signal: probe.signal });
        expect(head.headers.get('content-type')).toMatch(/^text\/event-stream/);
        expect(head.headers.get('content-encoding')).toBeNull();
        probe.abort();

        const openedAt = Date.now();
        const client = await SseClient.open(`${stack.url}/api/events`, { headers });
        try {
          expect(client.status).toBe(200);
          await client.next('connected', 5000);
          const firstEventMs = Date.now() - openedAt;
          // A buffering proxy would hold the few hundred bytes of `connected` back until its buffer filled.
          expect(firstEventMs).toBeLessThan(1000);

          const pastTimeoutMs = 2 * SSE_READ_TIMEOUT_S * 1000;
          const wanted = pastTimeoutMs / HEARTBEAT_MS + 1;
          const arrivals: number[] = [];
          await client.until(
            (events) => {
              const beats = events.filter((e) => e.event === 'heartbeat').length;
              while (arrivals.length < beats) arrivals.push(Date.now());
              return beats >= wanted;
            },
            pastTimeoutMs + 5000,
            `${wanted} heartbeats`,
          );
          // One connection, still open, well past nginx's read timeout...
          expect(Date.now() - openedAt).toBeGreaterThan(pastTimeoutMs);
          expect(client.ended).toBe(false);
          // ...with each heartbeat passed on as it was written, not in a burst.
          const gaps = arrivals.slice(1).map((at, i) => at - (arrivals[i] ?? at));
          expect(Math.min(...gaps), `heartbeat gaps: ${gaps.join(', ')} ms`).toBeGreaterThan(
            HEARTBEAT_MS / 2,
          );
          console.log(
            `[${flavour}] first event through nginx after ${firstEventMs} ms; heartbeat gaps ${gaps.join(', ')} ms`,
          );
        } finally {
          client.close();
        }
      });
    }

    test('SIGKILL of the process holding the stream mid-task: the page carries on through the other, no event lost', async ({
      page,
    }) => {
      await signIn(page, stack.url, 'bob');
      await expect(indicator(page)).toHaveAttribute('data-connection', 'live');
      // The earlier tests' streams are closed: the one stream left open is this page's.
      await expect
        .poll(async () => (await stack.activeStreams()).join(','), { timeout: 10_000 })
        .toMatch(/^(1,0|0,1)$/);
      const pageOn = (await stack.activeStreams()).indexOf(1);
      const doomed = stack.upstreams[pageOn];
      const survivor = stack.upstreams[1 - pageOn];
      if (!doomed || !survivor) throw new Error('two upstreams expected');
      const token = await stack.sessionToken('bob');
      const raw = await resumingStreamOn(doomed, token);
      const barValues = await recordRebuildBar(page);

      // An outside worker drives the task through nginx: the process it lands on is not the one
      // that dies with its in-process runner, so the task can finish on the other.
      const worker = (urlPath: string, body: unknown) =>
        fetch(`${stack.url}${urlPath}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${WORKER_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const created = await worker('/api/worker/tasks', { ownerId: 'bob', type: 'rebuild_communities' });
      expect(created.status).toBe(201);
      const { task } = taskResponseSchema.parse(await created.json());
      const def = getTaskType('rebuild_communities');
      const killAtPercent = 50;
      const updates = [
        ...def.steps.map((step) => ({
          progress: { current: step.current, total: def.total },
          stage: step.stage,
          message: step.message,
          ...(step.data ? { data: step.data } : {}),
        })),
        { status: 'completed', result: def.result, message: def.completedMessage },
      ];
      try {
        for (const update of updates) {
          const res = await worker(`/api/tasks/${task.id}/progress`, update);
          expect(res.status, `worker update through nginx: ${JSON.stringify(update)}`).toBe(200);
          const written = taskResponseSchema.parse(await res.json()).task;
          // The next update waits until both the raw client and the page have this one: an event
          // lost in the failover would stop the test here.
          await raw.until(
            (events) =>
              events.some((e) => e.json?.task?.id === task.id && e.json.task.version === written.version),
            15_000,
            `version ${written.version} through nginx`,
          );
          await expect(rebuildBar(page)).toHaveAttribute('aria-valuenow', String(written.progress.percent), {
            timeout: 15_000,
          });
          if (written.status === 'running' && written.progress.percent === killAtPercent)
            await doomed.kill('SIGKILL');
        }
      } finally {
        await raw.stop();
      }
      expect(doomed.running).toBe(false);

      const card = page.getByTestId('rebuild-task-card');
      await expect(card).toHaveAttribute('data-status', 'completed');
      await expect(card).toContainText('Completed! 12 communities and 348 edges');
      await expect(page.getByTestId('communities-caption')).toContainText('rebuild #1');
      await expect(page.getByRole('rowheader')).toHaveCount(12);
      await expect(indicator(page)).toHaveAttribute('data-connection', 'live');
      // Every step was on screen, in order, across the failover (0 is the pending task's bar).
      expect((await barValues()).filter((v) => v > 0)).toEqual(def.steps.map((s) => s.current));
      // The page's stream reconnected through nginx to the process that is left.
      await expect.poll(() => survivor.activeStreams(), { timeout: 10_000 }).toBe(1);

      // nginx moved every request off the dead process itself: no client was answered 502.
      expect((await stack.nginx.accessLog()).filter((line) => / 5\d\d /.test(line))).toEqual([]);
      expect(raw.refused).toEqual([]);

      // The raw client was cut with the process and resumed through nginx by Last-Event-ID: exactly
      // the rest, with no snapshot, no gap, no repeat.
      expect(raw.connections.length).toBe(2);
      expect(raw.connections[1]?.named('snapshot', 'reset')).toEqual([]);
      const report = checkChain(raw.events);
      expect(report.gaps).toEqual([]);
      expect(report.duplicates).toEqual([]);
      expect(report.disorder).toEqual([]);
      const final = await fetch(`${stack.url}/api/tasks/${task.id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const finalTask = taskResponseSchema.parse(await final.json()).task;
      expect(finalTask).toMatchObject({ status: 'completed', result: def.result });
      const versions = raw.taskEvents
        .filter((e) => e.json.task.id === task.id)
        .map((e) => e.json.task.version);
      expect(versions).toEqual(Array.from({ length: finalTask.version }, (_, i) => i + 1));
    });

    /** A raw client whose stream nginx placed on `target` (round robin decides; a few tries at most). */
    async function resumingStreamOn(target: UpstreamProcess, token: string): Promise<ResumingStream> {
      for (let attempt = 0; attempt < 4; attempt++) {
        const before = await target.activeStreams();
        const stream = new ResumingStream({
          url: () => `${stack.url}/api/events`,
          token,
          retryMs: 200,
          maxMs: 50_000,
        });
        await stream.until(
          (events) => events.some((e) => e.event === 'snapshot'),
          5000,
          'snapshot through nginx',
        );
        if ((await target.activeStreams()) > before) return stream;
        await stream.stop();
      }
      throw new Error(`nginx never placed a stream on ${target.address}`);
    }
  });
}

import { afterEach, describe, expect, it, vi } from 'vitest';
import { Metrics } from './metrics';
import { StreamRegistry } from './sse/stream-registry';
import { parseLoggedEvent } from './tasks/task-store';

const event = (seq: number, updatedAt: string) =>
  parseLoggedEvent(
    `{"id":"1.${seq}","type":"progress","task":{"id":"t","ownerId":"u","updatedAt":"${updatedAt}"}}`,
  );

async function latencyCount(metrics: Metrics): Promise<number> {
  const histogram = await metrics.registry.getSingleMetric('taskstream_publish_to_write_seconds')?.get();
  const values = (histogram?.values ?? []) as { metricName?: string; value: number }[];
  return values.find((v) => v.metricName === 'taskstream_publish_to_write_seconds_count')?.value ?? 0;
}

describe('Metrics.published', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('observes publish → write latency for at most one event per 100 ms, and reads no other event', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-01T00:00:01.000Z') });
    const metrics = new Metrics(new StreamRegistry({ heartbeatMs: 15_000, maxStreamsPerUser: 10 }));
    const first = event(1, '2026-12-01T00:00:00.990Z');
    metrics.published(first);
    const unread = event(2, 'not read');
    const parse = vi.spyOn(JSON, 'parse');
    metrics.published(unread);
    expect(parse).not.toHaveBeenCalled();
    parse.mockRestore();
    vi.advanceTimersByTime(100);
    metrics.published(event(3, '2026-12-01T00:00:01.050Z'));
    expect(await latencyCount(metrics)).toBe(2);
  });
});

import { describe, expect, it } from 'vitest';
import { type OpsMetrics, type OpsScrape, readOpsMetrics } from './get-operations';
import { healthAnswer } from './health-fixture';
import { appendScrape, describeTrend, emptyOpsHistory } from './ops-history';

function scrape(at: number, active: number, sent: number, fast: number, slow: number): OpsScrape {
  const metrics: OpsMetrics = {
    ...readOpsMetrics(''),
    eventsSent: sent,
    latencyBuckets: [
      { le: 0.01, count: fast },
      { le: 0.1, count: fast + slow },
      { le: Infinity, count: fast + slow },
    ],
  };
  return { at, health: healthAnswer({ active }), metrics };
}

describe('readOpsMetrics', () => {
  it('counts task events by type and skips progress events', () => {
    const metrics = readOpsMetrics(
      [
        'taskstream_sse_events_sent 40',
        'taskstream_replays_total 2',
        'taskstream_task_events_total{type="seo_init",event="started"} 3',
        'taskstream_task_events_total{type="brand_analysis",event="started"} 2',
        'taskstream_task_events_total{type="brand_analysis",event="progress"} 9',
        'taskstream_task_events_total{type="brand_analysis",event="failed"} 1',
      ].join('\n'),
    );
    expect(metrics).toMatchObject({ eventsSent: 40, replays: 2, resets: null });
    expect(metrics.tasks).toEqual([
      { type: 'brand_analysis', started: 2, completed: 0, failed: 1, cancelled: 0 },
      { type: 'seo_init', started: 3, completed: 0, failed: 0, cancelled: 0 },
    ]);
  });
});

describe('appendScrape', () => {
  it('has no rate for the first scrape, then rates and quantiles per interval', () => {
    let history = appendScrape(emptyOpsHistory, scrape(0, 1, 100, 10, 0));
    expect(history.points[0]).toEqual({
      at: 0,
      activeConnections: 1,
      eventsPerSecond: null,
      p50Ms: null,
      p99Ms: null,
    });
    // 50 events in 5 s; the interval's 10 observations all fall in (10 ms, 100 ms].
    history = appendScrape(history, scrape(5000, 2, 150, 10, 10));
    expect(history.points[1]).toMatchObject({ activeConnections: 2, eventsPerSecond: 10, p50Ms: 55 });
    expect(history.points[1]?.p99Ms).toBeCloseTo(99.1);
  });

  it('leaves a gap, not a negative rate, when the server restarted between scrapes', () => {
    let history = appendScrape(emptyOpsHistory, scrape(0, 1, 500, 50, 0));
    history = appendScrape(history, scrape(5000, 1, 3, 1, 0));
    expect(history.points[1]).toMatchObject({ eventsPerSecond: null, p50Ms: null });
  });

  it('keeps only the window and ignores a scrape that is not newer', () => {
    let history = emptyOpsHistory;
    for (let at = 0; at <= 20_000; at += 5000)
      history = appendScrape(history, scrape(at, 1, 0, 0, 0), 10_000);
    expect(history.points.map((p) => p.at)).toEqual([10_000, 15_000, 20_000]);
    expect(appendScrape(history, scrape(20_000, 9, 0, 0, 0), 10_000)).toBe(history);
  });
});

describe('describeTrend', () => {
  const count = (v: number) => String(v);

  it('says the latest value, the direction from the oldest and the range', () => {
    expect(describeTrend([1, 4, 3], count)).toBe('3 now; up from 1 (between 1 and 4)');
    expect(describeTrend([5, null, 2], count)).toBe('2 now; down from 5 (between 2 and 5)');
    expect(describeTrend([2, 2], count)).toBe('2 now; level');
  });

  it('says when there is nothing to describe', () => {
    expect(describeTrend([], count)).toBe('no data yet');
    expect(describeTrend([3, null], count)).toBe('no data yet');
    expect(describeTrend([7], count)).toBe('7 now');
  });
});

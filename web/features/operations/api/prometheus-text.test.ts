import { describe, expect, it } from 'vitest';
import {
  bucketsSince,
  histogramBuckets,
  histogramQuantile,
  metricTotal,
  parsePrometheusText,
} from './prometheus-text';

// An excerpt of the server's own /metrics answer (prom-client output).
const scrape = `# HELP taskstream_sse_connections_active Open SSE streams on this process
# TYPE taskstream_sse_connections_active gauge
taskstream_sse_connections_active 2

# TYPE taskstream_publish_to_write_seconds histogram
taskstream_publish_to_write_seconds_bucket{le="0.005"} 0
taskstream_publish_to_write_seconds_bucket{le="0.01"} 3
taskstream_publish_to_write_seconds_bucket{le="0.025"} 5
taskstream_publish_to_write_seconds_bucket{le="0.1"} 7
taskstream_publish_to_write_seconds_bucket{le="+Inf"} 8
taskstream_publish_to_write_seconds_sum 0.201
taskstream_publish_to_write_seconds_count 8
taskstream_task_events_total{type="brand_analysis",event="started"} 1
taskstream_task_events_total{type="brand_analysis",event="progress"} 5 1733011200000
taskstream_task_events_total{ type="po_processing" , event="failed" } 2
`;

describe('parsePrometheusText', () => {
  it('reads plain samples, labels and timestamps, and skips comments', () => {
    const metrics = parsePrometheusText(scrape);
    expect(metrics.get('taskstream_sse_connections_active')).toEqual([
      { name: 'taskstream_sse_connections_active', labels: {}, value: 2 },
    ]);
    expect(metrics.get('taskstream_task_events_total')?.map((s) => [s.labels, s.value])).toEqual([
      [{ type: 'brand_analysis', event: 'started' }, 1],
      [{ type: 'brand_analysis', event: 'progress' }, 5],
      [{ type: 'po_processing', event: 'failed' }, 2],
    ]);
    expect(metricTotal(metrics, 'taskstream_task_events_total')).toBe(8);
    expect(metricTotal(metrics, 'taskstream_missing')).toBeNull();
  });

  it('unescapes label values with quotes, backslashes, newlines and braces', () => {
    const metrics = parsePrometheusText('m{path="a\\"b\\\\c\\nd}",x="y"} 1\r\n');
    expect(metrics.get('m')?.[0]?.labels).toEqual({ path: 'a"b\\c\nd}', x: 'y' });
  });

  it('reads NaN and infinities and skips lines it cannot read', () => {
    const metrics = parsePrometheusText(
      'a NaN\nb +Inf\nc -Inf\nbroken{le="1" 3\nd not-a-number\n{x="1"} 2\n',
    );
    expect(metrics.get('a')?.[0]?.value).toBeNaN();
    expect(metrics.get('b')?.[0]?.value).toBe(Infinity);
    expect(metrics.get('c')?.[0]?.value).toBe(-Infinity);
    expect([...metrics.keys()]).toEqual(['a', 'b', 'c']);
  });
});

describe('histogram quantiles', () => {
  const buckets = histogramBuckets(parsePrometheusText(scrape), 'taskstream_publish_to_write_seconds');

  it('sorts the cumulative buckets with +Inf last', () => {
    expect(buckets.map((b) => b.le)).toEqual([0.005, 0.01, 0.025, 0.1, Infinity]);
  });

  it('interpolates inside the bucket the rank falls in', () => {
    // rank 4 of 8 falls in (0.01, 0.025] holding observations 4..5: halfway.
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.0175);
  });

  it('answers the highest finite bound when the quantile falls in the +Inf bucket', () => {
    expect(histogramQuantile(0.99, buckets)).toBe(0.1);
  });

  it('answers null without observations', () => {
    expect(
      histogramQuantile(0.5, [
        { le: 0.1, count: 0 },
        { le: Infinity, count: 0 },
      ]),
    ).toBeNull();
    expect(histogramQuantile(0.5, [])).toBeNull();
  });

  it('takes the observations between two scrapes, or null after a restart', () => {
    const before = [
      { le: 0.01, count: 2 },
      { le: Infinity, count: 4 },
    ];
    const after = [
      { le: 0.01, count: 5 },
      { le: Infinity, count: 9 },
    ];
    expect(bucketsSince(before, after)).toEqual([
      { le: 0.01, count: 3 },
      { le: Infinity, count: 5 },
    ]);
    expect(bucketsSince(after, before)).toBeNull();
  });
});

import client from 'prom-client';
import { sharedMetrics, type TaskEventName } from '../protocol';
import type { StreamRegistry } from './sse/stream-registry';
import type { BusMetrics } from './tasks/event-bus';
import type { LoggedEvent } from './tasks/task-store';

/** The publish → write latency histogram observes at most one event per this many ms (see `published`). */
const LATENCY_SAMPLE_MS = 100;

/**
 * Prometheus metrics. Per-delivery counts are plain numbers read at scrape time, so the hot
 * path (one write per stream per event) costs an increment, not a label lookup.
 */
export class Metrics implements BusMetrics {
  readonly registry = new client.Registry();
  deliveries = 0;
  private readonly latency: client.Histogram;
  private lastLatencySample = 0;
  private readonly taskEvents: client.Counter<'type' | 'event'>;
  private readonly replays: client.Counter;
  private readonly replayedEvents: client.Counter;
  private readonly resets: client.Counter;
  private readonly gapFills: client.Counter;
  readonly redisErrors: client.Counter;
  readonly rejectedStreams: client.Counter<'reason'>;

  constructor(streams: StreamRegistry) {
    const registers = [this.registry];
    client.collectDefaultMetrics({ register: this.registry, prefix: 'taskstream_' });
    new client.Gauge({
      ...sharedMetrics.openStreams,
      registers,
      collect() {
        this.set(streams.size);
      },
    });
    new client.Gauge({
      ...sharedMetrics.openedStreams,
      registers,
      collect() {
        this.set(streams.stats().total);
      },
    });
    const self = this;
    new client.Gauge({
      name: 'taskstream_sse_events_sent',
      help: 'Task events written to SSE streams since start (one per stream per event)',
      registers,
      collect() {
        this.set(self.deliveries);
      },
    });
    this.latency = new client.Histogram({
      name: 'taskstream_publish_to_write_seconds',
      help: 'From a task update being written to Redis to its event reaching this process for writing',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.taskEvents = new client.Counter({
      name: 'taskstream_task_events_total',
      help: 'Task events written, by task type and event',
      labelNames: ['type', 'event'],
      registers,
    });
    this.replays = new client.Counter({
      name: 'taskstream_replays_total',
      help: 'Streams resumed by exact replay',
      registers,
    });
    this.replayedEvents = new client.Counter({
      name: 'taskstream_replayed_events_total',
      help: 'Events sent by replay',
      registers,
    });
    this.resets = new client.Counter({
      name: 'taskstream_resets_total',
      help: 'Streams sent reset + snapshot because the log no longer covered their position',
      registers,
    });
    this.gapFills = new client.Counter({
      name: 'taskstream_gap_fills_total',
      help: 'Gaps in live delivery filled from the log',
      registers,
    });
    this.redisErrors = new client.Counter({
      name: 'taskstream_redis_errors_total',
      help: 'Redis errors',
      registers,
    });
    this.rejectedStreams = new client.Counter({
      name: 'taskstream_sse_rejected_total',
      help: 'Stream requests refused',
      labelNames: ['reason'],
      registers,
    });
  }

  taskWritten(type: string, event: TaskEventName): void {
    this.taskEvents.inc({ type, event });
  }

  /**
   * Observes publish → write latency for at most one event per LATENCY_SAMPLE_MS: reading
   * `updatedAt` parses the event's task, which delivering to a user's streams never needs. Evenly
   * spread in time, the sample keeps the distribution; `_count` is observations, not events.
   */
  published(event: LoggedEvent): void {
    const now = Date.now();
    if (now - this.lastLatencySample < LATENCY_SAMPLE_MS) return;
    this.lastLatencySample = now;
    const written = Date.parse(event.task.updatedAt);
    if (written) this.latency.observe(Math.max(0, now - written) / 1000);
  }
  replayed(count: number): void {
    this.replays.inc();
    this.replayedEvents.inc(count);
  }
  reset(): void {
    this.resets.inc();
  }
  gapFilled(): void {
    this.gapFills.inc();
  }
}

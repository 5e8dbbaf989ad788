import type { Logger } from 'pino';
import { RevokedSessions } from './auth/revoked-sessions';
import { SessionTokens } from './auth/session-tokens';
import { SseTickets } from './auth/sse-tickets';
import type { Config } from './config';
import { Metrics } from './metrics';
import { LeadStore } from './reddit/lead-store';
import type { RedisPair } from './redis';
import { StreamRegistry } from './sse/stream-registry';
import { EventBus } from './tasks/event-bus';
import { ProgressTracker } from './tasks/progress-tracker';
import { SimulatedRunner } from './tasks/simulated-runner';
import { StallSweeper } from './tasks/stall-sweeper';
import { TaskStore } from './tasks/task-store';

/** Everything the routes use, built once per process (tests build their own). */
export interface AppServices {
  config: Config;
  log: Logger;
  redis: RedisPair;
  store: TaskStore;
  tracker: ProgressTracker;
  bus: EventBus;
  streams: StreamRegistry;
  runner: SimulatedRunner;
  tokens: SessionTokens;
  tickets: SseTickets;
  metrics: Metrics;
  /** Fails tasks whose worker stopped reporting; started here, stopped on close. */
  stallSweeper: StallSweeper;
  leads: LeadStore;
  startedAt: number;
}

export function createServices(config: Config, redis: RedisPair, log: Logger): AppServices {
  const streams = new StreamRegistry({
    heartbeatMs: config.HEARTBEAT_MS,
    maxStreamsPerUser: config.MAX_STREAMS_PER_USER,
  });
  const metrics = new Metrics(streams);
  const store = new TaskStore(redis.commands, { logSize: config.EVENT_LOG_SIZE });
  const tracker = new ProgressTracker(store, {
    onWrite: (task, event) => metrics.taskWritten(task.type, event),
  });
  const bus = new EventBus(redis.subscriber, redis.commands, store, log, metrics);
  streams.onHeartbeat(() => void bus.checkHeads());
  const stallSweeper = new StallSweeper(redis.commands, store, {
    stallTimeoutMs: config.TASK_STALL_TIMEOUT_MS,
    onWrite: (task, event) => metrics.taskWritten(task.type, event),
    log,
  });
  stallSweeper.start();
  let secret = config.JWT_SECRET;
  if (!secret) {
    secret = SessionTokens.randomSecret();
    log.warn('JWT_SECRET is not set: using a random secret, so sessions end when the server restarts');
  }
  const runner = new SimulatedRunner(tracker, { speed: config.SIMULATION_SPEED, log });
  const leads = new LeadStore(redis.commands);
  runner.afterStep('reddit_leads', (task) => leads.saveBatch(task));
  return {
    config,
    log,
    redis,
    store,
    tracker,
    bus,
    streams,
    runner,
    tokens: new SessionTokens(secret, new RevokedSessions(redis.commands)),
    tickets: new SseTickets(redis.commands),
    metrics,
    stallSweeper,
    leads,
    startedAt: Date.now(),
  };
}

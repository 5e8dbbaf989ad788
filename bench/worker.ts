/**
 * Drives task progress at a fixed rate (events/s), spread round-robin over the users' tasks.
 *
 * - `direct`: `ProgressTracker` over `TaskStore` straight to Redis on one ioredis connection, as
 *   an out-of-process TypeScript worker would; updates are pipelined (many in flight at once).
 * - `http`: the same updates through the ingestion route `POST /api/tasks/:id/progress` with
 *   `Authorization: Bearer <WORKER_TOKEN>`, over a keep-alive agent.
 * - `batch`: the same updates gathered for BATCH_FLUSH_MS and sent together through
 *   `POST /api/worker/progress`, as a worker that sends many would.
 *
 * At most one update per task is in flight, so no update ever conflicts on the task version;
 * `maxInFlight` bounds the whole pipeline. Driven over IPC by bench/run.ts (see `WorkerApi`).
 */
import { Agent, request as httpRequest } from 'node:http';
import { Redis } from 'ioredis';
import { MAX_PROGRESS_BATCH, progressBatchResponseSchema } from '../protocol';
import type { TaskPatch } from '../server/tasks/progress-tracker';
import { ProgressTracker } from '../server/tasks/progress-tracker';
import { TaskStore } from '../server/tasks/task-store';
import { serveRpc } from './ipc';

export interface SetupArgs {
  redisUrl: string;
  users: string[];
  tasksPerUser: number;
}

/** Batch mode: updates due within this many ms go in one request. */
const BATCH_FLUSH_MS = 10;

type IngestMode = 'direct' | 'http' | 'batch';

export interface RunArgs {
  mode: IngestMode;
  /** events per second */
  rate: number;
  durationMs: number;
  maxInFlight: number;
  /** http mode: the taskstream base URL and its WORKER_TOKEN */
  url?: string;
  workerToken?: string;
  /** Pad every event with this many characters of `message` + `data` (the stalled-client check). */
  padBytes?: number;
}

export interface RunResult {
  mode: IngestMode;
  /** Batch mode: requests sent (updates ÷ requests = the mean batch). */
  requests: number;
  sent: number;
  errors: number;
  firstError: string | null;
  elapsedMs: number;
  achievedRate: number;
  /** Most updates in flight at once. */
  peakInFlight: number;
  /** Largest backlog of due-but-not-yet-issued updates (the rate was not held when > a few). */
  maxBehind: number;
  /** Update round trip (worker side), ms. */
  p50UpdateMs: number;
  p99UpdateMs: number;
}

export type WorkerApi = {
  setup: { args: SetupArgs; result: { tasks: number; ms: number } };
  run: { args: RunArgs; result: RunResult };
  close: { args: null; result: null };
};

interface BenchTask {
  id: string;
  current: number;
  busy: boolean;
}

class Worker {
  private redis: Redis | null = null;
  private tracker: ProgressTracker | null = null;
  /** Interleaved by user: u0t0, u1t0, …, u0t1, u1t1, … so consecutive events go to different users. */
  private tasks: BenchTask[] = [];
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  private requests = 0;

  async setup({ redisUrl, users, tasksPerUser }: SetupArgs): Promise<{ tasks: number; ms: number }> {
    const t0 = performance.now();
    this.redis ??= new Redis(redisUrl, { maxRetriesPerRequest: 2 });
    this.tracker ??= new ProgressTracker(new TaskStore(this.redis, { logSize: 1000 }));
    const tracker = this.tracker;
    const specs: string[] = [];
    for (let t = 0; t < tasksPerUser; t++) for (const u of users) specs.push(u);
    const created: BenchTask[] = new Array(specs.length);
    let next = 0;
    const lane = async () => {
      while (next < specs.length) {
        const i = next++;
        const task = await tracker.create({ ownerId: specs[i]!, type: 'po_processing', total: 1_000_000 });
        created[i] = { id: task.id, current: 0, busy: false };
      }
    };
    await Promise.all(Array.from({ length: Math.min(256, specs.length) }, lane));
    this.tasks = created;
    return { tasks: created.length, ms: Math.round(performance.now() - t0) };
  }

  async run(args: RunArgs): Promise<RunResult> {
    const tasks = this.tasks;
    if (tasks.length === 0) throw new Error('setup first');
    // Padding: up to 500 characters of message, the rest in data fields of up to 2,000 each.
    const pad = args.padBytes ?? 0;
    const message = pad ? 'x'.repeat(Math.min(500, pad)) : undefined;
    let data: Record<string, string> | undefined;
    for (let left = pad - 500, i = 0; left > 0 && i < 40; left -= 2000, i++) {
      data ??= {};
      data[`pad${i}`] = 'y'.repeat(Math.min(2000, left));
    }
    this.requests = 0;
    const update =
      args.mode === 'direct'
        ? this.directUpdate()
        : args.mode === 'http'
          ? this.httpUpdate(args)
          : this.batchUpdate(args);
    let sent = 0;
    let errors = 0;
    let firstError: string | null = null;
    let issued = 0;
    let inFlight = 0;
    let peakInFlight = 0;
    let maxBehind = 0;
    let cursor = 0;
    const roundTrips: number[] = [];
    const t0 = performance.now();
    const total = Math.round((args.rate * args.durationMs) / 1000);

    await new Promise<void>((resolve) => {
      const finishIfDone = () => {
        if (issued >= total && inFlight === 0) {
          clearInterval(timer);
          resolve();
        }
      };
      const tick = () => {
        const due = Math.min(total, Math.floor(((performance.now() - t0) * args.rate) / 1000));
        maxBehind = Math.max(maxBehind, due - issued);
        let scanned = 0;
        while (issued < due && inFlight < args.maxInFlight && scanned < tasks.length) {
          const task = tasks[cursor]!;
          cursor = (cursor + 1) % tasks.length;
          scanned++;
          if (task.busy) continue;
          scanned = 0;
          task.busy = true;
          task.current = Math.min(task.current + 1, 999_999);
          issued++;
          inFlight++;
          if (inFlight > peakInFlight) peakInFlight = inFlight;
          const patch: TaskPatch = { progress: { current: task.current } };
          if (message) patch.message = message;
          if (data) patch.data = data;
          const started = performance.now();
          update(task.id, patch)
            .then(
              () => {
                sent++;
                roundTrips.push(performance.now() - started);
              },
              (err: unknown) => {
                errors++;
                firstError ??= err instanceof Error ? err.message : String(err);
              },
            )
            .finally(() => {
              task.busy = false;
              inFlight--;
              tick();
              finishIfDone();
            });
        }
        finishIfDone();
      };
      // Wake often enough that at most ~1 event is due per wake-up (1–10 ms).
      const timer = setInterval(tick, Math.max(1, Math.min(10, Math.floor(1000 / args.rate))));
      tick();
    });

    const elapsedMs = performance.now() - t0;
    roundTrips.sort((a, b) => a - b);
    const q = (p: number) => Math.round((roundTrips[Math.floor(p * (roundTrips.length - 1))] ?? 0) * 10) / 10;
    return {
      mode: args.mode,
      requests: args.mode === 'direct' ? 0 : args.mode === 'http' ? sent + errors : this.requests,
      sent,
      errors,
      firstError,
      elapsedMs: Math.round(elapsedMs),
      achievedRate: Math.round((sent / elapsedMs) * 1000),
      peakInFlight,
      maxBehind,
      p50UpdateMs: q(0.5),
      p99UpdateMs: q(0.99),
    };
  }

  private directUpdate(): (id: string, patch: TaskPatch) => Promise<unknown> {
    const tracker = this.tracker;
    if (!tracker) throw new Error('setup first');
    return (id, patch) => tracker.update(id, patch);
  }

  private httpUpdate(args: RunArgs): (id: string, patch: TaskPatch) => Promise<unknown> {
    if (!args.url || !args.workerToken) throw new Error('http mode needs url and workerToken');
    const { url, workerToken } = args;
    return (id, patch) => this.post(url, workerToken, `/api/tasks/${id}/progress`, patch);
  }

  /** Gathers updates for BATCH_FLUSH_MS (or MAX_PROGRESS_BATCH of them) and sends them in one request. */
  private batchUpdate(args: RunArgs): (id: string, patch: TaskPatch) => Promise<unknown> {
    if (!args.url || !args.workerToken) throw new Error('batch mode needs url and workerToken');
    const { url, workerToken } = args;
    let pending: Array<{ taskId: string; patch: TaskPatch; settle: (err: Error | null) => void }> = [];
    let timer: NodeJS.Timeout | null = null;
    const flush = () => {
      if (timer) clearTimeout(timer);
      timer = null;
      const sending = pending;
      pending = [];
      this.requests++;
      this.post(url, workerToken, '/api/worker/progress', {
        updates: sending.map(({ taskId, patch }) => ({ taskId, ...patch })),
      }).then(
        (body) => {
          const { results } = progressBatchResponseSchema.parse(JSON.parse(body));
          sending.forEach((u, i) => {
            const r = results[i];
            u.settle(r && 'version' in r ? null : new Error(r ? r.error.code : 'missing result'));
          });
        },
        (err: Error) => {
          for (const u of sending) u.settle(err);
        },
      );
    };
    return (taskId, patch) =>
      new Promise<void>((resolve, reject) => {
        pending.push({ taskId, patch, settle: (err) => (err ? reject(err) : resolve()) });
        if (pending.length >= MAX_PROGRESS_BATCH) flush();
        else timer ??= setTimeout(flush, BATCH_FLUSH_MS);
      });
  }

  /** POSTs JSON over the keep-alive agent; resolves with the 200 answer's body. */
  private post(base: string, workerToken: string, path: string, payload: unknown): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const body = JSON.stringify(payload);
      const req = httpRequest(new URL(path, base), {
        method: 'POST',
        agent: this.agent,
        headers: {
          authorization: `Bearer ${workerToken}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(Buffer.concat(chunks).toString('utf8'))
            : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  async close(): Promise<void> {
    this.agent.destroy();
    await this.redis?.quit().catch(() => undefined);
    this.redis = null;
    this.tracker = null;
  }
}

const worker = new Worker();
serveRpc<WorkerApi>({
  setup: (args) => worker.setup(args),
  run: (args) => worker.run(args),
  close: async () => {
    await worker.close();
    return null;
  },
});

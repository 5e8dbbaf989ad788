/**
 * Load generator: N concurrent SSE streams over raw `node:http` (one keep-alive agent, no socket
 * limit), minimal frame parsing, and per-stream accounting.
 *
 * - connect time: from the first request to the last `200` response (all N connected);
 * - latency per delivery: receive time − Date.parse(task.updatedAt), same machine clock, ms;
 * - lost / duplicated: per stream, by the seq part of `id: <epoch>.<seq>` — a user's ids are
 *   contiguous, so a stream must see every seq in (head at start, head at end] exactly once.
 *
 * Driven over IPC by bench/run.ts (see `LoadClientApi`). Standalone, it prints one JSON report:
 *   tsx bench/load-client.ts --url http://127.0.0.1:3000 --streams 100 --users 10 --seconds 10 \
 *     [--jwt-secret <secret> | --plain]    (plain: bearer token = user id, for the baseline)
 */
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { SessionTokens } from '../server/auth/session-tokens';
import { serveRpc } from './ipc';

export type StreamAuth = { kind: 'jwt'; secret: string } | { kind: 'plain' };

export interface ConnectArgs {
  url: string;
  /** Several servers behind no balancer: stream i goes to `urls[i % urls.length]` (default: `url` alone). */
  urls?: string[];
  /** The user of each stream (one entry per stream). */
  users: string[];
  auth: StreamAuth;
  /** Requests in flight at once while connecting (kept under the server's listen backlog). */
  concurrency: number;
  timeoutMs: number;
}

export interface ConnectResult {
  requested: number;
  connected: number;
  failed: number;
  /** Failures by HTTP status or error code. */
  failures: Record<string, number>;
  /** First request → last 200, ms. */
  connectMs: number;
  /** Median time from request to 200, ms. */
  medianRequestMs: number;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export interface FinishResult {
  streams: number;
  /** Streams that ended (closed by the server or an error) after connecting. */
  closedStreams: number;
  /** Task events received while measuring (one per stream per event). */
  deliveries: number;
  /** Expected deliveries: Σ over streams of (head at end − head at start) of the stream's user. */
  expected: number;
  lost: number;
  duplicated: number;
  /** Seq jumps seen on the wire (a gap, whether later filled or not). */
  liveGaps: number;
  heartbeats: number;
  bytes: number;
  latency: LatencySummary;
}

export interface ClientStatus {
  deliveries: number;
  unique: number;
  closedStreams: number;
  /** Streams that received a heartbeat since the last `resetBeats`. */
  streamsWithHeartbeat: number;
}

export interface StallArgs {
  url: string;
  user: string;
  auth: StreamAuth;
}

export interface StallResult {
  /** The server closed the stalled stream (we saw EOF or a reset once we read again). */
  closedByServer: boolean;
  /** Bytes that were still readable from the socket after the stall. */
  bytesAfterResume: number;
  error: string | null;
}

export type LoadClientApi = {
  warmup: { args: ConnectArgs; result: ConnectResult };
  connect: { args: ConnectArgs; result: ConnectResult };
  start: { args: { startHeads: Record<string, number> }; result: null };
  status: { args: null; result: ClientStatus };
  /** Forget which streams saw a heartbeat (see ClientStatus.streamsWithHeartbeat). */
  resetBeats: { args: null; result: null };
  finish: { args: { endHeads: Record<string, number> }; result: FinishResult };
  stall: { args: StallArgs; result: null };
  stallResult: { args: { waitMs: number }; result: StallResult };
  close: { args: null; result: null };
};

const UPDATED_AT = '"updatedAt":"';
const ISO_LEN = 24; // 2024-01-01T00:00:00.000Z
const HIST_MAX_MS = 120_000;

class StreamState {
  buf = '';
  lastSeq = 0;
  /** Unique seqs received within (start, end]. */
  inRange = 0;
  startHead = 0;
  connected = false;
  closed = false;
  sawBeat = false;
  req: ReturnType<typeof httpRequest> | null = null;
  res: IncomingMessage | null = null;
  constructor(readonly user: string) {}
}

class LoadClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  private streams: StreamState[] = [];
  private measuring = false;
  private readonly hist = new Uint32Array(HIST_MAX_MS + 1);
  private deliveries = 0;
  private unique = 0;
  private duplicated = 0;
  private liveGaps = 0;
  private heartbeats = 0;
  private streamsWithHeartbeat = 0;
  private bytes = 0;
  private latencySum = 0;
  private latencyMax = 0;
  private stalled: Socket | null = null;
  private stalledError: string | null = null;
  private readonly tokenCache = new Map<string, string>();

  private async tokenFor(user: string, auth: StreamAuth): Promise<string> {
    if (auth.kind === 'plain') return user;
    let token = this.tokenCache.get(user);
    if (!token) {
      token = await new SessionTokens(auth.secret).sign(user);
      this.tokenCache.set(user, token);
    }
    return token;
  }

  /** Opens one stream per entry of `users`, at most `concurrency` requests in flight. */
  async connect(args: ConnectArgs, keep = true): Promise<ConnectResult> {
    const targets = (args.urls ?? [args.url]).map((u) => new URL('/api/events', u));
    // Sign every token before the clock starts: connect time is the server's, not ours.
    const tokens = await Promise.all(args.users.map((u) => this.tokenFor(u, args.auth)));
    const states = args.users.map((u) => new StreamState(u));
    const failures: Record<string, number> = {};
    const requestMs: number[] = [];
    let connected = 0;
    let failed = 0;
    let lastOk = 0;
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      let next = 0;
      let inFlight = 0;
      let done = 0;
      const timer = setTimeout(() => {
        for (const s of states) if (!s.connected && !s.closed) s.req?.destroy(new Error('connect timeout'));
      }, args.timeoutMs);
      const settle = () => {
        inFlight--;
        done++;
        if (done === states.length) {
          clearTimeout(timer);
          resolve();
        } else launch();
      };
      const launch = () => {
        while (inFlight < args.concurrency && next < states.length) {
          const i = next++;
          const s = states[i]!;
          inFlight++;
          const started = performance.now();
          let settled = false;
          const once = (ok: boolean, why: string) => {
            if (settled) return;
            settled = true;
            if (ok) {
              connected++;
              lastOk = performance.now();
              requestMs.push(lastOk - started);
            } else {
              failed++;
              failures[why] = (failures[why] ?? 0) + 1;
            }
            settle();
          };
          const req = httpRequest(targets[i % targets.length]!, {
            agent: this.agent,
            headers: { authorization: `Bearer ${tokens[i]}`, accept: 'text/event-stream' },
          });
          s.req = req;
          req.on('response', (res) => {
            if (res.statusCode !== 200) {
              res.resume();
              s.closed = true;
              once(false, `HTTP ${res.statusCode}`);
              return;
            }
            s.res = res;
            s.connected = true;
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => this.onData(s, chunk));
            res.on('close', () => {
              s.closed = true;
            });
            once(true, '');
          });
          req.on('error', (err: NodeJS.ErrnoException) => {
            s.closed = true;
            once(false, err.code ?? err.message);
          });
          req.end();
        }
      };
      if (states.length === 0) {
        clearTimeout(timer);
        resolve();
      } else launch();
    });
    const connectMs = connected ? lastOk - t0 : 0;
    requestMs.sort((a, b) => a - b);
    if (keep) this.streams.push(...states);
    else for (const s of states) s.req?.destroy();
    return {
      requested: states.length,
      connected,
      failed,
      failures,
      connectMs: Math.round(connectMs),
      medianRequestMs: Math.round(requestMs[Math.floor(requestMs.length / 2)] ?? 0),
    };
  }

  private onData(s: StreamState, chunk: string): void {
    if (this.measuring) this.bytes += chunk.length;
    let buf = s.buf + chunk;
    let end = buf.indexOf('\n\n');
    if (end === -1) {
      s.buf = buf;
      return;
    }
    const now = Date.now();
    let start = 0;
    while (end !== -1) {
      this.onFrame(s, buf, start, end, now);
      start = end + 2;
      end = buf.indexOf('\n\n', start);
    }
    buf = buf.slice(start);
    s.buf = buf;
  }

  /** One frame `buf[start, end)`: only task events (with an id) and heartbeats are looked at. */
  private onFrame(s: StreamState, buf: string, start: number, end: number, now: number): void {
    if (buf.startsWith('id: ', start)) {
      const idEnd = buf.indexOf('\n', start);
      const dot = buf.indexOf('.', start);
      const seq = Number(buf.slice(dot + 1, idEnd));
      if (seq <= s.lastSeq) {
        if (this.measuring) this.duplicated++;
        return;
      }
      if (s.lastSeq !== 0 && seq !== s.lastSeq + 1 && this.measuring) this.liveGaps++;
      s.lastSeq = seq;
      if (!this.measuring) return;
      if (seq > s.startHead) {
        s.inRange++;
        this.unique++;
      }
      this.deliveries++;
      const at = buf.indexOf(UPDATED_AT, idEnd);
      if (at === -1 || at > end) return;
      const sent = Date.parse(buf.slice(at + UPDATED_AT.length, at + UPDATED_AT.length + ISO_LEN));
      const ms = Math.max(0, now - sent);
      this.hist[Math.min(ms, HIST_MAX_MS)]!++;
      this.latencySum += ms;
      if (ms > this.latencyMax) this.latencyMax = ms;
    } else if (buf.startsWith('event: heartbeat', start)) {
      if (!s.sawBeat) {
        s.sawBeat = true;
        this.streamsWithHeartbeat++;
      }
      if (this.measuring) this.heartbeats++;
    }
  }

  start(startHeads: Record<string, number>): void {
    for (const s of this.streams) {
      s.startHead = startHeads[s.user] ?? 0;
      // Anything below the start head was sent before the window: treat it as already seen.
      if (s.lastSeq < s.startHead) s.lastSeq = s.startHead;
      s.inRange = 0;
    }
    this.hist.fill(0);
    this.deliveries = 0;
    this.unique = 0;
    this.duplicated = 0;
    this.liveGaps = 0;
    this.heartbeats = 0;
    this.bytes = 0;
    this.latencySum = 0;
    this.latencyMax = 0;
    this.measuring = true;
  }

  status(): ClientStatus {
    return {
      deliveries: this.deliveries,
      unique: this.unique,
      closedStreams: this.streams.filter((s) => s.closed).length,
      streamsWithHeartbeat: this.streamsWithHeartbeat,
    };
  }

  resetBeats(): void {
    for (const s of this.streams) s.sawBeat = false;
    this.streamsWithHeartbeat = 0;
  }

  finish(endHeads: Record<string, number>): FinishResult {
    this.measuring = false;
    let expected = 0;
    let lost = 0;
    for (const s of this.streams) {
      const want = Math.max(0, (endHeads[s.user] ?? 0) - s.startHead);
      expected += want;
      lost += Math.max(0, want - s.inRange);
    }
    return {
      streams: this.streams.length,
      closedStreams: this.streams.filter((s) => s.closed).length,
      deliveries: this.deliveries,
      expected,
      lost,
      duplicated: this.duplicated,
      liveGaps: this.liveGaps,
      heartbeats: this.heartbeats,
      bytes: this.bytes,
      latency: this.summarise(),
    };
  }

  private summarise(): LatencySummary {
    let count = 0;
    for (const n of this.hist) count += n;
    const at = (q: number) => {
      if (count === 0) return 0;
      const rank = Math.ceil(q * count);
      let seen = 0;
      for (let ms = 0; ms < this.hist.length; ms++) {
        seen += this.hist[ms]!;
        if (seen >= rank) return ms;
      }
      return HIST_MAX_MS;
    };
    return {
      count,
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      p999: at(0.999),
      max: this.latencyMax,
      mean: count ? Math.round((this.latencySum / count) * 10) / 10 : 0,
    };
  }

  /** A stream whose client never reads: a raw socket with no reader after the request is sent. */
  async stall(args: StallArgs): Promise<void> {
    const url = new URL('/api/events', args.url);
    const token = await this.tokenFor(args.user, args.auth);
    const socket = netConnect({ host: url.hostname, port: Number(url.port) });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.stalledError = err.code ?? err.message;
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    socket.write(
      `GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${token}\r\n` +
        'Accept: text/event-stream\r\n\r\n',
    );
    socket.pause();
    this.stalled = socket;
  }

  /** Reads again: a server that dropped the stall shows EOF/reset soon; one that kept it does not. */
  async stallResult(waitMs: number): Promise<StallResult> {
    const socket = this.stalled;
    if (!socket) throw new Error('no stalled stream');
    let bytes = 0;
    const closed = await new Promise<boolean>((resolve) => {
      if (socket.destroyed) {
        resolve(true);
        return;
      }
      const timer = setTimeout(() => resolve(false), waitMs);
      socket.on('data', (b: Buffer) => {
        bytes += b.length;
      });
      socket.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
      socket.resume();
    });
    socket.destroy();
    this.stalled = null;
    return { closedByServer: closed, bytesAfterResume: bytes, error: this.stalledError };
  }

  close(): void {
    this.measuring = false;
    for (const s of this.streams) s.req?.destroy();
    this.streams = [];
    this.stalled?.destroy();
    this.agent.destroy();
  }
}

const client = new LoadClient();

if (process.send) {
  serveRpc<LoadClientApi>({
    warmup: (args) => client.connect(args, false),
    connect: (args) => client.connect(args),
    start: ({ startHeads }) => {
      client.start(startHeads);
      return null;
    },
    status: () => client.status(),
    resetBeats: () => {
      client.resetBeats();
      return null;
    },
    finish: ({ endHeads }) => client.finish(endHeads),
    stall: async (args) => {
      await client.stall(args);
      return null;
    },
    stallResult: ({ waitMs }) => client.stallResult(waitMs),
    close: () => {
      client.close();
      return null;
    },
  });
} else {
  // Standalone: connect, measure for --seconds, print one JSON report (loss from live gaps only).
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:3000' },
      streams: { type: 'string', default: '100' },
      users: { type: 'string', default: '100' },
      seconds: { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '500' },
      'jwt-secret': { type: 'string' },
      plain: { type: 'boolean', default: false },
    },
  });
  const streams = Number(values.streams);
  const usersCount = Number(values.users);
  const secret = values['jwt-secret'] ?? process.env.JWT_SECRET;
  if (!values.plain && !secret) throw new Error('--jwt-secret (or JWT_SECRET) is required unless --plain');
  const auth: StreamAuth = values.plain || !secret ? { kind: 'plain' } : { kind: 'jwt', secret };
  const users = Array.from({ length: streams }, (_, i) => `bench-u${i % usersCount}`);
  const connected = await client.connect({
    url: values.url,
    users,
    auth,
    concurrency: Number(values.concurrency),
    timeoutMs: 60_000,
  });
  client.start({});
  await new Promise((r) => setTimeout(r, Number(values.seconds) * 1000));
  const result = client.finish({});
  process.stdout.write(`${JSON.stringify({ connect: connected, ...result })}\n`);
  client.close();
  process.exit(0);
}

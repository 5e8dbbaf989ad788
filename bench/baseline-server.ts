/**
 * The floor for Node: a minimal hand-written SSE fan-out, to compare taskstream against.
 *
 * One ioredis subscriber on every user's channel taskstream publishes to (the pattern
 * `ts:{u:*}:events`, the message is the logged event JSON), a Map userId → Set<res>, the bearer token is the user id in plain text (no
 * JWT), no Express, no replay, no snapshot, no slow-client cut-off. Frames are written exactly
 * like taskstream's (`id:` / `event:` / `data: {"task":…}`), so each delivery is the same bytes.
 * Like taskstream it sends a `retry:` on open and one shared heartbeat frame every HEARTBEAT_MS,
 * so that idle streams and CPU windows cost the same writes on both.
 *
 * env: PORT (required), HOST (default 127.0.0.1), REDIS_URL (required), HEARTBEAT_MS (15000).
 * GET /health answers 200 once the subscriber is subscribed.
 *
 * BASELINE_WORK=contract (with JWT_SECRET) makes it do, per connect, the work the contract asks of
 * every stream and nothing else: verify the session JWT (taskstream's SessionTokens), subscribe the
 * user's own channel before the first read, read the snapshot with taskstream's one-round-trip
 * script (TaskStore.listJson, revocation check included) and send it with `retry:`. No registry,
 * replay, metrics, slow-client bound or error statuses: the floor for what taskstream does.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Redis } from 'ioredis';
import { revocationKey } from '../server/auth/revoked-sessions';
import { SessionTokens } from '../server/auth/session-tokens';
import { snapshotFrame } from '../server/sse/framer';
import { keys } from '../server/tasks/keys';
import { TaskStore } from '../server/tasks/task-store';

const port = Number(process.env.PORT);
const host = process.env.HOST || '127.0.0.1';
const redisUrl = process.env.REDIS_URL;
const heartbeatMs = Number(process.env.HEARTBEAT_MS || 15_000);
if (!Number.isInteger(port) || !redisUrl) {
  process.stderr.write('baseline-server: PORT and REDIS_URL are required\n');
  process.exit(1);
}

const byUser = new Map<string, Set<ServerResponse>>();
let open = 0;
const contractWork = process.env.BASELINE_WORK === 'contract';
const jwtSecret = process.env.JWT_SECRET;
if (contractWork && !jwtSecret) {
  process.stderr.write('baseline-server: BASELINE_WORK=contract needs JWT_SECRET\n');
  process.exit(1);
}

const subscriber = new Redis(redisUrl, { maxRetriesPerRequest: null });
subscriber.on('error', (err: Error) => process.stderr.write(`baseline-server: redis: ${err.message}\n`));
const onEvent = (message: string) => {
  const ev = JSON.parse(message) as { id: string; type: string; task: { ownerId: string } };
  const streams = byUser.get(ev.task.ownerId);
  if (!streams) return;
  const frame = `id: ${ev.id}\nevent: ${ev.type}\ndata: {${message.slice(message.indexOf('"task":'))}\n\n`;
  for (const res of streams) res.write(frame);
};
subscriber.on('pmessage', (_pattern: string, _channel: string, message: string) => onEvent(message));
subscriber.on('message', (_channel: string, message: string) => onEvent(message));

/** Contract mode: the commands connection, the store and the token checker taskstream uses. */
const contract = contractWork
  ? (() => {
      const commands = new Redis(redisUrl, { maxRetriesPerRequest: null });
      commands.on('error', (err: Error) => process.stderr.write(`baseline-server: redis: ${err.message}\n`));
      return {
        store: new TaskStore(commands, { logSize: 1000 }),
        tokens: new SessionTokens(jwtSecret ?? ''),
      };
    })()
  : null;
/** Contract mode: each user's channel subscription, shared by their streams. */
const channels = new Map<string, Promise<unknown>>();

const streamHeaders = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
};

function follow(userId: string, res: ServerResponse): void {
  let streams = byUser.get(userId);
  if (!streams) {
    streams = new Set();
    byUser.set(userId, streams);
  }
  streams.add(res);
  open++;
  res.on('close', () => {
    open--;
    const set = byUser.get(userId);
    if (!set) return;
    set.delete(res);
    if (set.size > 0) return;
    byUser.delete(userId);
    if (channels.delete(userId)) void subscriber.unsubscribe(keys.events(userId)).catch(() => undefined);
  });
}

async function openWithContractWork(
  req: IncomingMessage,
  res: ServerResponse,
  c: NonNullable<typeof contract>,
): Promise<void> {
  const auth = req.headers.authorization;
  const token = auth?.startsWith('Bearer ') ? auth.slice(7) : '';
  const signed = c.tokens.verifyForStream(token);
  if (!signed) {
    res.writeHead(401).end();
    return;
  }
  const { userId } = signed.identity;
  let channel = channels.get(userId);
  if (!channel) {
    channel = subscriber.subscribe(keys.events(userId));
    channels.set(userId, channel);
  }
  await channel;
  const read = await c.store.listJson(userId, revocationKey(userId, token));
  if (res.destroyed) return;
  res.writeHead(200, streamHeaders);
  res.write(`retry: 1000\n\n${snapshotFrame(read.active, read.finished)}`);
  follow(userId, res);
}

const server = createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    return;
  }
  if (req.method !== 'GET' || !req.url?.startsWith('/api/events')) {
    res.writeHead(404).end();
    return;
  }
  if (contract) {
    openWithContractWork(req, res, contract).catch(() => res.destroy());
    return;
  }
  const auth = req.headers.authorization;
  const userId = auth?.startsWith('Bearer ') ? auth.slice(7) : '';
  if (!userId) {
    res.writeHead(401).end();
    return;
  }
  res.writeHead(200, streamHeaders);
  res.write('retry: 1000\n\n');
  follow(userId, res);
});
server.requestTimeout = 0;
server.headersTimeout = 30_000;
server.keepAliveTimeout = 5_000;

setInterval(() => {
  if (open === 0) return;
  const frame = `event: heartbeat\ndata: {"serverTime":"${new Date().toISOString()}"}\n\n`;
  for (const set of byUser.values()) for (const res of set) res.write(frame);
}, heartbeatMs).unref();

// Contract mode subscribes each user's channel while they have a stream, as taskstream does.
if (!contractWork) await subscriber.psubscribe('ts:{u:*}:events');
server.listen(port, host);

function stop(): void {
  server.close();
  server.closeAllConnections();
  subscriber.disconnect();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

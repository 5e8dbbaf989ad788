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
 */
import { createServer, type ServerResponse } from 'node:http';
import { Redis } from 'ioredis';

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

const subscriber = new Redis(redisUrl, { maxRetriesPerRequest: null });
subscriber.on('error', (err: Error) => process.stderr.write(`baseline-server: redis: ${err.message}\n`));
subscriber.on('pmessage', (_pattern: string, _channel: string, message: string) => {
  const ev = JSON.parse(message) as { id: string; type: string; task: { ownerId: string } };
  const streams = byUser.get(ev.task.ownerId);
  if (!streams) return;
  const frame = `id: ${ev.id}\nevent: ${ev.type}\ndata: {${message.slice(message.indexOf('"task":'))}\n\n`;
  for (const res of streams) res.write(frame);
});

const server = createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    return;
  }
  if (req.method !== 'GET' || !req.url?.startsWith('/api/events')) {
    res.writeHead(404).end();
    return;
  }
  const auth = req.headers.authorization;
  const userId = auth?.startsWith('Bearer ') ? auth.slice(7) : '';
  if (!userId) {
    res.writeHead(401).end();
    return;
  }
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.write('retry: 1000\n\n');
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
    if (set.size === 0) byUser.delete(userId);
  });
});
server.requestTimeout = 0;
server.headersTimeout = 30_000;
server.keepAliveTimeout = 5_000;

setInterval(() => {
  if (open === 0) return;
  const frame = `event: heartbeat\ndata: {"serverTime":"${new Date().toISOString()}"}\n\n`;
  for (const set of byUser.values()) for (const res of set) res.write(frame);
}, heartbeatMs).unref();

await subscriber.psubscribe('ts:{u:*}:events');
server.listen(port, host);

function stop(): void {
  server.close();
  server.closeAllConnections();
  subscriber.disconnect();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

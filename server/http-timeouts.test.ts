import type { Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app';
import { SessionTokens } from './auth/session-tokens';
import { createHttpServer, HTTP_TIMEOUTS, type HttpTimeouts } from './http-timeouts';
import { createRedisPair } from './redis';
import { type AppServices, createServices } from './services';
import { startServer } from './start-server';
import { TEST_JWT_SECRET, testConfig, uniqueUser } from './test-support/harness';
import { SseClient } from './test-support/sse-client';

const SHORT: HttpTimeouts = {
  requestTimeoutMs: 600,
  headersTimeoutMs: 400,
  keepAliveTimeoutMs: 5_000,
  checkIntervalMs: 50,
};

interface RawExchange {
  /** What the server sent before it closed the socket. */
  response: string;
  closedAfterMs: number;
}

/**
 * Sends `head` on a raw socket, then one byte of `trickle` every 100 ms (none when empty) until
 * the server closes the connection.
 */
function rawExchange(port: number, head: string, trickle = ''): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1');
    let response = '';
    let sent = 0;
    const dripper = setInterval(() => {
      if (sent < trickle.length && socket.writable) socket.write(trickle[sent++]!);
    }, 100);
    socket.on('connect', () => socket.write(head));
    socket.on('data', (chunk: Buffer) => {
      response += chunk.toString();
    });
    socket.on('error', reject);
    socket.on('close', () => {
      clearInterval(dripper);
      resolve({ response, closedAfterMs: performance.now() - started });
    });
  });
}

const loginBody = JSON.stringify({ username: 'alice', password: 'demo' });
const loginHead = `POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${loginBody.length}\r\n\r\n`;

describe('HTTP timeouts', () => {
  let services: AppServices;
  let server: Server;
  let port: number;
  let url: string;

  beforeAll(async () => {
    const config = testConfig({ HEARTBEAT_MS: '100' });
    services = createServices(config, createRedisPair(undefined), pino({ level: 'silent' }));
    await services.bus.start();
    server = createHttpServer(createApp(services), SHORT);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    url = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    services.redis.subscriber.disconnect();
    services.stallSweeper.stop();
    await services.redis.commands.quit();
  });

  it('answers 408 and closes when a login body trickles in slower than the request timeout', async () => {
    const { response, closedAfterMs } = await rawExchange(port, loginHead, loginBody);
    expect(response).toMatch(/^HTTP\/1\.1 408/);
    expect(closedAfterMs).toBeLessThan(SHORT.requestTimeoutMs + 1000);
  });

  it('closes the connection when a login sends its headers and then stops', async () => {
    const { response, closedAfterMs } = await rawExchange(port, loginHead);
    expect(response).toMatch(/^HTTP\/1\.1 408/);
    expect(closedAfterMs).toBeLessThan(SHORT.requestTimeoutMs + 1000);
  });

  it('closes the connection when the headers never finish', async () => {
    const { response } = await rawExchange(
      port,
      'GET /api/health HTTP/1.1\r\nHost: localhost\r\n',
      'X-Slow: '.repeat(10),
    );
    expect(response).toMatch(/^HTTP\/1\.1 408/);
  });

  it('keeps an event stream open well past the request timeout', async () => {
    const token = await new SessionTokens(TEST_JWT_SECRET).sign(uniqueUser());
    const opened = performance.now();
    const stream = await SseClient.open(`${url}/api/events`, { token });
    expect(stream.status).toBe(200);
    const outlived = 3 * SHORT.requestTimeoutMs;
    await stream.until(
      (events) => performance.now() - opened > outlived && events.at(-1)?.event === 'heartbeat',
      outlived + 5000,
      'a heartbeat after three request timeouts',
    );
    expect(stream.ended).toBe(false);
    stream.close();
  });
});

describe('startServer', () => {
  it('bounds the time a request may take to arrive', async () => {
    const running = await startServer(testConfig());
    try {
      expect(running.server.requestTimeout).toBe(HTTP_TIMEOUTS.requestTimeoutMs);
      expect(running.server.headersTimeout).toBe(HTTP_TIMEOUTS.headersTimeoutMs);
      expect(HTTP_TIMEOUTS.requestTimeoutMs).toBeGreaterThan(0);
    } finally {
      await running.close();
    }
  });
});

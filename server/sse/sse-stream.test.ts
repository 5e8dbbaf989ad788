import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SseStream, type StreamEndReason } from './sse-stream';

interface Rig {
  stream: SseStream;
  client: Socket;
  ended: Promise<StreamEndReason>;
  server: Server;
}

const rigs: Rig[] = [];
afterEach(async () => {
  for (const rig of rigs.splice(0)) {
    rig.client.destroy();
    await new Promise((r) => rig.server.close(r));
  }
});

/** An SseStream on a real socket whose client never reads (its kernel buffers fill, then ours). */
async function openStalledStream(options: { maxBufferBytes: number; stallTimeoutMs: number }): Promise<Rig> {
  let resolveStream: (s: SseStream) => void = () => undefined;
  const opened = new Promise<SseStream>((r) => {
    resolveStream = r;
  });
  const server = createServer((_req, res) => {
    const stream = new SseStream(res, {
      userId: 'u-stalled',
      retryMs: 1000,
      expiresAt: Number.POSITIVE_INFINITY,
      ...options,
    });
    stream.open('');
    resolveStream(stream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  const client = connect(port, '127.0.0.1');
  client.on('error', () => undefined);
  await new Promise<void>((r) => client.once('connect', r));
  client.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  client.pause();
  const stream = await opened;
  const ended = new Promise<StreamEndReason>((r) => stream.onClose(r));
  const rig = { stream, client, ended, server };
  rigs.push(rig);
  return rig;
}

/** Writes `mib` one-MiB frames as the bus writes a replay: marked as catch-up on the stream. */
function writeCatchUp(stream: SseStream, mib: number): void {
  const leave = stream.beginCatchUp();
  const frame = `data: ${'c'.repeat(1024 * 1024)}\n\n`;
  for (let i = 0; i < mib; i++) stream.write(frame);
  leave();
}

describe('SseStream backpressure', () => {
  it('paces catch-up without cutting it, and cuts a client that takes nothing for the stall timeout', async () => {
    const { stream, ended } = await openStalledStream({ maxBufferBytes: 64 * 1024, stallTimeoutMs: 300 });
    // 16 MiB of catch-up: 256× the live bound; the kernel takes a few MB, the rest waits in our queue.
    writeCatchUp(stream, 16);
    expect(stream.closed).toBe(false);
    const startedAt = Date.now();
    expect(await ended).toBe('slow-client');
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(250);
    // What the client never took is dropped with the stream.
    expect(stream.bufferedBytes).toBeLessThan(1024 * 1024);
  });

  it('counts live frames queued behind catch-up against the bound', async () => {
    const { stream, ended } = await openStalledStream({ maxBufferBytes: 64 * 1024, stallTimeoutMs: 60_000 });
    writeCatchUp(stream, 16);
    const live = `data: ${'l'.repeat(1024)}\n\n`;
    let written = 0;
    while (!stream.closed && written < 1000) {
      stream.write(live);
      written++;
    }
    expect(await ended).toBe('slow-client');
    // Cut once the live frames alone passed 64 KiB (about 64 of them), not after the stall timeout.
    expect(written).toBeGreaterThan(50);
    expect(written).toBeLessThan(80);
  });
});

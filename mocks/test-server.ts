/**
 * One lifecycle for tests of the MSW handlers in Node: the handlers listen for the whole file
 * (unhandled requests fail the test), and after each test every stream the test opened is
 * closed, the backend's timers stop and per-test overrides go.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Task } from '../protocol';
import { mockBackend, server } from './node';
import { StreamRecorder } from './stream-recorder';

/** Registers the hooks (call at the top of a test file); `record` opens a stream closed after the test. */
export function setUpMockServer(): {
  record(path: string, options?: { initial?: readonly Task[]; lastEventId?: string | null }): StreamRecorder;
} {
  const recorders: StreamRecorder[] = [];
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    for (const r of recorders) r.close();
    recorders.length = 0;
    mockBackend.stop();
    server.resetHandlers();
  });
  afterAll(() => server.close());
  return {
    record(path, options) {
      const r = new StreamRecorder(path, options);
      recorders.push(r);
      return r;
    },
  };
}

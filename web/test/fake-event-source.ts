import type { EventSourceLike } from '../stream/stream-client';

/**
 * A scriptable EventSource: tests open it, send named frames, and fail it the way browsers do
 * (`readyState` CONNECTING: the browser will retry; CLOSED: it gave up, e.g. on a 401/429/503).
 */
export class FakeEventSource implements EventSourceLike {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static instances: FakeEventSource[] = [];

  readyState = FakeEventSource.CONNECTING;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  private readonly listeners = new Map<string, Array<(event: MessageEvent<string>) => void>>();

  constructor(readonly url: string) {
    FakeEventSource.instances.push(this);
  }

  static reset(): void {
    FakeEventSource.instances = [];
  }

  static latest(): FakeEventSource {
    const last = FakeEventSource.instances[FakeEventSource.instances.length - 1];
    if (!last) throw new Error('no EventSource was opened');
    return last;
  }

  static open(): FakeEventSource[] {
    return FakeEventSource.instances.filter((s) => !s.closed);
  }

  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void {
    const list = this.listeners.get(type) ?? [];
    list.push(listener);
    this.listeners.set(type, list);
  }

  close(): void {
    this.closed = true;
    this.readyState = FakeEventSource.CLOSED;
  }

  /** The response arrived with 200 and `text/event-stream`. */
  accept(): void {
    this.readyState = FakeEventSource.OPEN;
    this.onopen?.(new Event('open'));
  }

  /** One frame, as the browser dispatches it (`data` objects are JSON-encoded). */
  send(name: string, data: unknown, id?: string): void {
    const event = new MessageEvent<string>(name, {
      data: typeof data === 'string' ? data : JSON.stringify(data),
      lastEventId: id ?? '',
    });
    for (const listener of this.listeners.get(name) ?? []) listener(event);
  }

  /** `accept()` then `connected`. */
  connect(heartbeatMs = 15_000, userId = 'alice'): void {
    this.accept();
    this.send('connected', { userId, serverTime: new Date().toISOString(), heartbeatMs });
  }

  /** The connection failed: `willRetry` as the browser does after a drop, not after a refusal. */
  fail(willRetry: boolean): void {
    this.readyState = willRetry ? FakeEventSource.CONNECTING : FakeEventSource.CLOSED;
    this.onerror?.(new Event('error'));
  }
}

import type { ChannelLike, LockManagerLike } from '../stream/tab-coordinator';

interface Waiter {
  callback: (lock: unknown) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/** Web Locks for one browser in tests: exclusive, granted in request order, released when the callback settles. */
export class FakeLocks implements LockManagerLike {
  private readonly held = new Map<string, Waiter>();
  private readonly queues = new Map<string, Waiter[]>();

  request(
    name: string,
    options: { signal?: AbortSignal },
    callback: (lock: unknown) => Promise<unknown>,
  ): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { callback, resolve, reject };
      const queue = this.queues.get(name) ?? [];
      this.queues.set(name, queue);
      queue.push(waiter);
      options.signal?.addEventListener('abort', () => {
        const i = queue.indexOf(waiter);
        if (i >= 0) {
          queue.splice(i, 1);
          reject(new DOMException('aborted', 'AbortError'));
        }
      });
      this.grant(name);
    });
  }

  holder(name: string): boolean {
    return this.held.has(name);
  }

  private grant(name: string): void {
    if (this.held.has(name)) return;
    const next = this.queues.get(name)?.shift();
    if (!next) return;
    this.held.set(name, next);
    void Promise.resolve(next.callback({ name })).then(
      (value) => {
        this.held.delete(name);
        next.resolve(value);
        this.grant(name);
      },
      (err: unknown) => {
        this.held.delete(name);
        next.reject(err);
        this.grant(name);
      },
    );
  }
}

/** BroadcastChannel between tabs of one test: delivers to every other open channel, asynchronously. */
export class ChannelHub {
  readonly channels = new Set<FakeChannel>();
  readonly sent: unknown[] = [];

  create = (): ChannelLike => new FakeChannel(this);
}

class FakeChannel implements ChannelLike {
  onmessage: ((event: MessageEvent) => void) | null = null;

  constructor(private readonly hub: ChannelHub) {
    hub.channels.add(this);
  }

  postMessage(message: unknown): void {
    this.hub.sent.push(message);
    const data = structuredClone(message);
    for (const channel of this.hub.channels) {
      if (channel === this) continue;
      queueMicrotask(() => channel.onmessage?.(new MessageEvent('message', { data })));
    }
  }

  close(): void {
    this.hub.channels.delete(this);
  }
}

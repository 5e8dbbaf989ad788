import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface ReceivedEvent {
  event: string;
  id: string | undefined;
  data: string;
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON payloads are inspected field by field in tests
  json: any;
}

export interface SseClientOptions {
  token?: string;
  lastEventId?: string;
  headers?: Record<string, string>;
}

/**
 * A raw SSE client over fetch + eventsource-parser: exact control of headers (Last-Event-ID),
 * every frame recorded, and awaitable conditions instead of sleeps.
 */
export class SseClient {
  readonly events: ReceivedEvent[] = [];
  retries: number[] = [];
  status = 0;
  private readonly controller = new AbortController();
  private waiters: Array<() => void> = [];
  ended = false;
  readonly done: Promise<void>;

  private constructor(private readonly response: Response) {
    this.status = response.status;
    this.done = this.pump();
  }

  static async open(url: string, options: SseClientOptions = {}): Promise<SseClient> {
    const headers: Record<string, string> = { accept: 'text/event-stream', ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
    const controller = new AbortController();
    const response = await fetch(url, { headers, signal: controller.signal });
    const client = new SseClient(response);
    client.abortWith(controller);
    return client;
  }

  private abortWith(controller: AbortController): void {
    this.controller.signal.addEventListener('abort', () => controller.abort());
  }

  private async pump(): Promise<void> {
    const parser = createParser({
      onEvent: (msg: EventSourceMessage) => {
        let json: unknown = null;
        try {
          json = JSON.parse(msg.data);
        } catch {
          json = null;
        }
        this.events.push({ event: msg.event ?? 'message', id: msg.id, data: msg.data, json });
        this.notify();
      },
      onRetry: (ms: number) => this.retries.push(ms),
    });
    const body = this.response.body;
    if (!body) {
      this.ended = true;
      this.notify();
      return;
    }
    const decoder = new TextDecoder();
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch {
      // aborted or reset by the server
    }
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves once `predicate` holds over the events so far; rejects on timeout or if the stream ends first. */
  async until(
    predicate: (events: ReceivedEvent[]) => boolean,
    timeoutMs = 10_000,
    what = 'condition',
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.events)) {
      if (this.ended) throw new Error(`stream ended before ${what} (${this.events.length} events)`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what} (${this.events.length} events)`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The first event named `name` (waiting for it). */
  async next(name: string, timeoutMs?: number): Promise<ReceivedEvent> {
    await this.until((evs) => evs.some((e) => e.event === name), timeoutMs, `event "${name}"`);
    return this.events.find((e) => e.event === name)!;
  }

  named(...names: string[]): ReceivedEvent[] {
    return this.events.filter((e) => names.includes(e.event));
  }

  /** Task events only (the ones with ids). */
  get taskEvents(): ReceivedEvent[] {
    return this.named('started', 'progress', 'completed', 'failed', 'cancelled');
  }

  get lastEventId(): string | undefined {
    for (let i = this.events.length - 1; i >= 0; i--) if (this.events[i]!.id) return this.events[i]!.id;
    return undefined;
  }

  close(): void {
    this.controller.abort();
  }
}
